// `autograd train --stream`: batches read from the CSV as it streams, so memory stays bounded by a shuffle
// buffer of 64 batches whatever the file size; the file is read again every epoch (and once more first
// with --standardize, for the statistics).

import * as torch from '../../../index.js';
import { DataError } from '../../../errors.js';
import { streamBatches } from '../../../data/csv_stream_parallel.js';
import { allocShared, sharedAddress } from '../../../kernels/shared_memory.js';
import { prepareSharedRows } from '../../../kernels/linear_mse_shared.js';
import type { Storage } from '../../../tensor/dtype.js';
import { randpermFill } from '../../../random/distributions.js';
import type { CsvBatch } from '../../../data/csv_options.js';
import { StandardizationAccumulator, standardizeRows } from '../../../data/preprocess.js';
import { fillMissing } from '../../../data/csv_encode.js';
import type { TrainOptions } from './options.js';
import { trainingSetup } from './setup.js';
import { encodeState } from '../../model_file.js';
import type { Standardization } from '../../model_file.js';
import { trainSettings, type RunHooks, type TrainHeader, type TrainResult } from './common.js';
import { nowMs } from '../../clock.js';
import { dataName, streamCsvOptions, streamPreprocessing } from './data.js';
import type { Preprocessing } from '../../model_file.js';

const BUFFER_BATCHES = 64;

type Chunk = CsvBatch;

/** Every pass over the data: the CSV each time, or through a cache (--stream --cache: data/cache_stream.ts). */
interface Passes {
  pass(): AsyncGenerator<CsvBatch>;
  close(): void;
}

async function dataPasses(o: TrainOptions, p: Preprocessing, warn: (message: string) => void): Promise<Passes> {
  const options = streamCsvOptions(o, p, o.batchSize * BUFFER_BATCHES);
  if (o.cacheDir === undefined) return { pass: () => streamBatches(o.data, options), close: () => undefined };
  const { CachedCsvStream } = await import('../../../data/cache_stream.js');
  return new CachedCsvStream(o.data, options, o.cacheDir, warn);
}

/** One pass's chunks, one-hot encoded with the first pass's categories and missing cells filled with its means. */
async function* chunks(data: Passes, p: Preprocessing): AsyncGenerator<Chunk> {
  for await (const c of data.pass()) {
    if (p.fill !== null) fillMissing(c.X, c.rows, p.fill);
    yield c;
  }
}

/** Per-feature mean and population std in one streaming pass, by the in-memory run's accumulator. */
async function streamedStandardization(o: TrainOptions, data: Passes, p: Preprocessing): Promise<Standardization> {
  const acc = new StandardizationAccumulator();
  for await (const c of chunks(data, p)) acc.add(c.X, c.rows, c.featureNames.length);
  const stats = acc.result();
  if (stats === null) throw new DataError(`${dataName(o.data)}: no data rows`, { file: o.data });
  return stats;
}

/** randperm(rows) from the run's generator: the order within one shuffle buffer. */
function shuffled(gen: torch.Generator, rows: number): Uint32Array {
  const order = new Uint32Array(rows);
  randpermFill(gen, order, rows);
  return order;
}

/**
 * fit()'s batch source: each epoch one pass over the file, [x, y] batches shuffled within buffers of
 * BUFFER_BATCHES batches. The first chunk is read by open(), before training, for the columns the
 * model is built from; the first pass also counts the rows and the target's moments.
 */
class StreamSource implements AsyncIterable<torch.RowsBatch> {
  rows = 0;
  skippedRows = 0;
  missingCells = 0;
  ySum = 0;
  ySq = 0;
  private epoch = 0;
  private readonly sharedBuffers: { X: Storage | null; y: Storage | null } = { X: null, y: null };
  private opened: { first: Chunk; rest: AsyncIterator<Chunk> } | null = null;

  constructor(
    private readonly o: TrainOptions,
    private readonly data: Passes,
    private readonly gen: torch.Generator,
    private readonly stats: Standardization | null,
    private readonly preprocessing: Preprocessing,
  ) {}

  /** The first chunk (its columns); a file without data rows is a DataError. */
  async open(): Promise<Chunk> {
    const rest = chunks(this.data, this.preprocessing)[Symbol.asyncIterator]();
    const first = await rest.next();
    if (first.done === true) throw new DataError(`${this.o.data}: no data rows`, { file: this.o.data });
    this.opened = { first: first.value, rest };
    return first.value;
  }

  private async *pass(): AsyncGenerator<Chunk> {
    const opened = this.opened;
    this.opened = null;
    if (opened === null) {
      yield* chunks(this.data, this.preprocessing);
      return;
    }
    try {
      yield opened.first;
      for (let r = await opened.rest.next(); r.done !== true; r = await opened.rest.next()) yield r.value;
    } finally {
      // a pass stopped early (Ctrl-C, an error): the reader closes, and a cache being written is removed
      await opened.rest.return?.(undefined);
    }
  }

  private count(c: Chunk): void {
    this.rows += c.rows;
    this.skippedRows = c.skippedRows;
    this.missingCells += c.missingCells;
    for (let i = 0; i < c.y.length; i++) {
      this.ySum += c.y[i];
      this.ySq += c.y[i] * c.y[i];
    }
  }

  /**
   * The chunk's X (or y) where the fused step reads rows (and targets) in place on two threads: float32
   * in the shared memory (a cache's chunks are read there; a CSV chunk is copied into one buffer there
   * for each, reused). A new view per chunk, so that nothing gathered from an earlier chunk is taken for
   * this one's rows.
   */
  private inShared(a: Storage, which: 'X' | 'y'): Storage {
    if (this.o.dtype !== 'float32' || sharedAddress(a) >= 0) return a;
    const had = this.sharedBuffers[which];
    if (had === null || had.length < a.length) this.sharedBuffers[which] = allocShared('float32', a.length) ?? new Float32Array(0);
    const buffer = this.sharedBuffers[which] as Storage;
    if (buffer.length < a.length) return a; // no shared memory: the values stay where they are
    const copy = new Float32Array(buffer.buffer, buffer.byteOffset, a.length);
    copy.set(a);
    return copy;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<torch.RowsBatch> {
    const o = this.o;
    this.epoch++;
    let batches = 0;
    for await (const c of this.pass()) {
      if (this.epoch === 1) this.count(c);
      const F = c.featureNames.length;
      const data = this.inShared(c.X, 'X');
      if (this.stats !== null) standardizeRows(data, c.rows, F, this.stats);
      const order = o.shuffle ? shuffled(this.gen, c.rows) : Uint32Array.from({ length: c.rows }, (_, i) => i);
      const X = torch.from_numpy(data, [c.rows, F]);
      const Y = torch.from_numpy(this.inShared(c.y, 'y'), [c.rows, c.targetNames.length]);
      const last = c.rows < o.batchSize * BUFFER_BATCHES;
      for (let s = 0; s < c.rows; s += o.batchSize) {
        const n = Math.min(o.batchSize, c.rows - s);
        if (n < o.batchSize && (!last || o.dropLast)) break;
        batches++;
        // rows of the chunk in the shuffled order: read in place by the fused step, gathered otherwise
        yield { X, Y, rows: { order, start: s, end: s + n } };
      }
    }
    if (batches === 0) throw new DataError(`${o.data}: ${this.rows} rows make no batch of ${o.batchSize} with --drop-last`, { file: o.data });
  }
}

export async function runStreaming(o: TrainOptions, hooks: RunHooks): Promise<TrainResult> {
  const t0 = nowMs();
  const pre = await streamPreprocessing(o, o.batchSize * BUFFER_BATCHES);
  const data = await dataPasses(o, pre, hooks.warn ?? (() => undefined));
  try {
    return await train(o, hooks, pre, data, t0);
  } finally {
    data.close();
  }
}

async function train(o: TrainOptions, hooks: RunHooks, pre: Preprocessing, passes: Passes, t0: number): Promise<TrainResult> {
  const stats = o.standardize ? await streamedStandardization(o, passes, pre) : null;
  const gen = new torch.Generator(o.seed);
  const source = new StreamSource(o, passes, gen, stats, pre);
  const first = await source.open();
  // the helper thread of the two-thread step, started while the model is set up
  if (o.dtype === 'float32') prepareSharedRows(first.X.byteLength);
  const preprocessing: Preprocessing = { ...pre, columns: pre.columns.length > 0 ? pre.columns : first.featureNames };
  const model = new torch.nn.Linear(first.featureNames.length, first.targetNames.length, { dtype: o.dtype, generator: gen });
  const setup = trainingSetup(o, model);
  const { loss_fn, optimizer, scheduler, text } = setup;
  const data = { file: o.data, rows: NaN, train_rows: NaN, val_rows: 0, test_rows: 0, features: first.featureNames, targets: first.targetNames, delimiter: first.delimiter };
  const header: TrainHeader = { data, model: String(model), ...text, settings: trainSettings(o, first.delimiter) };
  // rows are not known before the first pass ends: NaN tells the report and the ETA so
  const callbacks = hooks.onStart(header, NaN);
  const history = await torch.fitAsync({ model, loader: source, loss_fn, optimizer, scheduler, epochs: o.epochs, signal: hooks.signal, callbacks });
  const train_s = (nowMs() - t0) / 1000;
  const T = model.out_features;
  const n = source.rows * T;
  const mean = source.ySum / n;
  const trainLoss = history.train_loss;
  return {
    header: { ...header, data: { ...header.data, rows: source.rows, train_rows: source.rows, dropped_rows: source.skippedRows, filled_cells: pre.fill === null ? 0 : source.missingCells } },
    history: { train_loss: trainLoss, val_loss: null, lr: history.lr, best_epoch: null, stopped_epoch: null },
    scores: { train: null, val: null, test: null },
    final_train_loss: trainLoss[trainLoss.length - 1],
    baseline_loss: Math.max(0, source.ySq / n - mean * mean),
    least_squares: { skipped: 'not computed with --stream' },
    weight: model.weight.detach().tolist() as number[][],
    bias: Array.from(model.bias === null ? [] : model.bias.detach().numpy()),
    standardization: stats,
    training_state: {
      optimizer: { name: o.optimizer, state_dict: encodeState(optimizer.state_dict()) },
      scheduler: setup.schedulerName === null ? null : { name: setup.schedulerName, state_dict: encodeState(setup.schedulerState()) },
      epochs_done: history.train_loss.length,
    },
    preprocessing,
    kept_rows: null,
    timings: { load_s: 0, train_s, samples_per_s: (source.rows * o.epochs) / Math.max(train_s, 1e-9) },
  };
}
