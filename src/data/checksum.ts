// The checksum of a binary cache's data (data/cache.ts): the Fletcher sums of kernels/checksum.wat over
// the bytes in order, fed in pieces of any length, in wasm where the bytes are in the shared memory (or
// copied there through a small buffer) and in JavaScript, with the same result, where wasm is unavailable.
// It finds what SHA-256 finds in a damaged file (a changed, lost or moved word) at memory speed; the
// header is still hashed with SHA-256 (data/cache.ts).

import { createHash } from 'node:crypto';
import { CHECKSUM_WASM_BASE64 } from '../kernels/checksum_wasm.js';
import { fastKernelsEnabled } from '../kernels/select.js';
import { allocShared, sharedAddress, sharedMemory } from '../kernels/shared_memory.js';
import { instantiate } from '../kernels/wasm_module.js';

const WORD = 16;
const STAGE = 1 << 20; // bytes copied into the shared memory at a time, for bytes outside it

interface Kernel {
  fletcher(p: number, len: number, s: number): void;
  /** 32 bytes of state (a, b) and the staging buffer, in the shared memory. */
  state: Int32Array;
  stage: Uint8Array;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const memory = fastKernelsEnabled() ? sharedMemory() : null;
  if (memory === null) return null;
  try {
    const { exports } = instantiate(CHECKSUM_WASM_BASE64, { env: { memory } });
    const room = allocShared('float32', (32 + STAGE) / 4);
    if (room !== null) {
      const state = new Int32Array(room.buffer, room.byteOffset, 8);
      const stage = new Uint8Array(room.buffer, room.byteOffset + 32, STAGE);
      kernel = { fletcher: (exports as Pick<Kernel, 'fletcher'>).fletcher, state, stage };
    }
  } catch {
    kernel = null; // no SIMD: the JavaScript sums
  }
  return kernel;
}

/** The sums in JavaScript: words of `bytes` (a multiple of 16 long) into a[4], b[4]. */
function fletcherJs(bytes: Uint8Array, sums: Int32Array): void {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const w = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
  let a0 = sums[0], a1 = sums[1], a2 = sums[2], a3 = sums[3];
  let b0 = sums[4], b1 = sums[5], b2 = sums[6], b3 = sums[7];
  for (let i = 0; i < w.length; i += 4) {
    a0 = (a0 + w[i]) | 0;
    a1 = (a1 + w[i + 1]) | 0;
    a2 = (a2 + w[i + 2]) | 0;
    a3 = (a3 + w[i + 3]) | 0;
    b0 = (b0 + a0) | 0;
    b1 = (b1 + a1) | 0;
    b2 = (b2 + a2) | 0;
    b3 = (b3 + a3) | 0;
  }
  sums.set([a0, a1, a2, a3, b0, b1, b2, b3]);
}

/** SHA-256 of the data's checksum and the header bytes: the 32 bytes a cache file ends with. */
export function cacheTrailer(data: Checksum, ...header: Uint8Array[]): Buffer {
  const hash = createHash('sha256').update(data.digest());
  for (const h of header) hash.update(h);
  return hash.digest();
}

/** The running checksum of a byte stream (update in pieces, then digest: 40 bytes, the sums and the length). */
export class Checksum {
  private readonly sums = new Int32Array(8);

  /** `wasm: false` sums in JavaScript (the result is the same: for tests). */
  constructor(private readonly wasm = true) {
    // NOTE: the kernel's buffers are allocated in the shared memory now, before the data they check,
    // so that the data's allocation stays the last one (resizeShared can shrink only that one)
    if (wasm) load();
  }

  private readonly carry = new Uint8Array(WORD);
  private carried = 0;
  private length = 0;

  update(bytes: Uint8Array): this {
    this.length += bytes.length;
    let at = 0;
    if (this.carried > 0) {
      const n = Math.min(WORD - this.carried, bytes.length);
      this.carry.set(bytes.subarray(0, n), this.carried);
      this.carried += n;
      at = n;
      if (this.carried < WORD) return this;
      this.words(this.carry);
      this.carried = 0;
    }
    const whole = at + Math.floor((bytes.length - at) / WORD) * WORD;
    this.words(bytes.subarray(at, whole));
    this.carry.set(bytes.subarray(whole));
    this.carried = bytes.length - whole;
    return this;
  }

  /** Whole words, in wasm when it is there. */
  private words(bytes: Uint8Array): void {
    const k = this.wasm ? load() : null;
    if (k === null) return fletcherJs(bytes, this.sums);
    k.state.set(this.sums);
    const s = k.state.byteOffset;
    if (sharedAddress(bytes) >= 0) k.fletcher(bytes.byteOffset, bytes.length, s);
    else {
      for (let at = 0; at < bytes.length; at += STAGE) {
        const piece = bytes.subarray(at, Math.min(bytes.length, at + STAGE));
        k.stage.set(piece);
        k.fletcher(k.stage.byteOffset, piece.length, s);
      }
    }
    this.sums.set(k.state);
  }

  /** The sums after the last word (zero-padded) and the byte count. */
  digest(): Buffer {
    if (this.carried > 0) {
      this.carry.fill(0, this.carried);
      this.words(this.carry);
      this.carried = 0;
    }
    const out = Buffer.alloc(40);
    Buffer.from(this.sums.buffer, this.sums.byteOffset, 32).copy(out);
    out.writeDoubleLE(this.length, 32);
    return out;
  }
}
