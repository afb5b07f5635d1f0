// AleaGenerator: the seedrandom-based generator of earlier versions (the stream of `gen-data --rng default`),
// kept as an explicitly named alternative to the PyTorch-compatible default Generator.
//
// Stream promise: for a given seed, `random()` is seedrandom 3.x's `alea(String(seed)).double()`
// sequence, `normal()` is Marsaglia's polar method over that sequence (the second value of each pair
// cached), and `randomInterval` is masked rejection over `alea.int32()`. These are fixed: the same seed
// gives the same data, init, shuffle and output in every version of this package.

import alea, { type AleaPRNG } from 'seedrandom/lib/alea.js';
import { ValueError } from '../errors.js';
import { maskedInterval, type RandomSource } from './source.js';

type Alea = AleaPRNG;

/** seedrandom 3's Alea state (its three terms and carry); the package's own type, written out here. */
export interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** A snapshot of a Generator, for `get_state()` / `set_state()`. */
export interface AleaGeneratorState {
  seed: number;
  alea: AleaState;
  gaussCache: number | null;
}

export const DEFAULT_SEED = 67280421310721; // PyTorch's default_rng_seed_val

export class AleaGenerator implements RandomSource {
  private alea!: Alea;
  private seedValue = DEFAULT_SEED;
  private gaussCache: number | null = null;

  constructor(seed: number = DEFAULT_SEED) {
    this.manual_seed(seed);
  }

  /** Re-seed; returns this generator, as PyTorch does. */
  manual_seed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ValueError(`manual_seed expects a non-negative integer, got ${seed}`);
    }
    this.seedValue = seed;
    this.alea = alea(String(seed), { state: true });
    this.gaussCache = null;
    return this;
  }

  initial_seed(): number {
    return this.seedValue;
  }

  get_state(): AleaGeneratorState {
    return { seed: this.seedValue, alea: this.alea.state(), gaussCache: this.gaussCache };
  }

  set_state(state: AleaGeneratorState): this {
    this.seedValue = state.seed;
    this.alea = alea('', { state: state.alea });
    this.gaussCache = state.gaussCache;
    return this;
  }

  random(): number {
    return this.alea.double();
  }

  normal(): number {
    if (this.gaussCache !== null) {
      const v = this.gaussCache;
      this.gaussCache = null;
      return v;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.alea.double() - 1;
      x2 = 2 * this.alea.double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gaussCache = f * x1;
    return f * x2;
  }

  randomInterval(max: number): number {
    return maskedInterval(max, () => this.alea.int32() >>> 0);
  }

}
