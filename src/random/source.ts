// The one interface every random draw goes through: data, init, shuffles and noise all take a RandomSource.

export interface RandomSource {
  /** A uniform double in [0, 1). */
  random(): number;
  /** A standard normal draw. */
  normal(): number;
  /** A uniform integer in [0, max] (inclusive); `max` is a non-negative integer below 2^32. */
  randomInterval(max: number): number;
}

/**
 * A uniform integer in [0, max] by masked rejection (numpy's random_interval): draw 32 bits, keep the
 * bits of the smallest all-ones mask covering max, retry while above max.
 */
export function maskedInterval(max: number, nextUint32: () => number): number {
  if (max === 0) return 0;
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  let v: number;
  do {
    v = (nextUint32() & mask) >>> 0;
  } while (v > max);
  return v;
}

/**
 * Fisher–Yates from the end, `j` drawn in [0, i]: numpy's `shuffle`, and the order every
 * shuffle in this project uses, so a seed fixes a permutation for any RandomSource.
 */
export function shuffleInPlace(rng: RandomSource, a: { length: number; [i: number]: number }): void {
  for (let i = a.length - 1; i >= 1; i--) {
    const j = rng.randomInterval(i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** `permutation(n)`: 0..n-1 shuffled by `shuffleInPlace`. */
export function permutation(rng: RandomSource, n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  shuffleInPlace(rng, a);
  return a;
}
