// Timing helpers for the benchmarks: warm-up, repeated runs, medians.

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Seconds taken by `fn`, measured with the monotonic clock. */
export function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Median over `runs` of the time per iteration of `fn` run `iterations` times (after one warm-up run). */
export function perIteration(fn: () => void, iterations: number, runs = 5): number {
  const once = (): number => seconds(() => {
    for (let i = 0; i < iterations; i++) fn();
  }) / iterations;
  once();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push(once());
  return median(times);
}

export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : String(x);
}
