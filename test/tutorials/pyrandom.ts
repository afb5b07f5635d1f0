// Python's `random` module (CPython 3.11 Modules/_randommodule.c and Lib/random.py) for the tutorial
// translations: seed(int) through init_by_array, getrandbits, randrange/randint and shuffle, so that
// `random.seed(0); random.shuffle(indices)` gives Python's order. The Mersenne Twister itself is the
// library's (src/random/mt19937.ts); only CPython's seeding and its draws on top differ from PyTorch's.

import { MT19937 } from '../../src/random/mt19937.js';

const N = 624;

export class PyRandom {
  private readonly mt = new MT19937();

  constructor(seed = 0n) {
    this.seed(seed);
  }

  /** random.seed(n) for an int n: |n| as 32-bit words, least significant first, into init_by_array. */
  seed(n: bigint | number): void {
    let rest = BigInt(n) < 0n ? -BigInt(n) : BigInt(n);
    const key: number[] = [];
    do {
      key.push(Number(rest & 0xffffffffn));
      rest >>= 32n;
    } while (rest > 0n);
    this.initByArray(key);
  }

  private initByArray(key: readonly number[]): void {
    this.mt.initWithUint32(19650218n);
    const s = this.mt.state;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const p = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = ((s[i] ^ Math.imul(p, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        s[0] = s[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const p = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = ((s[i] ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        s[0] = s[N - 1];
        i = 1;
      }
    }
    s[0] = 0x80000000;
    this.mt.left = 1;
    this.mt.next = 0;
  }

  /** random.getrandbits(k) for 0 <= k <= 32: the top k bits of one draw. */
  getrandbits(k: number): number {
    if (k === 0) return 0;
    return this.mt.nextUint32() >>> (32 - k);
  }

  /** Random._randbelow_with_getrandbits: draws of n.bit_length() bits until one is below n. */
  private randbelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** random.randrange(start, stop) with step 1. */
  randrange(start: number, stop: number): number {
    if (!(stop > start)) throw new RangeError(`empty range in randrange(${start}, ${stop})`);
    if (stop - start > 2 ** 32) throw new RangeError('this port draws ranges of at most 2^32');
    return start + this.randbelow(stop - start);
  }

  /** random.randint(a, b): a <= N <= b. */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** random.shuffle(x) in place: Fisher–Yates from the end, j = _randbelow(i + 1). */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [x[i], x[j]] = [x[j], x[i]];
    }
  }
}

/** The module-level functions' shared instance, as Python's `random.seed`, `random.shuffle`, ... */
export const random = new PyRandom();
