// numpy's legacy RandomState (MT19937) replayed exactly: init_genrand seeding, 53-bit doubles,
// the polar Gaussian with its one-value cache, masked-rejection integers (specs/make_regression.md §1–§7).

import { ValueError } from '../errors.js';
import { AleaGenerator } from './alea.js';
import { maskedInterval, type RandomSource } from './source.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

export class NumpyRandomState implements RandomSource {
  private readonly key = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gaussCache = 0;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** `RandomState(seed)` for an integer seed: the Knuth / init_genrand recurrence (not init_by_array). */
  seed(s: number): void {
    // scikit-learn's check_random_state wording; numpy itself raises a TypeError about casting here
    if (!Number.isInteger(s)) throw new ValueError(`${s} cannot be used to seed a numpy.random.RandomState instance (an integer in [0, 2**32 - 1] is required)`);
    if (s < 0 || s > 0xffffffff) throw new ValueError('Seed must be between 0 and 2**32 - 1');
    const key = this.key;
    key[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const k = key[i - 1];
      key[i] = (Math.imul(1812433253, k ^ (k >>> 30)) + i) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gaussCache = 0;
  }

  /**
   * The in-place, ascending twist (§1.2); from i = 227 on it reads entries this pass already updated.
   * `-(y & 1) & MATRIX_A` is MATRIX_A when y is odd, else 0; the Uint32Array store wraps to unsigned.
   */
  private twist(): void {
    const key = this.key;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (key[i] & UPPER) | (key[i + 1] & LOWER);
      key[i] = key[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      const y = (key[i] & UPPER) | (key[i + 1] & LOWER);
      key[i] = key[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (key[N - 1] & UPPER) | (key[0] & LOWER);
    key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.pos = 0;
  }

  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: (a·2^26 + b) / 2^53 from 27 + 26 bits, exact in any IEEE arithmetic. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Legacy Gaussian: Marsaglia's polar method; f·x2 is returned first and f·x1 cached. */
  normal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const v = this.gaussCache;
      this.gaussCache = 0;
      return v;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.random() - 1.0;
      x2 = 2.0 * this.random() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gaussCache = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `random_interval(max)`: uniform in [0, max] by masked rejection, one 32-bit draw per try. */
  randomInterval(max: number): number {
    return maskedInterval(max, () => this.nextUint32());
  }

  /** `uniform(low, high)`: low + (high - low)·random_sample(). */
  uniform(low = 0, high = 1): number {
    const range = high - low;
    if (!Number.isFinite(range)) throw new ValueError('Range exceeds valid bounds');
    return low + range * this.random();
  }

  /** `standard_normal(n)`: n legacy Gaussians in order. */
  standard_normal(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`standard_normal: size must be a non-negative integer, got ${n}`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }
}

export type RngKind = 'default' | 'numpy';

/** seedrandom's Alea stream (AleaGenerator) or numpy's RandomState, seeded with `seed`. */
export function createRandomSource(kind: RngKind, seed: number): RandomSource {
  if (kind === 'numpy') return new NumpyRandomState(seed);
  if (kind === 'default') return new AleaGenerator(seed);
  throw new ValueError(`unknown generator '${String(kind)}': expected 'default' or 'numpy'`);
}
