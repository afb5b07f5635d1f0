// torch.utils.data samplers and random_split as PyTorch 1.13 draws them (torch/utils/data/sampler.py,
// dataset.py): a RandomSampler without a generator seeds a fresh Generator from the default one per epoch.

import { ValueError } from '../errors.js';
import { default_generator, Generator } from '../random/generator.js';
import { randomInt64, randomFromToFill, randpermFill, skipRandperm } from '../random/distributions.js';
import { warn } from '../warnings.js';

/** randperm(n, generator) as plain indices. */
function permutation(n: number, g: Generator): Float64Array {
  const out = new Float64Array(n);
  randpermFill(g, out, n);
  return out;
}

/**
 * The indices one epoch of `RandomSampler(n, { generator })` yields (no replacement, num_samples n), drawn
 * the same way but written straight into a typed array (a Uint32Array when they fit): what a shuffling
 * DataLoader takes per epoch, without a generator's resumption per index (~1 µs each, seconds for W3's
 * million rows). Like the sampler run to its end, it also makes the draws of the empty tail's randperm,
 * which PyTorch draws and drops (`randperm(n)[:num_samples % n]`).
 */
export function randomOrder(n: number, generator: Generator | null): Uint32Array | Float64Array {
  const g = generator ?? new Generator(randomInt64(default_generator));
  const out = n <= 0xffffffff ? new Uint32Array(n) : new Float64Array(n);
  randpermFill(g, out, n);
  skipRandperm(g, n);
  return out;
}

export class SequentialSampler implements Iterable<number> {
  constructor(readonly length: number) {}

  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  num_samples?: number;
  generator?: Generator;
}

/**
 * RandomSampler: per epoch, without a generator, seed = random_() of an int64 from the default generator
 * and a new Generator seeded with it; then randperm(n) (repeated for num_samples > n), or with replacement
 * randint(n) in blocks of 32.
 */
export class RandomSampler implements Iterable<number> {
  readonly n: number;
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly numSamples: number | null;

  constructor(length: number, options: RandomSamplerOptions = {}) {
    this.n = length;
    this.replacement = options.replacement ?? false;
    this.generator = options.generator ?? null;
    this.numSamples = options.num_samples ?? null;
    if (!Number.isInteger(this.num_samples) || this.num_samples <= 0) {
      throw new ValueError(`num_samples should be a positive integer value, but got num_samples=${this.num_samples}`);
    }
  }

  get num_samples(): number {
    return this.numSamples ?? this.n;
  }

  get length(): number {
    return this.num_samples;
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = this.n;
    const g = this.generator ?? new Generator(randomInt64(default_generator));
    const count = this.num_samples;
    if (this.replacement) {
      const block = new Float64Array(32);
      for (let k = 0; k < Math.floor(count / 32); k++) {
        randomFromToFill(g, block, 0, BigInt(n));
        yield* block;
      }
      const rest = new Float64Array(count % 32);
      randomFromToFill(g, rest, 0, BigInt(n));
      yield* rest;
      return;
    }
    for (let k = 0; k < Math.floor(count / n); k++) yield* permutation(n, g);
    yield* permutation(n, g).subarray(0, count % n);
  }
}

/** SubsetRandomSampler: indices[i] for i in randperm(len(indices), generator). */
export class SubsetRandomSampler implements Iterable<number> {
  constructor(readonly indices: readonly number[], readonly generator: Generator = default_generator) {}

  get length(): number {
    return this.indices.length;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const i of permutation(this.indices.length, this.generator)) yield this.indices[i];
  }
}

/**
 * random_split's lengths: integers as given, or fractions summing to 1 turned into floor(n·f) with the
 * remainder handed out one by one from the first split.
 */
export function splitLengths(n: number, lengths: readonly number[]): number[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    const sizes = lengths.map((f, i) => {
      if (f < 0 || f > 1) throw new ValueError(`Fraction at index ${i} is not between 0 and 1`);
      return Math.floor(n * f);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
    sizes.forEach((s, i) => {
      if (s === 0) warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
    return sizes;
  }
  if (total !== n) throw new ValueError('Sum of input lengths does not equal the length of the input dataset!');
  return lengths.slice();
}

/** `random_split(n, lengths, generator)` as index lists: consecutive slices of randperm(n, generator). */
export function randomSplitIndices(n: number, lengths: readonly number[], generator: Generator = default_generator): number[][] {
  const sizes = splitLengths(n, lengths);
  const order = Array.from(permutation(n, generator));
  const parts: number[][] = [];
  let offset = 0;
  for (const s of sizes) {
    parts.push(order.slice(offset, offset + s));
    offset += s;
  }
  return parts;
}
