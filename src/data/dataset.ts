// torch.utils.data: TensorDataset, and a DataLoader that gathers batches into contiguous tensors.

import { ValueError } from '../errors.js';
import { default_generator, type Generator as TorchGenerator } from '../random/generator.js';
import { randomInt64 } from '../random/distributions.js';
import { randomOrder } from './sampler.js';
import { allocPooled } from '../kernels/pool.js';
import { touchRows } from '../kernels/touch_rows.js';
import { allocStorage, type Storage } from '../tensor/dtype.js';
import { reshape } from '../autograd/ops/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A map-style dataset: `length` samples, each a tuple of tensors. */
export interface Dataset {
  readonly length: number;
  get(index: number): Tensor[];
}

/** Rows of several tensors that share their first dimension. */
export class TensorDataset implements Dataset {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset needs at least one tensor');
    const n = tensors[0].ndim === 0 ? -1 : tensors[0]._shape[0];
    if (tensors.some((t) => t.ndim === 0 || t._shape[0] !== n)) throw new ValueError('Size mismatch between tensors');
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]._shape[0];
  }

  get(index: number): Tensor[] {
    return this.tensors.map((t) => reshape(gatherRows(t, [index], 0, 1), t._shape.slice(1)));
  }
}

/**
 * Rows `indices[start..end)` of `t` (first dimension) copied into one contiguous tensor, whose storage
 * `alloc` gives (by default a pooled one).
 */
export function gatherRows(t: Tensor, indices: ArrayLike<number>, start: number, end: number, alloc: (dtype: Tensor['_dtype'], length: number) => Storage = allocPooled): Tensor {
  const rowSize = rowSizeOf(t);
  const out = alloc(t._dtype, (end - start) * rowSize);
  copyRows(t._data, indices, start, end, rowSize, out);
  return new Tensor(out, [end - start, ...t._shape.slice(1)]);
}

function rowSizeOf(t: Tensor): number {
  return t._shape[0] === 0 ? 0 : t.numel() / t._shape[0];
}

/** Rows `indices[start..end)` of `src` (rows of `rowSize`) copied to the start of `out`. */
function copyRows(src: Storage, indices: ArrayLike<number>, start: number, end: number, rowSize: number, out: Storage): void {
  const count = end - start;
  touchRows(src, indices, start, end, rowSize);
  if (rowSize === 1) {
    for (let i = 0; i < count; i++) out[i] = src[indices[start + i]];
  } else if (rowSize < 64) {
    // short rows: an indexed copy beats subarray() + set(), which allocate a view per row
    for (let i = 0, o = 0; i < count; i++) {
      const from = indices[start + i] * rowSize;
      for (let k = 0; k < rowSize; k++) out[o++] = src[from + k];
    }
  } else {
    for (let i = 0; i < count; i++) {
      const from = indices[start + i] * rowSize;
      out.set(src.subarray(from, from + rowSize), i * rowSize);
    }
  }
}

/**
 * Batches of `batchSize` consecutive rows as views of the tensors (no copy, unlike a DataLoader's batches),
 * afresh on every iteration: for reading only, e.g. evaluating a loss over a large dataset.
 */
export function rowViews(tensors: readonly Tensor[], batchSize: number): Iterable<Tensor[]> {
  return {
    *[Symbol.iterator](): Generator<Tensor[]> {
      const n = tensors[0]._shape[0];
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(start + batchSize, n);
        yield tensors.map((t) => {
          const rowSize = rowSizeOf(t);
          return new Tensor(t._data.subarray(start * rowSize, end * rowSize), [end - start, ...t._shape.slice(1)]);
        });
      }
    },
  };
}

/** Stack the i-th tensors of several samples along a new first dimension. */
function collate(samples: Tensor[][]): Tensor[] {
  return samples[0].map((first, k) => {
    const size = first.numel();
    const out = allocPooled(first._dtype, samples.length * size);
    samples.forEach((s, i) => out.set(s[k]._data, i * size));
    return new Tensor(out, [samples.length, ...first._shape]);
  });
}

/** Rows `order[start..end)` of a dataset: one batch, not yet gathered. */
export interface IndexBatch {
  order: ArrayLike<number>;
  start: number;
  end: number;
}

export interface DataLoaderOptions {
  batch_size?: number;
  shuffle?: boolean;
  drop_last?: boolean;
  /** The generator of the per-epoch base seed and of RandomSampler; without it, the default generator. */
  generator?: TorchGenerator;
  /** The order of indices for each epoch (iterated afresh every epoch); excludes `shuffle`. */
  sampler?: Iterable<number>;
}

/** Batches of a dataset: reshuffled every epoch when `shuffle`, the last batch smaller unless `drop_last`. */
export class DataLoader implements Iterable<Tensor[]> {
  readonly dataset: Dataset;
  readonly batch_size: number;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly generator: TorchGenerator | null;
  readonly sampler: Iterable<number> | null;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const batch = options.batch_size ?? 1;
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${batch}`);
    }
    if (options.sampler !== undefined && options.shuffle === true) {
      throw new ValueError('sampler option is mutually exclusive with shuffle');
    }
    this.dataset = dataset;
    this.batch_size = batch;
    this.shuffle = options.shuffle ?? false;
    this.drop_last = options.drop_last ?? false;
    this.generator = options.generator ?? null;
    this.sampler = options.sampler ?? null;
  }

  /** Number of batches per epoch (`len(dataloader)`). */
  get length(): number {
    const n = this.dataset.length;
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }

  /** One epoch's indices as PyTorch draws them: `_base_seed` (an int64 random_(), even unshuffled), then the sampler's draws. */
  private epochOrder(): ArrayLike<number> {
    randomInt64(this.generator ?? default_generator);
    if (this.sampler !== null) return Float64Array.from(this.sampler);
    const n = this.dataset.length;
    if (this.shuffle) return randomOrder(n, this.generator);
    const order = new Uint32Array(n);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order;
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    yield* this.batches(null);
  }

  /**
   * The same batches in the same order, from the same draws of the generator, but gathered into buffers
   * that are reused: each batch is overwritten by the next, and a big batch costs no fresh allocation.
   * NOTE: only for a consumer that keeps no batch past its step (fit's fused Linear + MSELoss step).
   */
  _reusedBatches(): Iterable<Tensor[]> {
    return { [Symbol.iterator]: () => this.batches([]) };
  }

  /**
   * The epoch's batches as index ranges: rows `order[start..end)` of the dataset, the same rows, in the same
   * order and from the same draws of the generator as the batches the iterator gathers.
   */
  _indexBatches(): Iterable<IndexBatch> {
    return { [Symbol.iterator]: () => this.ranges() };
  }

  private *ranges(): Generator<IndexBatch> {
    const order = this.epochOrder();
    const n = order.length;
    for (let start = 0; start < n; start += this.batch_size) {
      const end = Math.min(start + this.batch_size, n);
      if (this.drop_last && end - start < this.batch_size) return;
      yield { order, start, end };
    }
  }

  private *batches(buffers: Storage[] | null): Generator<Tensor[]> {
    const ds = this.dataset;
    for (const { order, start, end } of this.ranges()) {
      if (!(ds instanceof TensorDataset)) {
        const samples: Tensor[][] = [];
        for (let i = start; i < end; i++) samples.push(ds.get(order[i]));
        yield collate(samples);
      } else if (buffers === null) {
        yield ds.tensors.map((t) => gatherRows(t, order, start, end));
      } else {
        yield ds.tensors.map((t, k) => this.gatherReused(t, order, start, end, buffers, k));
      }
    }
  }

  private gatherReused(t: Tensor, order: ArrayLike<number>, start: number, end: number, buffers: Storage[], k: number): Tensor {
    const rowSize = rowSizeOf(t);
    // a batch is at most the dataset's rows (a --batch-size of 1e12 is one batch of all of them)
    buffers[k] ??= allocStorage(t._dtype, Math.min(this.batch_size, Math.max(end - start, this.dataset.length)) * rowSize);
    const out = buffers[k].subarray(0, (end - start) * rowSize);
    copyRows(t._data, order, start, end, rowSize, out);
    return new Tensor(out, [end - start, ...t._shape.slice(1)]);
  }
}
