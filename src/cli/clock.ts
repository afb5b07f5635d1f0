// Milliseconds for timings, from process.hrtime: performance.now() would load perf_hooks first (~1 ms of
// every run of the command line).

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
