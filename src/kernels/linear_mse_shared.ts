// The fused Linear (one output) + MSELoss step on rows of a float32 dataset in the shared memory
// (shared_memory.ts), by the wasm kernels of rows.wat: the same values as the JavaScript row kernels
// (linear_mse_rows.ts), which they replace for batches large enough for SIMD. On a dataset larger than
// the caches, a helper thread gathers the next batch's rows into a contiguous buffer while this thread
// trains on the current batch, then gathers the rest of the next batch itself (the helper's share is
// adjusted so that neither waits long for the other); a batch is then read from cache, not from rows
// scattered over memory. The sums are the same whichever way the rows are read.
//
// NOTE: what limits a step on a large dataset is reading random rows (cache and TLB misses; measured on
// a 2-core VM: touching 1024 rows of 100 float32 took ~110 µs in a 400 MB array, ~20 µs in a 4 MB one).
// The next batch is a guess: the next `n` entries of the same epoch order. forwardShared uses the
// gathered rows only when the batch it is given is that guess, its row numbers checked one by one, and
// the dataset's version unchanged since the gather.

import { ROWS_WASM_BASE64 } from './rows_wasm.js';
import { HelperThread } from './helper_thread.js';
import { helperThreadsEnabled } from './select.js';
import { allocShared, sharedAddress, sharedMemory } from './shared_memory.js';
import { OUT_OF_CACHE_BYTES } from './touch_rows.js';
import { instantiate } from './wasm_module.js';
import { sumSquaredErrors, type RowBatch } from './linear_mse_rows.js';
import type { Storage } from '../tensor/dtype.js';

interface RowsExports {
  forward(x: number, idx: number, r0: number, r1: number, k: number, w: number, hasBias: number, bias: number, pred: number, touch: number): number;
  gather(x: number, idx: number, r0: number, r1: number, k: number, out: number): number;
  weight_grad(x: number, idx: number, n: number, k: number, grad: number, acc: number, gw: number): void;
}

interface Loaded {
  module: object;
  memory: object;
  kernels: RowsExports;
  /** Started on the first batch worth gathering; null when there is none to be had. */
  helper: HelperThread | null | undefined;
}

let loaded: Loaded | null | undefined;

function load(): Loaded | null {
  if (loaded !== undefined) return loaded;
  try {
    const memory = sharedMemory();
    if (memory === null) throw new Error('no shared WebAssembly memory');
    const { module, exports } = instantiate(ROWS_WASM_BASE64, { env: { memory } });
    loaded = { module, memory, kernels: exports as RowsExports, helper: undefined };
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Whether the kernels can read rows of X: float32 in the shared memory, kernels available. */
export function sharedRowsApply(X: Storage): boolean {
  return X instanceof Float32Array && sharedAddress(X) >= 0 && load() !== null;
}

/** A batch's row numbers and, once gathered, its rows (contiguous). */
interface BatchBuffer {
  idx: Uint32Array;
  rows: Float32Array;
}

/** The kernels' buffers in the shared memory, reused by every batch (grown when a batch needs more). */
interface Scratch {
  rows: number;
  features: number;
  /** 0, 1, 2, ...: the row numbers of a contiguous batch. */
  identity: Uint32Array;
  w64: Float64Array;
  pred: Float32Array;
  grad: Float32Array;
  acc: Float64Array;
  gw: Float32Array;
  /** Two batch buffers: this thread trains on one while the helper gathers into the other. */
  batches: [BatchBuffer, BatchBuffer];
}

let scratch: Scratch | null = null;

const u32 = (f: Storage): Uint32Array => new Uint32Array(f.buffer, f.byteOffset, f.length);
const f64 = (f: Storage, n: number): Float64Array => new Float64Array(f.buffer, f.byteOffset, n);

function scratchFor(rows: number, features: number): Scratch | null {
  if (scratch !== null && scratch.rows >= rows && scratch.features >= features) return scratch;
  waitForGather(); // the helper may be writing into the old buffers
  const R = Math.max(rows, scratch?.rows ?? 0);
  const F = Math.max(features, scratch?.features ?? 0);
  const parts = [R, 2 * F, R, R, 2 * F, F, R, R * F, R, R * F].map((n) => allocShared('float32', n));
  if (parts.some((p) => p === null)) return null;
  const [identity, w64, pred, grad, acc, gw, idx0, rows0, idx1, rows1] = parts as Float32Array[];
  const ids = u32(identity);
  for (let i = 0; i < R; i++) ids[i] = i;
  const batches: [BatchBuffer, BatchBuffer] = [{ idx: u32(idx0), rows: rows0 }, { idx: u32(idx1), rows: rows1 }];
  scratch = { rows: R, features: F, identity: ids, w64: f64(w64, F), pred, grad, acc: f64(acc, F), gw, batches };
  return scratch;
}

/** The gather of the next batch: which rows, of which dataset, into which buffer. */
interface Gather {
  X: Storage;
  version: number;
  order: ArrayLike<number>;
  start: number;
  end: number;
  features: number;
  buffer: BatchBuffer;
  /** The helper gathers rows [0, helperRows) of the batch; this thread the rest, after its step (gatherRest). */
  helperRows: number;
  restDone: boolean;
  /** Whether the helper's part has been waited for (and succeeded: else the gather is dropped). */
  done: boolean;
}

let gathering: Gather | null = null;

/**
 * The helper's share of a gather: after each, down a step when this thread had to wait for the helper,
 * else up, so that the two threads take about as long (the results do not depend on it).
 */
let helperShare = 1;
const MIN_SHARE = 0.25;
const SHARE_STEP = 1 / 64;

/** Wait for the helper's part of the gather, if one is under way; drop the gather if it failed. */
function waitForGather(): void {
  const g = gathering;
  const helper = loaded?.helper;
  if (g === null || g.done || helper === undefined || helper === null) return;
  g.done = true;
  helperShare = helper.finished() ? Math.min(1, helperShare + SHARE_STEP) : Math.max(MIN_SHARE, helperShare - SHARE_STEP);
  if (!helper.wait()) gathering = null;
}

/** This thread's part of the gather under way, if not done yet. */
function gatherRest(l: Loaded): void {
  const g = gathering;
  if (g === null || g.restDone) return;
  g.restDone = true;
  l.kernels.gather(sharedAddress(g.X), g.buffer.idx.byteOffset, g.helperRows, g.end - g.start, g.features, g.buffer.rows.byteOffset);
}

/** The gathered batch if it is exactly rows `order[start..end)` of X at `version`, else null. */
function takeGathered(l: Loaded, rb: RowBatch, version: number): BatchBuffer | null {
  gatherRest(l);
  waitForGather();
  const g = gathering;
  gathering = null;
  if (g === null || g.X !== rb.X || g.version !== version || g.order !== rb.order || g.start !== rb.start || g.end !== rb.end) return null;
  const { idx } = g.buffer;
  for (let r = 0; r < rb.end - rb.start; r++) if (idx[r] !== rb.order[rb.start + r]) return null;
  return g.buffer;
}

/** Have the helper start gathering the batch after rb, guessed as the next rb.end - rb.start rows of the same order, into `buffer`. */
function gatherNext(l: Loaded, rb: RowBatch, version: number, inF: number, buffer: BatchBuffer): void {
  const helper = helperOf(l);
  const start = rb.end;
  const end = Math.min(rb.order.length, start + (rb.end - rb.start));
  if (helper === null || !helper.ready() || end <= start) return;
  copyIndices(rb.order, start, end, buffer.idx);
  const helperRows = Math.ceil((end - start) * helperShare);
  helper.post('gather', [sharedAddress(rb.X), buffer.idx.byteOffset, 0, helperRows, inF, buffer.rows.byteOffset]);
  gathering = { X: rb.X, version, order: rb.order, start, end, features: inF, buffer, helperRows, restDone: false, done: false };
}

/**
 * Start the helper thread now if a dataset of `bytes` bytes will need it, so that it is ready by the first
 * batch (a worker takes tens of milliseconds to start: a hundred batches of W3).
 */
export function prepareSharedRows(bytes: number): void {
  if (!wantsHelper(bytes)) return;
  const l = load();
  if (l !== null) helperOf(l);
}

function helperOf(l: Loaded): HelperThread | null {
  if (l.helper === undefined) l.helper = HelperThread.start(l.module, l.memory, ['gather']);
  return l.helper;
}

function copyIndices(order: ArrayLike<number>, start: number, end: number, idx: Uint32Array): void {
  if (order instanceof Uint32Array) idx.set(order.subarray(start, end));
  else for (let r = 0; r < end - start; r++) idx[r] = order[start + r];
}

/** Whether the helper gathers the batches of a dataset of `bytes`: one out of cache (as touchRows judges it). */
function wantsHelper(bytes: number): boolean {
  return bytes > OUT_OF_CACHE_BYTES && helperThreadsEnabled();
}

/** How forwardShared has read its batches so far, in place or gathered (for tests). */
export const sharedRowStats = { inPlace: 0, gathered: 0 };

/** Whether the helper thread has started and can take gathers (for tests). */
export function helperReady(): boolean {
  return loaded?.helper?.ready() ?? false;
}

/** Where backwardShared finds the rows of the batch forwardShared saw: address and row numbers. */
let rowsAt = 0;
let rowsIdx = 0;

/**
 * pred = the batch's rows · W (+ B), kept for backwardShared; returns Σ (pred - y)² over the rows
 * (the caller divides for 'mean'), as forwardRows does, or null when the shared memory is full. X must
 * satisfy sharedRowsApply; `version` is the dataset's version counter (a gather of an older version is not used).
 */
export function forwardShared(rb: RowBatch, inF: number, W: Storage, B: Storage | null, version: number): number | null {
  const l = load();
  const n = rb.end - rb.start;
  const s = l === null ? null : scratchFor(n, inF);
  if (l === null || s === null) return null;
  const gathered = takeGathered(l, rb, version);
  let touch = 0;
  if (gathered !== null) {
    sharedRowStats.gathered++;
    rowsAt = gathered.rows.byteOffset;
    rowsIdx = s.identity.byteOffset;
  } else {
    // the rows in place (this thread waits for their cache misses), their numbers in a free buffer
    sharedRowStats.inPlace++;
    const free = s.batches[0];
    copyIndices(rb.order, rb.start, rb.end, free.idx);
    rowsAt = sharedAddress(rb.X);
    rowsIdx = free.idx.byteOffset;
    touch = 1;
  }
  // the next batch into the buffer this one does not use
  if (wantsHelper(rb.X.byteLength)) gatherNext(l, rb, version, inF, gathered === null || gathered === s.batches[0] ? s.batches[1] : s.batches[0]);
  for (let j = 0; j < inF; j++) s.w64[j] = W[j];
  l.kernels.forward(rowsAt, rowsIdx, 0, n, inF, s.w64.byteOffset, B === null ? 0 : 1, B === null ? 0 : B[0], s.pred.byteOffset, touch);
  return sumSquaredErrors(s.pred, rb.Y, rb.order, rb.start, n);
}

/**
 * The gradients of the last forwardShared (same batch): gw = Σ_r grad[r]·x_r into `gw`, where
 * grad[r] = norm·(pred[r] - y_r); returns Σ_r grad[r] (the bias gradient), as backwardRows does.
 */
export function backwardShared(rb: RowBatch, inF: number, norm: number, gw: Storage): number {
  const l = load() as Loaded;
  const s = scratch as Scratch;
  const n = rb.end - rb.start;
  const gb = outputGradients(s, rb, n, norm);
  l.kernels.weight_grad(rowsAt, rowsIdx, n, inF, s.grad.byteOffset, s.acc.byteOffset, s.gw.byteOffset);
  gw.set(s.gw.subarray(0, inF));
  gatherRest(l); // this step's rows are no longer needed: this thread's part of the next batch
  return gb;
}

/** grad[r] = norm·(pred[r] - y_r); returns Σ grad[r] in row order (as backwardRows' outputGradients). */
function outputGradients(s: Scratch, rb: RowBatch, n: number, norm: number): number {
  const { Y, order, start } = rb;
  const { pred, grad } = s;
  let gb = 0;
  for (let r = 0; r < n; r++) {
    grad[r] = norm * (pred[r] - Y[order[start + r]]);
    gb += grad[r];
  }
  return gb;
}
