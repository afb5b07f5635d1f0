// The shared WebAssembly memory (a bump allocator), the helper thread, and the row kernels that read a
// float32 dataset there: the same values, bit for bit, as the JavaScript row kernels, on one thread or
// with the helper gathering batches, whatever the shapes.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HelperThread } from '../../src/kernels/helper_thread.js';
import { backwardRows, forwardRows, type RowBatch } from '../../src/kernels/linear_mse_rows.js';
import { backwardShared, forwardShared, helperReady, sharedRowStats } from '../../src/kernels/linear_mse_shared.js';
import { fma32 } from '../../src/math/fma.js';
import { ROWS_WASM_BASE64 } from '../../src/kernels/rows_wasm.js';
import { NO_FMA } from '../../src/kernels/fma_module.js';
import { rowsModule } from '../../src/kernels/rows_module.js';
import { inEachFmaMode } from '../helpers/fma_modes.js';
import { setHelperThreads } from '../../src/kernels/select.js';
import { allocShared, resizeShared, sharedAddress, sharedMemory } from '../../src/kernels/shared_memory.js';
import { instantiate } from '../../src/kernels/wasm_module.js';

/**
 * Deterministic values, a quarter of them ±2^30 and the rest in ±[2^-20, 1): the large ones cancel in sums,
 * leaving small remainders whose rounding depends on the order of the float64 additions, so that a sum
 * formed in another order than the JavaScript kernels' shows even after rounding to float32.
 */
function fill(a: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const sign = s & 1 ? -1 : 1;
    a[i] = (s & 6) === 0 ? sign * 2 ** 30 : sign * (s / 2 ** 32) * 2 ** -((s >>> 3) % 21);
  }
}

/** Whether this CPU has a fused multiply-add that relaxed SIMD's compiles to (V8: FMA3 on x86, always on arm64). */
function cpuHasFma(): boolean {
  if (process.arch === 'arm64') return true;
  if (process.arch !== 'x64') return false;
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

function sharedF32(n: number, seed: number): Float32Array {
  const a = allocShared('float32', n) as Float32Array;
  fill(a, seed);
  return a;
}

function shuffled(n: number, seed: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

describe('shared memory', () => {
  test('allocations are zero-filled, 64-byte aligned, do not overlap, and are known to be shared', () => {
    const a = allocShared('float32', 100) as Float32Array;
    const b = allocShared('float64', 7) as Float64Array;
    assert.ok(a instanceof Float32Array && b instanceof Float64Array);
    assert.ok(a.every((v) => v === 0) && b.every((v) => v === 0));
    assert.equal(sharedAddress(a) % 64, 0);
    assert.equal(sharedAddress(b) % 64, 0);
    assert.ok(sharedAddress(b) >= sharedAddress(a) + a.byteLength);
    a.fill(1);
    assert.ok(b.every((v) => v === 0));
    assert.equal(sharedAddress(new Float32Array(4)), -1);
    assert.ok(a.buffer instanceof SharedArrayBuffer);
  });

  test('the last allocation grows in place, keeping its values, and reads zeros where it shrank and grew back', () => {
    const first = allocShared('float32', 1000) as Float32Array;
    const last = allocShared('float32', 10) as Float32Array;
    last.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(resizeShared(first, 2000), null, 'only the last allocation can grow in place');
    const grown = resizeShared(last, 300_000) as Float32Array; // past the memory's size: it grows
    assert.equal(sharedAddress(grown), sharedAddress(last));
    assert.deepEqual(Array.from(grown.subarray(0, 10)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(grown.subarray(10).every((v) => v === 0));
    grown.fill(5);
    const shrunk = resizeShared(grown, 4) as Float32Array;
    assert.equal(shrunk.length, 4);
    const again = resizeShared(shrunk, 8) as Float32Array;
    assert.deepEqual(Array.from(again), [5, 5, 5, 5, 0, 0, 0, 0]);
    const next = allocShared('float32', 1000) as Float32Array;
    assert.ok(next.every((v) => v === 0), 'memory handed out before reads as zeros');
    assert.equal(last[0], 5, 'views made before a grow still see the memory');
  });
});

describe('helper thread', () => {
  const { module } = instantiate(ROWS_WASM_BASE64, { env: { memory: sharedMemory() }, fma: NO_FMA });

  async function started(ops: string[]): Promise<HelperThread> {
    const helper = HelperThread.start(module, sharedMemory() as object, null, ops);
    assert.ok(helper !== null, 'this machine has two cores and workers');
    for (let i = 0; i < 500 && !helper.ready(); i++) await sleep(10);
    assert.ok(helper.ready());
    return helper;
  }

  test('runs a kernel on the shared memory: gather copies the rows picked by index', async () => {
    const helper = await started(['gather']);
    const X = sharedF32(50 * 6, 1);
    const idx = allocShared('float32', 4) as Float32Array;
    const rows = new Uint32Array(idx.buffer, idx.byteOffset, 4);
    rows.set([7, 0, 49, 7]);
    const out = allocShared('float32', 4 * 6) as Float32Array;
    helper.post('gather', [sharedAddress(X), idx.byteOffset, 0, 4, 6, out.byteOffset]);
    assert.equal(helper.wait(), true);
    assert.deepEqual(Array.from(out), [...rows].flatMap((r) => Array.from(X.subarray(r * 6, r * 6 + 6))));
  });

  test('a job that fails is reported, and the helper is not used again', async () => {
    const helper = await started(['no_such_export']);
    helper.post('no_such_export', []);
    assert.equal(helper.wait(), false);
    assert.equal(helper.ready(), false);
  });
});

interface KernelCase {
  features: number;
  batch: number;
  bias: boolean;
}

/** ±0.5, ±1 or ±2: weights whose products with the data are exact, so that large terms cancel exactly. */
function powerWeights(F: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: F }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s & 1 ? -1 : 1) * 2 ** (((s >>> 3) % 3) - 1);
  });
}

/**
 * Rows order[start..start+n) rewritten so that the order of float64 additions shows in the float32 results:
 * small values down to ~2^-40 everywhere, plus ±2^30 in pairs of columns that cancel within the row (the
 * products, with weights of 1) and between batch positions 2m and 2m + 1 (the weight gradient, whose
 * output gradients are then all equal): what is left after the cancelling is rounded differently when
 * the sums are formed in another order.
 */
function adversarialBatch(X: Float32Array, order: ArrayLike<number>, start: number, n: number, F: number, seed: number): void {
  let s = seed >>> 0;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const cols = Uint32Array.from({ length: F }, (_, j) => j);
  for (let t = 0; t < n; t++) {
    const row = X.subarray(order[start + t] * F, order[start + t] * F + F);
    for (let j = 0; j < F; j++) row[j] = ((next() & 1) === 0 ? -1 : 1) * (next() / 2 ** 32) * 2 ** -(next() % 16);
    if (t % 2 === 0) {
      for (let j = F - 1; j > 0; j--) {
        const k = next() % (j + 1);
        [cols[j], cols[k]] = [cols[k], cols[j]];
      }
    }
    const sign = t % 2 === 0 ? 1 : -1; // position 2m + 1 mirrors 2m: its large values cancel 2m's column by column
    for (let k = 0; k + 1 < F && k < F / 2; k += 2) {
      row[cols[k]] = sign * 2 ** 30;
      row[cols[k + 1]] = -sign * 2 ** 30;
    }
  }
}

/**
 * Both kernels on consecutive batches of one shuffled epoch; the shared kernels must match the JavaScript
 * ones exactly. Each batch's targets are first set from the predictions: minus 1 for adversarial rows (with
 * a bias of 8 the difference is exactly 1, so every output gradient is the same), else minus ±0.5 or ±1.
 */
function compareEpoch(X: Float32Array, Y: Float32Array, rows: number, c: KernelCase, order: ArrayLike<number>, adversarial = false): void {
  const F = c.features;
  const W = adversarial ? new Float32Array(F).fill(1) : powerWeights(F, F);
  const B = c.bias ? Float32Array.of(adversarial ? 8 : 0.25) : null;
  const pred = new Float32Array(c.batch);
  const grad = new Float32Array(c.batch);
  const acc = new Float64Array(F);
  const gwJs = new Float32Array(F);
  const gwShared = new Float32Array(F);
  for (let start = 0; start < rows; start += c.batch) {
    const rb: RowBatch = { X, Y, order, start, end: Math.min(rows, start + c.batch) };
    const n = rb.end - rb.start;
    if (adversarial) adversarialBatch(X, order, start, n, F, start + 1);
    forwardRows(rb, F, W, B, pred);
    for (let r = 0; r < n; r++) Y[order[start + r]] = pred[r] - (adversarial ? 1 : (r % 2 === 0 ? 1 : -0.5) * (r % 3 === 0 ? -1 : 1));
    const norm = 2 / n;
    const lossShared = forwardShared(rb, F, W, B, norm);
    const gbShared = backwardShared(F, gwShared);
    const lossJs = forwardRows(rb, F, W, B, pred);
    const gbJs = backwardRows(rb, F, pred, grad, norm, acc, gwJs);
    assert.equal(lossShared, lossJs, `loss of rows ${rb.start}..${rb.end}`);
    assert.equal(gbShared, gbJs, `bias gradient of rows ${rb.start}..${rb.end}`);
    assert.deepEqual(gwShared, gwJs, `weight gradient of rows ${rb.start}..${rb.end}`);
  }
}

describe('row kernels on shared memory', () => {
  test('the hardware fused multiply-add is used where the CPU has one (x86 with FMA3, arm64)', () => {
    const m = rowsModule();
    assert.ok(m !== null);
    assert.equal(m.fma !== null, cpuHasFma(), 'rows_fma.wat loaded exactly where the CPU has fma');
  });

  // each test with rows_fma.wat's kernels (where this machine has them) and with rows.wat's emulation
  inEachFmaMode((hardware) => {

  const CASES: KernelCase[] = [
    { features: 2, batch: 5, bias: true },
    { features: 3, batch: 4, bias: false },
    { features: 4, batch: 1, bias: true },
    { features: 5, batch: 9, bias: true },
    { features: 7, batch: 64, bias: false },
    { features: 100, batch: 33, bias: true },
    { features: 101, batch: 16, bias: true },
    // k blocks: 401 features in two halves (200 + 201 on one thread), 700 rows in 320 + 192 + 188
    { features: 401, batch: 700, bias: true },
    { features: 330, batch: 641, bias: false },
    // on two threads in OpenBLAS: the last blocks of 3500 rows are 310 + 310 (one thread: 312 + 308)
    { features: 100, batch: 3500, bias: true },
    // and 401 features of 1024 rows 201 + 200
    { features: 401, batch: 1024, bias: true },
  ];
  for (const c of CASES) {
    test(`same losses and gradients as the JavaScript row kernels: ${c.features} features, batches of ${c.batch}, ${c.bias ? 'with' : 'without'} bias`, () => {
      const rows = Math.max(150, 2 * c.batch + 7);
      const before = sharedRowStats.inexact;
      const X = sharedF32(rows * c.features, c.features * 31 + c.batch);
      const Y = new Float32Array(rows);
      fill(Y, 3);
      compareEpoch(X, Y, rows, c, shuffled(rows, c.batch));
      compareEpoch(X, Y, rows, c, Array.from(shuffled(rows, 7))); // any array of row numbers
      compareEpoch(X, Y, rows, c, shuffled(rows, 8), true);
      // the targets in the shared memory too: the kernels read them by row number
      const inPlace = sharedRowStats.targetsInPlace;
      const Yshared = allocShared('float32', rows) as Float32Array;
      compareEpoch(X, Yshared, rows, c, shuffled(rows, 9));
      compareEpoch(X, Yshared, rows, c, shuffled(rows, 10), true);
      assert.equal(sharedRowStats.targetsInPlace - inPlace, 2 * Math.ceil(rows / c.batch), 'every step of the last two epochs read the targets in place');
      assert.equal(sharedRowStats.inexact, before, 'every step by the wasm kernels (no sum needed the JavaScript ones)');
    });
  }

  /**
   * One batch of the given rows (rows × F, in order) by the shared kernels, with the JavaScript kernels
   * taking over where forwardShared declines, against the JavaScript kernels alone; returns whether the
   * shared kernels declined.
   */
  function oneBatch(rowsData: number[][], W: number[], bias: number | null, targets: number[]): boolean {
    const n = rowsData.length;
    const F = W.length;
    const X = allocShared('float32', n * F) as Float32Array;
    rowsData.forEach((row, r) => X.set(row, r * F));
    const Y = Float32Array.from(targets);
    const w = Float32Array.from(W);
    const B = bias === null ? null : Float32Array.of(bias);
    const rb: RowBatch = { X, Y, order: Uint32Array.from({ length: n }, (_, i) => i), start: 0, end: n };
    const norm = 2 / n;
    const [pred, grad, gwJs, gwShared] = [n, n, F, F].map((len) => new Float32Array(len));
    const acc = new Float64Array(Math.max(F, n));
    const shared = forwardShared(rb, F, w, B, norm);
    const lossShared = shared ?? forwardRows(rb, F, w, B, pred);
    const gbShared = shared === null ? backwardRows(rb, F, pred, grad, norm, acc, gwShared) : backwardShared(F, gwShared);
    const lossJs = forwardRows(rb, F, w, B, pred);
    const gbJs = backwardRows(rb, F, pred, grad, norm, acc, gwJs);
    assert.equal(lossShared, lossJs, 'loss');
    assert.equal(gbShared, gbJs, 'bias gradient');
    assert.deepEqual(new Uint32Array(gwShared.buffer), new Uint32Array(gwJs.buffer), 'weight gradient, bit for bit');
    return shared === null;
  }

  /** rows of F features: `special` at the head of row `at`, the rest ordinary values. */
  function rowsWith(n: number, F: number, at: number, special: number[]): number[][] {
    return Array.from({ length: n }, (_, r) => Array.from({ length: F }, (_, j) => (r === at && j < special.length ? special[j] : ((r * 7 + j * 3) % 11) / 8 - 0.6)));
  }

  test('a sum that lands on a float32 midpoint: float32(a·b + c) is not fma there, so the emulation leaves the step to the JavaScript kernels', () => {
    // c = 1 + 2^-23, then a·b = 2^-24 - 2^-70 (exact in float64): a·b + c rounds in float64
    // onto the midpoint 1 + 3·2^-24, and from there to even (1 + 2^-22), while fma gives 1 + 2^-23
    const a = 1 + 2 ** -23;
    const b = Math.fround(2 ** -24 - 2 ** -47);
    const c = 1 + 2 ** -23;
    assert.notEqual(Math.fround(a * b + c), fma32(a, b, c), 'the double rounding shows here');
    const F = 40;
    const W = Array.from({ length: F }, (_, j) => (j === 0 ? c : j === 1 ? b : 0.25));
    const rows = rowsWith(64, F, 5, [1, a]);
    const before = sharedRowStats.inexact;
    // the hardware's fma rounds once: the wasm kernels keep the step, with the same values
    assert.equal(oneBatch(rows, W, 0.5, rows.map((_, r) => r / 10)), !hardware);
    assert.equal(sharedRowStats.inexact, before + (hardware ? 0 : 1));
  });

  test('a sum below float32\'s normal range that float64 cannot hold: the emulation leaves the step to the JavaScript kernels', () => {
    // c = 2^-127 + 2^-149 (subnormal), a·b = 2^-150 - 2^-182: float64 rounds the sum onto c + 2^-150, a
    // float32 midpoint, and from there to c + 2^-149; fma gives c
    const a = 2 ** -75 * (1 + 2 ** -16);
    const b = 2 ** -75 * (1 - 2 ** -16);
    const c = 2 ** -127 + 2 ** -149;
    assert.notEqual(Math.fround(a * b + c), fma32(a, b, c), 'the double rounding shows here');
    const F = 40;
    const W = Array.from({ length: F }, (_, j) => (j === 0 ? c : j === 1 ? b : 0));
    const rows = rowsWith(64, F, 9, [1, a]);
    assert.equal(oneBatch(rows, W, null, rows.map(() => 0)), !hardware);
  });

  test('special values (0, -0, ±inf, NaN, tiny, huge) give the JavaScript kernels\' values', () => {
    const F = 24;
    const W = Array.from({ length: F }, (_, j) => (j % 5) / 4 - 0.5);
    const specials: number[][] = [[0, -0, 0, -0], [Infinity, 1], [-Infinity, 2], [NaN], [1e-45, 1e-40, -1e-42], [3e38, 3e38, 3e38], [-0, -0]];
    for (const special of specials) {
      const rows = rowsWith(64, F, 3, special);
      oneBatch(rows, W, 1, rows.map((_, r) => r - 30));
    }
    // factors below 2^-50 (whose products need not be multiples of 2^-149): the full check, in wasm still
    const small = rowsWith(64, F, 7, [2 ** -60, -(2 ** -55) * 3, 2 ** -70]);
    assert.equal(oneBatch(small, W, 1, small.map((_, r) => r - 30)), false, 'the wasm kernels kept the step');
    // zeros everywhere: exact sums, the wasm kernels keep the step
    const zeros = Array.from({ length: 64 }, () => new Array<number>(F).fill(0));
    assert.equal(oneBatch(zeros, W.map(() => -0), null, zeros.map(() => 0)), false);
  });

  test('the adversarial rows tell apart sums formed in another order (or the test above could not fail)', () => {
    const F = 100;
    const n = 32;
    const X = new Float32Array(n * F);
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    adversarialBatch(X, order, 0, n, F, 5);
    const g = 2 / n;
    let rowsDiffering = 0;
    for (let r = 0; r < n; r++) {
      const s = [0, 0, 0, 0];
      for (let p = 0; p < F; p++) s[p % 4] += X[r * F + p];
      if (Math.fround(s[0] + s[1] + (s[2] + s[3])) !== Math.fround(s[0] + (s[1] + s[2]) + s[3])) rowsDiffering++;
    }
    let colsDiffering = 0;
    for (let j = 0; j < F; j++) {
      let fours = 0;
      let oneByOne = 0;
      for (let r = 0; r < n; r += 4) {
        const [a, b, c, d] = [0, 1, 2, 3].map((k) => g * X[(r + k) * F + j]);
        fours += a + b + (c + d);
        oneByOne = oneByOne + a + b + c + d;
      }
      if (Math.fround(fours) !== Math.fround(oneByOne)) colsDiffering++;
    }
    assert.ok(rowsDiffering >= n / 4, `products: ${rowsDiffering} of ${n} rows differ`);
    assert.ok(colsDiffering >= F / 4, `weight gradient: ${colsDiffering} of ${F} columns differ`);
  });

  test('on a dataset larger than the caches the helper takes part of the steps, and the values stay the same', async () => {
    const F = 100;
    const rows = 90_000; // 36 MB of float32: past the size from which the helper shares the steps
    const X = sharedF32(rows * F, 11);
    const Y = new Float32Array(rows);
    fill(Y, 12);
    const c: KernelCase = { features: F, batch: 1000, bias: true };
    compareEpoch(X, Y, 3000, c, shuffled(rows, 1)); // starts the helper
    for (let i = 0; i < 500 && !helperReady(); i++) await sleep(10);
    assert.ok(helperReady(), 'the helper started');
    const before = { ...sharedRowStats };
    compareEpoch(X, Y, rows, c, shuffled(rows, 2));
    compareEpoch(X, Y, rows, c, shuffled(rows, 3), true);
    assert.equal(sharedRowStats.steps - before.steps, 180);
    assert.ok(sharedRowStats.helperChunks > before.helperChunks, 'the helper took chunks');
  });

  test('with the helper switched off this thread takes every chunk', () => {
    const previous = setHelperThreads(false);
    try {
      const F = 100;
      const rows = 90_000;
      const X = sharedF32(rows * F, 21);
      const Y = new Float32Array(rows);
      const before = { ...sharedRowStats };
      compareEpoch(X, Y, 5000, { features: F, batch: 1000, bias: false }, shuffled(rows, 4));
      assert.equal(sharedRowStats.helperChunks, before.helperChunks);
      assert.equal(sharedRowStats.steps, before.steps + 5);
    } finally {
      setHelperThreads(previous);
    }
  });
  });
});
