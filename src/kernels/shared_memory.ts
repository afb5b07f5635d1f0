// One process-wide shared WebAssembly memory (a SharedArrayBuffer that grows in place, up to 4 GiB):
// a dataset allocated here can be read by the wasm row kernels (rows.wat) directly, on this thread and
// on a helper thread (kernels/linear_mse_shared.ts). A bump allocator: nothing is given back to the
// system, so it is for data that lives as long as the process (the CLI's training data), and for the
// kernels' scratch, which is reused.

import { allocStorage, type DType, type Storage } from '../tensor/dtype.js';

interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

interface MemoryApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
}

const PAGE = 65536;
/** wasm32's limit: 65536 pages of 64 KiB. */
const MAX_PAGES = 65536;
const ALIGN = 64;

let memory: SharedMemory | null | undefined;
/** Bytes handed out so far, and where the last allocation starts (it alone can grow in place). */
let top = ALIGN;
let last = -1;
/** The highest address ever handed out: memory below it may hold old values (after a shrink). */
let highWater = ALIGN;
/** Every SharedArrayBuffer object `memory.buffer` has returned (a new one after each grow, same memory). */
const buffers = new WeakSet<ArrayBufferLike>();

/** The memory, created on first use; null where shared WebAssembly memory is unavailable. */
export function sharedMemory(): SharedMemory | null {
  if (memory !== undefined) return memory;
  try {
    const api = (globalThis as unknown as { WebAssembly?: MemoryApi }).WebAssembly;
    memory = api === undefined ? null : new api.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  } catch {
    memory = null;
  }
  return memory;
}

/** The memory's buffer, with at least `bytes` bytes (grown as needed); null when it cannot grow that far. */
function reserve(m: SharedMemory, bytes: number): SharedArrayBuffer | null {
  const have = m.buffer.byteLength;
  if (bytes > have) {
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return null;
    try {
      m.grow(pages);
    } catch {
      return null; // the system refused the memory
    }
  }
  const buffer = m.buffer;
  buffers.add(buffer);
  return buffer;
}

function view(dtype: DType, buffer: SharedArrayBuffer, start: number, length: number): Storage {
  return dtype === 'float32' ? new Float32Array(buffer, start, length) : new Float64Array(buffer, start, length);
}

const bytesPer = (dtype: DType): number => (dtype === 'float32' ? 4 : 8);

/** `length` zeros of `dtype` in the shared memory, or null when it is unavailable or full. */
export function allocShared(dtype: DType, length: number): Storage | null {
  const m = sharedMemory();
  if (m === null) return null;
  const start = Math.ceil(top / ALIGN) * ALIGN;
  const end = start + length * bytesPer(dtype);
  const buffer = reserve(m, end);
  if (buffer === null) return null;
  top = end;
  last = start;
  const fresh = view(dtype, buffer, start, length);
  if (start < highWater) fresh.fill(0, 0, Math.ceil((Math.min(end, highWater) - start) / bytesPer(dtype)));
  highWater = Math.max(highWater, end);
  return fresh;
}

/** `length` zeros of `dtype` in the same kind of memory as `source`: shared if it is (and there is room), else ordinary. */
export function allocBeside(source: Storage, dtype: DType, length: number): Storage {
  return (sharedAddress(source) >= 0 ? allocShared(dtype, length) : null) ?? allocStorage(dtype, length);
}

/** A copy of `source` in the shared memory, or null when it is unavailable or full. */
export function sharedCopy(source: Storage): Storage | null {
  const copy = allocShared(source instanceof Float32Array ? 'float32' : 'float64', source.length);
  copy?.set(source);
  return copy;
}

/** Address of `storage` in the shared memory, or -1 when it is not there. */
export function sharedAddress(storage: Storage): number {
  return buffers.has(storage.buffer) ? storage.byteOffset : -1;
}

/**
 * `storage` (the last allocation) resized to `length` elements in place, its contents kept: a view of the
 * same memory. Null when `storage` is not the last allocation or the memory cannot grow that far.
 */
export function resizeShared(storage: Storage, length: number): Storage | null {
  const m = sharedMemory();
  const start = sharedAddress(storage);
  if (m === null || start < 0 || start !== last) return null;
  const dtype: DType = storage instanceof Float32Array ? 'float32' : 'float64';
  const end = start + length * bytesPer(dtype);
  const buffer = reserve(m, end);
  if (buffer === null) return null;
  top = end;
  const resized = view(dtype, buffer, start, length);
  // what the allocation gains reads as zeros, like a fresh allocation
  const kept = start + storage.byteLength;
  if (end > kept && kept < highWater) resized.fill(0, storage.length, Math.ceil((Math.min(end, highWater) - start) / bytesPer(dtype)));
  highWater = Math.max(highWater, end);
  return resized;
}
