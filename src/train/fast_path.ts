// The one place where a training step's implementation is chosen. Every path gives the same losses and
// parameters, bit for bit, as the graph (test/train/fast_path.test.ts and fused.test.ts check it); the
// choice is only about speed. The AUTOGRAD_* switches (kernels/select.ts) rule paths out for a process.
//
// | path           | runs when                                                                      | what it does                                                        |
// |----------------|--------------------------------------------------------------------------------|---------------------------------------------------------------------|
// | graph          | anything else: another model or loss, a subclass or patched forward, MSELoss   | forward through the ops, loss.backward(), optimizer.step()          |
// |                | reduction 'none', AUTOGRAD_FUSED=0, grad mode off, a batch that needs the graph |                                                                     |
// |                | (other shapes or dtypes, inputs that require grad, parameters that do not)     |                                                                     |
// | fused          | exactly nn.Linear + nn.MSELoss ('mean' or 'sum'), batches as tensors: a loader | FusedLinearMse.forward/backward on the batch: the ops' kernels in   |
// |                | that is not a plain DataLoader over a 2-tensor TensorDataset, --stream, or     | their order, no graph                                               |
// |                | large float32 batches on the heap (gathered into reused buffers: the SIMD      |                                                                     |
// |                | kernels beat the JS row kernels there)                                         |                                                                     |
// | fused rows     | the same model and loss, a plain DataLoader over TensorDataset(X, Y) with one  | forwardRows/backwardRows: kernels/linear_mse_rows.ts reads the      |
// |                | output, batches below WASM_MIN_WORK multiply-adds or X in shared memory        | shuffled rows in place, nothing gathered                            |
// | fused shared   | fused rows with X a float32 dataset in shared memory and a batch of at least   | kernels/linear_mse_shared.ts: wasm SIMD, the step in chunks that a  |
// |                | WASM_MIN_WORK multiply-adds (wasm available, AUTOGRAD_WASM not 0)              | helper thread shares on out-of-cache data (AUTOGRAD_THREADS)        |
//
// The optimizer plays no part in the choice: every path leaves the gradients in .grad, bit for bit as
// loss.backward() would, and then fit() calls optimizer.step() (SGD, Adam, RMSprop, ... alike). A loss other
// than nn.MSELoss (L1Loss, HuberLoss, SmoothL1Loss, ...) takes the graph.

import { DataLoader, TensorDataset } from '../data/dataset.js';
import { simdTakes } from '../kernels/gemm.js';
import { sharedRowsApply } from '../kernels/linear_mse_shared.js';
import { fusedStepsEnabled } from '../kernels/select.js';
import { Linear } from '../nn/linear.js';
import { MSELoss } from '../nn/loss.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { FusedLinearMse } from './fused.js';

/** How fit() runs its steps and takes its batches. */
export type StepPlan =
  | { path: 'graph' }
  /** Fused steps on batches as tensors; `reuse`: the DataLoader may gather them into buffers it overwrites. */
  | { path: 'fused'; fused: FusedLinearMse; reuse: DataLoader | null }
  /** Fused steps on rows of (X, Y) picked by index and read in place. */
  | { path: 'fused rows'; fused: FusedLinearMse; loader: DataLoader; X: Tensor; Y: Tensor };

/** `value` is an instance of exactly `cls` (not a subclass) whose `forward` is not replaced on the instance. */
function isExactly(value: unknown, cls: { prototype: object }): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === cls.prototype && !Object.hasOwn(value, 'forward');
}

/** The fused step for exactly nn.Linear with nn.MSELoss ('mean' or 'sum'), neither subclassed nor patched; else null. */
export function chooseFusedStep(model: Module, loss_fn: unknown): FusedLinearMse | null {
  if (!fusedStepsEnabled() || !isExactly(model, Linear) || !isExactly(loss_fn, MSELoss)) return null;
  const reduction = (loss_fn as MSELoss).reduction;
  return reduction === 'none' ? null : new FusedLinearMse(model as Linear, reduction);
}

/**
 * Whether the row kernels should train on the rows of (X, Y) directly for batches of `batchSize`: one
 * output, X and Y as the fused step takes them, and batches too small for the SIMD kernels, which on a
 * gathered batch are faster than the JavaScript row kernels (measured: W2's 64×10 batches ~1.2× faster in
 * place, W3's 1024×100 ~1.3× faster gathered), unless X is in the shared memory, where wasm kernels read
 * rows in place (W3: ~3× faster than gathering on the heap).
 */
export function rowsTake(fused: FusedLinearMse, X: Tensor, Y: Tensor, batchSize: number): boolean {
  const { weight, in_features: inF, out_features: outF } = fused.model;
  if (outF !== 1 || !fused.fits(X, Y)) return false;
  // a batch's forward product is batchSize × inF multiply-adds
  return !(weight._dtype === 'float32' && simdTakes(batchSize * inF)) || sharedRowsApply(X._data);
}

/** Whether a batch of `rows` rows of X goes to the shared-memory wasm kernels (large enough for SIMD). */
export function sharedTakes(X: Tensor, rows: number, inF: number): boolean {
  return simdTakes(rows * inF) && sharedRowsApply(X._data);
}

/** A DataLoader exactly (not a subclass), whose batches fit() may draw another way with the same draws. */
function plainLoader(loader: unknown): DataLoader | null {
  return loader instanceof DataLoader && Object.getPrototypeOf(loader) === DataLoader.prototype ? loader : null;
}

/** The plan for one fit(): decided once, before the first step. */
export function chooseStep(model: Module, loss_fn: unknown, loader: unknown): StepPlan {
  const fused = chooseFusedStep(model, loss_fn);
  if (fused === null) return { path: 'graph' };
  const dl = plainLoader(loader);
  if (dl === null) return { path: 'fused', fused, reuse: null };
  const ds = dl.dataset;
  if (ds instanceof TensorDataset && Object.getPrototypeOf(ds) === TensorDataset.prototype && ds.tensors.length === 2) {
    const [X, Y] = ds.tensors;
    if (rowsTake(fused, X, Y, dl.batch_size)) return { path: 'fused rows', fused, loader: dl, X, Y };
  }
  return { path: 'fused', fused, reuse: dl };
}
