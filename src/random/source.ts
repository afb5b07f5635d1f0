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
