// The fused Linear (one output) + MSELoss step on rows of a float32 dataset in the shared memory
// (shared_memory.ts), by the wasm kernels of rows.wat: the same values as the JavaScript row kernels
// (linear_mse_rows.ts, PyTorch's OpenBLAS order), which they replace for batches large enough for SIMD;
// a step where rows.wat could not round a fused multiply-add in one go (a float32 midpoint, a sum below
// float32's normal range, a non-finite value) is left to those JavaScript kernels (forwardShared: null).
// A step is one job of chunks that this thread and, on a dataset larger than the caches, a helper thread
// take from a shared counter: row chunks (each row copied to a contiguous buffer once, its prediction and
// output gradient computed from cache), then feature chunks (columns of the weight gradient over all the
// batch's rows).
// Both threads thus read the batch's random rows at once, each missing the caches for half of them.
//
// NOTE: deterministic by construction: every value a chunk writes is computed by one fixed sequence of
// operations (per row the prediction, per column the weight gradient in sgemm's k blocks over all rows),
// so which thread takes which chunk, and whether there is a helper at all (AUTOGRAD_THREADS=1), changes
// nothing. Neither thread ever waits long for the other: a chunk claimed but not done after a short spin
// is done again by the thread that needs it (rows.wat's `ensure`), which writes the same values.

import { HelperThread } from './helper_thread.js';
import { fusedMultiplyAdd, rowsModule, type RowsModule } from './rows_module.js';
import { helperThreadsEnabled } from './select.js';
import { allocShared, sharedAddress } from './shared_memory.js';
import { OUT_OF_CACHE_BYTES } from './touch_rows.js';
import type { RowBatch } from './linear_mse_rows.js';
import { kThreaded } from './blas_order.js';
import { cascadeSum1d } from '../tensor/cascade_sum.js';
import type { Storage } from '../tensor/dtype.js';

interface Loaded extends RowsModule {
  /** Started for the first dataset out of cache; null when there is none to be had. */
  helper: HelperThread | null | undefined;
}

let loaded: Loaded | null | undefined;

function load(): Loaded | null {
  if (loaded !== undefined) return loaded;
  const m = rowsModule();
  loaded = m === null ? null : { ...m, helper: undefined };
  return loaded;
}

/** Whether the kernels can read rows of X: float32 in the shared memory, kernels available. */
export function sharedRowsApply(X: Storage): boolean {
  return X instanceof Float32Array && sharedAddress(X) >= 0 && load() !== null;
}

/** Word offsets in a job block (rows.wat's job words). */
const J = { gen: 0, claim: 1, x: 2, idx: 3, n: 4, k: 5, w: 6, hasBias: 7, bias: 8, y: 9, buf: 10, pred: 11, grad: 12, gw: 13, done: 14, rowChunk: 15, rowChunks: 16, featureChunk: 17, chunks: 18, touch: 19, norm: 20, inJob: 22, helped: 23, redone: 24, g64: 25, threadedF: 26, threadedB: 27, inexact: 28, tinyRows: 29, tinyW: 30, fused: 31, w32: 32, yIndexed: 33, sq: 34 };
const JOB_WORDS = 36;
/** Below this magnitude a weight makes rows.wat check every sum of its products in full (its products need not be multiples of 2^-149). */
const TINY = 2 ** -50;
/** Rows per row chunk (a 64-row chunk of W3 is ~7 µs) and features per feature chunk (two calls of rows.wat's grad8). */
const ROW_CHUNK = 64;
const FEATURE_CHUNK = 16;

/**
 * One job's block and buffers in the shared memory. There are three, used in turn: the helper can be in
 * at most one of them (a job it has not left yet), so a step always finds one that only this thread uses.
 */
interface Job {
  words: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
  idx: Uint32Array;
  w64: Float64Array;
  /** The weights as float32 too, for the fused multiply-add kernels. */
  w32: Float32Array;
  y: Float32Array;
  /** The squared errors (pred - y)² of the batch's rows, rounded as mse_loss rounds them. */
  sq: Float32Array;
  pred: Float32Array;
  grad: Float32Array;
  gw: Float32Array;
}

/** The kernels' buffers, reused by every step (made again, larger, when a batch needs more). */
interface Scratch {
  rows: number;
  features: number;
  jobs: Job[];
  /** Each thread's float64 accumulators for the feature chunks. */
  accMain: number;
  accHelper: number;
  /** Where the helper's work() shows the generation it is in. */
  inJob: Int32Array;
}

let scratch: Scratch | null = null;
/** The generation of the last job (a step): 1, 2, ... */
let gen = 0;
/** Which of the jobs the last step used. */
let lastJob = 0;
const JOBS = 3;

const u32 = (f: Storage): Uint32Array => new Uint32Array(f.buffer, f.byteOffset, f.length);
const f64 = (f: Storage, n: number): Float64Array => new Float64Array(f.buffer, f.byteOffset, n);
const chunksOf = (n: number, size: number): number => Math.ceil(n / size);
/** A chunk's number has 15 bits in the claim counter: a huge batch takes larger row chunks. */
const rowChunkOf = (n: number): number => Math.max(ROW_CHUNK, Math.ceil(n / 0x4000));

function makeJob(R: number, F: number, inJob: number): Job | null {
  const parts = [JOB_WORDS, R, 2 * F, R, R * F, R, R, F, Math.min(chunksOf(R, ROW_CHUNK), 0x4000) + chunksOf(F, FEATURE_CHUNK), 2 * R, F, R].map((n) => allocShared('float32', n));
  if (parts.some((p) => p === null)) return null;
  const [block, idx, w64, y, buf, pred, grad, gw, done, g64, w32, sq] = parts as Float32Array[];
  const words = new Int32Array(block.buffer, block.byteOffset, JOB_WORDS);
  const job: Job = { words, f32: block, f64: f64(block, JOB_WORDS / 2), idx: u32(idx), w64: f64(w64, F), w32, y, sq, pred, grad, gw };
  words[J.idx] = idx.byteOffset;
  words[J.w] = w64.byteOffset;
  words[J.buf] = buf.byteOffset;
  words[J.pred] = pred.byteOffset;
  words[J.grad] = grad.byteOffset;
  words[J.gw] = gw.byteOffset;
  words[J.done] = done.byteOffset;
  words[J.g64] = g64.byteOffset;
  words[J.w32] = w32.byteOffset;
  words[J.sq] = sq.byteOffset;
  words[J.inJob] = inJob;
  return job;
}

function scratchFor(rows: number, features: number): Scratch | null {
  if (scratch !== null && scratch.rows >= rows && scratch.features >= features) return scratch;
  waitForHelper(scratch); // the helper may still be in a job on the old buffers
  const R = Math.max(rows, scratch?.rows ?? 0);
  const F = Math.max(features, scratch?.features ?? 0);
  if (chunksOf(F, FEATURE_CHUNK) > 0x4000) return null; // over 262,144 features: the JavaScript kernels
  // each thread's scratch: F float64 (a feature chunk's 8 or 16 sums at its head), then a row chunk's predictions (in sixteens: 15 more)
  const small = [1, 2 * F + rowChunkOf(R) + 16, 2 * F + rowChunkOf(R) + 16].map((n) => allocShared('float32', n));
  if (small.some((p) => p === null)) return null;
  const [inJob, accMain, accHelper] = small as Float32Array[];
  const jobs = Array.from({ length: JOBS }, () => makeJob(R, F, inJob.byteOffset));
  if (jobs.some((j) => j === null)) return null;
  scratch = { rows: R, features: F, jobs: jobs as Job[], accMain: accMain.byteOffset, accHelper: accHelper.byteOffset, inJob: new Int32Array(inJob.buffer, inJob.byteOffset, 1) };
  return scratch;
}

/** How long this thread waits for a helper to leave a job before it takes the helper to be gone. */
const GIVE_UP_MS = 10_000;

/** Until the helper is in no job (it writes nothing then): before the job buffers are replaced. */
function waitForHelper(s: Scratch | null): void {
  if (s === null || loaded?.helper == null) return;
  const deadline = Date.now() + GIVE_UP_MS;
  while (Atomics.load(s.inJob, 0) !== 0) {
    if (Date.now() > deadline) {
      loaded.helper = null; // a helper that stopped inside a job (it failed): not used again
      return;
    }
  }
}

/**
 * A job block for step `gen` that the helper is not in: the next in turn, or the one after when the
 * helper is still in the old job of that one (descheduled inside a chunk). Its claim counter is set to
 * the new generation first, so that nothing of the job it held can be claimed from then on.
 */
function freeJob(s: Scratch): Job {
  for (;;) {
    lastJob = (lastJob + 1) % JOBS;
    const job = s.jobs[lastJob];
    const old = job.words[J.gen];
    Atomics.store(job.words, J.claim, (gen & 0x7fff) << 16);
    if (old === 0 || Atomics.load(s.inJob, 0) !== old) return job;
  }
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
  if (l.helper === undefined) l.helper = HelperThread.start(l.module, l.memory, l.fma, ['work']);
  return l.helper;
}

function copyIndices(order: ArrayLike<number>, start: number, end: number, idx: Uint32Array): void {
  if (order instanceof Uint32Array) idx.set(order.subarray(start, end));
  else for (let r = 0; r < end - start; r++) idx[r] = order[start + r];
}

/** Whether a helper shares the steps on a dataset of `bytes`: one out of cache (as touchRows judges it). */
function wantsHelper(bytes: number): boolean {
  return bytes > OUT_OF_CACHE_BYTES && helperThreadsEnabled();
}

/**
 * Steps run so far, chunks of them the helper did, chunks done twice, steps left to JavaScript, and steps
 * that read the targets in place (for tests).
 */
export const sharedRowStats = { steps: 0, helperChunks: 0, redone: 0, inexact: 0, targetsInPlace: 0 };

/** Whether the helper thread has started and can take jobs (for tests). */
export function helperReady(): boolean {
  return loaded?.helper?.ready() ?? false;
}

/** The job of the last forwardShared, for backwardShared, and its bias gradient. */
let last: Job | null = null;
let lastBiasGrad = 0;

/**
 * The whole step on the batch's rows: predictions, Σ (pred - y)² over the rows in order returned (the
 * caller divides for 'mean'), as forwardRows does, and the gradients for backwardShared, with output
 * gradients norm·(pred - y); null when the shared memory is full or a sum could not be rounded in one go
 * (the JavaScript row kernels then take the step). X must satisfy sharedRowsApply.
 */
export function forwardShared(rb: RowBatch, inF: number, W: Storage, B: Storage | null, norm: number): number | null {
  const l = load();
  const n = rb.end - rb.start;
  const s = l === null ? null : scratchFor(n, inF);
  if (l === null || s === null) return null;
  gen++;
  const job = freeJob(s);
  const w = job.words;
  w[J.gen] = gen;
  w[J.x] = sharedAddress(rb.X);
  w[J.n] = n;
  w[J.k] = inF;
  w[J.hasBias] = B === null ? 0 : 1;
  job.f32[J.bias] = B === null ? 0 : B[0];
  const rowChunk = rowChunkOf(n);
  w[J.rowChunk] = rowChunk;
  w[J.rowChunks] = chunksOf(n, rowChunk);
  w[J.featureChunk] = FEATURE_CHUNK;
  w[J.chunks] = chunksOf(n, rowChunk) + chunksOf(inF, FEATURE_CHUNK);
  w[J.touch] = rb.X.byteLength > OUT_OF_CACHE_BYTES ? 1 : 0;
  job.f64[J.norm / 2] = norm;
  w[J.helped] = 0;
  w[J.redone] = 0;
  w[J.inexact] = 0;
  // addmm's product x·wᵀ (BLAS m = rows, k = features) and mm's gᵀ·x (m = features, k = rows)
  w[J.threadedF] = kThreaded(n, 1, inF) ? 1 : 0;
  w[J.threadedB] = kThreaded(inF, 1, n) ? 1 : 0;
  copyIndices(rb.order, rb.start, rb.end, job.idx);
  targets(rb, job);
  let tinyW = 0;
  for (let j = 0; j < inF; j++) {
    const v = W[j];
    job.w64[j] = v;
    job.w32[j] = v;
    if (v !== 0 && Math.abs(v) < TINY) tinyW = 1;
  }
  w[J.tinyW] = tinyW;
  w[J.fused] = fusedMultiplyAdd(l);
  w[J.tinyRows] = 0;
  const helper = wantsHelper(rb.X.byteLength) ? helperOf(l) : null;
  if (helper !== null && helper.ready()) helper.post('work', [w.byteOffset, 0, s.accHelper]);
  l.kernels.work(w.byteOffset, 1, s.accMain);
  sharedRowStats.steps++;
  sharedRowStats.helperChunks += Atomics.load(w, J.helped);
  sharedRowStats.redone += Atomics.load(w, J.redone);
  if (Atomics.load(w, J.inexact) !== 0) {
    sharedRowStats.inexact++;
    return null;
  }
  last = job;
  lastBiasGrad = cascadeSum1d(job.grad, n, true); // sum_to's cascade, as backwardRows
  return cascadeSum1d(job.sq, n, true); // the squared errors summed as sumSquaredErrors sums them
}

/**
 * Where the kernels read the batch's targets: by row number from Y itself where it is float32 in the
 * shared memory (loadCsv's `shared` puts it there), else gathered into the job first.
 */
function targets(rb: RowBatch, job: Job): void {
  const { Y, order, start } = rb;
  const at = Y instanceof Float32Array ? sharedAddress(Y) : -1;
  job.words[J.yIndexed] = at >= 0 ? 1 : 0;
  if (at >= 0) {
    job.words[J.y] = at;
    sharedRowStats.targetsInPlace++;
    return;
  }
  const y = job.y;
  for (let r = 0; r < rb.end - start; r++) y[r] = Y[order[start + r]];
  job.words[J.y] = y.byteOffset;
}

/**
 * The gradients of the last forwardShared: gw = Σ_r grad[r]·x_r into `gw`, and Σ_r grad[r] (the bias
 * gradient) returned, as backwardRows gives them.
 */
export function backwardShared(inF: number, gw: Storage): number {
  gw.set((last as Job).gw.subarray(0, inF));
  return lastBiasGrad;
}
