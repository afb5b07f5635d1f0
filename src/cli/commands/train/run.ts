// `autograd train` on data held in memory: load, split, standardize, fit(), then least squares and baselines.

// NOTE: the modules themselves rather than index.js, which also loads make_regression, gradcheck and more
// that training does not use (start-up time is most of a small run); methods.js gives Tensor its methods.
import '../../../autograd/ops/methods.js';
import { loadCsv, type CsvTable } from '../../../data/csv.js';
import { DataLoader, rowViews, TensorDataset } from '../../../data/dataset.js';
import { applyStandardization, fitStandardization, trainValTestSplit } from '../../../data/preprocess.js';
import { UsageError, ValueError } from '../../../errors.js';
import { regressionMetrics } from '../../../train/metrics.js';
import { Linear } from '../../../nn/linear.js';
import { default_generator, manual_seed, type Generator } from '../../../random/generator.js';
import { from_numpy } from '../../../tensor/factories.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { evaluateLoss, fitAsync } from '../../../train/fit.js';
import { prepareSharedRows } from '../../../kernels/linear_mse_shared.js';
import { nowMs } from '../../clock.js';
import type { TrainOptions } from './options.js';
import { trainingSetup } from './setup.js';
import { applyResume, checkColumns, readResume, resumedStandardization } from './resume.js';
import { encodeState } from '../../model_file.js';
import { fileSize } from '../../io.js';
import { baselineLoss, leastSquares, type RunHooks, type TrainHeader, type TrainResult, trainSettings} from './common.js';
import { fillTraining, trainCsvOptions } from './data.js';
import { STDIN } from '../../../data/csv_options.js';
import type { Preprocessing } from '../../model_file.js';

/** A file too large for memory fails in an allocation: that is a refused request (exit 2), not a bug. */
async function load(o: TrainOptions, warn: (message: string) => void, resumed: Preprocessing | null): Promise<CsvTable> {
  try {
    // float32 features in shared memory: fit()'s fused step reads their rows in place, on two threads
    const shared = o.dtype === 'float32';
    // its helper thread starts while the file loads (a CSV is at least twice the size of its float32 values)
    if (shared) prepareSharedRows(o.data === STDIN ? 0 : fileSize(o.data) / 2);
    const options = { ...trainCsvOptions(o, resumed), shared };
    if (o.cacheDir === undefined) return await loadCsv(o.data, options);
    const { loadCsvCached } = await import('../../../data/cache.js');
    const cached = await loadCsvCached(o.data, options, o.cacheDir);
    if (cached.note !== null) warn(cached.note);
    return cached.table;
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`${o.data} is too large to load into memory (${err.message}); train with --stream`);
    throw err;
  }
}

interface Split {
  X: Tensor;
  Y: Tensor;
  Xv: Tensor | null;
  Yv: Tensor | null;
  Xt: Tensor | null;
  Yt: Tensor | null;
}

/** --val-split and --test-split as one seeded random_split(dataset, [train, val, test]). */
function split(o: TrainOptions, X: Tensor, Y: Tensor, gen: Generator): Split {
  if (o.valSplit === undefined && o.testSplit === undefined) return { X, Y, Xv: null, Yv: null, Xt: null, Yt: null };
  let s;
  try {
    s = trainValTestSplit([X, Y], { val: o.valSplit, test: o.testSplit }, gen);
  } catch (err) {
    if (err instanceof ValueError) {
      const flags = [o.valSplit === undefined ? null : `--val-split ${o.valSplit}`, o.testSplit === undefined ? null : `--test-split ${o.testSplit}`].filter((f) => f !== null);
      throw new UsageError(err.message.replace(/^.*? of (\d+ rows)/, `${flags.join(' and ')} of $1`));
    }
    throw err;
  }
  return { X: s.train[0], Y: s.train[1], Xv: s.val?.[0] ?? null, Yv: s.val?.[1] ?? null, Xt: s.test?.[0] ?? null, Yt: s.test?.[1] ?? null };
}

/** Load, then train with fit(); `hooks.onStart` sees the header before the first step. */
export async function runInMemory(o: TrainOptions, hooks: RunHooks): Promise<TrainResult> {
  const t0 = nowMs();
  const warn = hooks.warn ?? (() => undefined);
  const resumed = readResume(o);
  const table = await load(o, warn, resumed?.model.preprocessing ?? null);
  if (resumed !== null) checkColumns(resumed, table.featureNames, table.targetNames);
  const load_s = (nowMs() - t0) / 1000;
  const F = table.featureNames.length;
  const T = table.targetNames.length;
  // a seeded PyTorch script's order: torch.manual_seed(S); random_split; nn.Linear; DataLoader(shuffle=True)
  manual_seed(o.seed);
  const data = split(o, from_numpy(table.X, [table.rows, F]), from_numpy(table.y, [table.rows, T]), default_generator);
  // --missing mean: the training rows' means fill the missing cells of every part
  const fill = fillTraining(o, { X: data.X.numpy(), Y: data.Y.numpy(), rows: data.X._shape[0], names: table.featureNames }, [table.X, data.X.numpy(), data.Xv?.numpy() ?? null, data.Xt?.numpy() ?? null], resumed?.model.preprocessing ?? null);
  const preprocessing: Preprocessing = { columns: table.encoding.columns, categories: table.encoding.categories, missing: fill !== null ? 'mean' : (o.missing ?? 'error'), fill };
  // resumed weights apply to the features as they were standardized when saved
  const stats = resumed !== null ? resumedStandardization(resumed) : o.standardize ? fitStandardization(data.X) : null;
  const X = stats === null ? data.X : applyStandardization(data.X, stats);
  const scaled = (t: Tensor | null): Tensor | null => (stats === null || t === null ? t : applyStandardization(t, stats));
  const Xv = scaled(data.Xv);
  const Xt = scaled(data.Xt);
  const model = new Linear(F, T, { dtype: o.dtype });
  const setup = trainingSetup(o, model);
  const { loss_fn, optimizer, scheduler, text } = setup;
  const epochsBefore = resumed === null ? 0 : applyResume(resumed, o, model, setup, warn);
  const loader = new DataLoader(new TensorDataset(X, data.Y), { batch_size: o.batchSize, shuffle: o.shuffle, drop_last: o.dropLast });
  if (loader.length === 0) throw new UsageError(`--batch-size ${o.batchSize} with --drop-last leaves no batch from ${X._shape[0]} training rows`);
  // views, not copies: evaluation only reads the rows (copies of a large dataset were most of the peak memory)
  const valLoader = Xv === null || data.Yv === null ? null : rowViews([Xv, data.Yv], 4096);
  const header: TrainHeader = {
    data: {
      file: o.data, rows: table.rows, train_rows: X._shape[0], val_rows: Xv?._shape[0] ?? 0, test_rows: Xt?._shape[0] ?? 0, features: table.featureNames, targets: table.targetNames,
      delimiter: table.delimiter, dropped_rows: table.skippedRows, filled_cells: fill === null ? 0 : table.missingCells,
    },
    model: String(model),
    ...text,
    settings: trainSettings(o, table.delimiter),
  };
  const samplesPerEpoch = o.dropLast ? loader.length * o.batchSize : X._shape[0];
  const callbacks = hooks.onStart(header, samplesPerEpoch);
  const t1 = nowMs();
  const early_stopping = o.earlyStopping === undefined ? null : { patience: o.earlyStopping, min_delta: o.minDelta ?? 0 };
  const history = await fitAsync({ model, loader, val_loader: valLoader, loss_fn, optimizer, scheduler, early_stopping, epochs: o.epochs, signal: hooks.signal, callbacks });
  const train_s = (nowMs() - t1) / 1000;
  const full = rowViews([X, data.Y], 65536);
  return {
    header,
    history: { train_loss: history.train_loss, val_loss: history.val_loss, lr: history.lr, best_epoch: history.best_epoch, stopped_epoch: history.stopped_epoch },
    final_train_loss: evaluateLoss(model, full, loss_fn),
    scores: {
      train: regressionMetrics(model, full),
      val: valLoader === null ? null : regressionMetrics(model, valLoader),
      test: Xt === null || data.Yt === null ? null : regressionMetrics(model, rowViews([Xt, data.Yt], 65536)),
    },
    baseline_loss: baselineLoss(data.Y.numpy(), data.Y._shape[0], T),
    // least squares on the raw training features: the solution is the same whatever the affine scaling
    least_squares: leastSquares(data.X.numpy(), data.X._shape[0], F, data.Y.numpy(), T),
    weight: model.weight.detach().tolist() as number[][],
    bias: Array.from(model.bias === null ? [] : model.bias.detach().numpy()),
    standardization: stats,
    training_state: {
      optimizer: { name: o.optimizer, state_dict: encodeState(optimizer.state_dict()) },
      scheduler: setup.schedulerName === null ? null : { name: setup.schedulerName, state_dict: encodeState(setup.schedulerState()) },
      epochs_done: epochsBefore + history.train_loss.length,
    },
    preprocessing,
    // standard input cannot be read again for the pictures: its rows (filled) are kept
    kept_rows: o.data === STDIN ? { X: table.X, Y: table.y, rows: table.rows } : null,
    timings: { load_s, train_s, samples_per_s: (samplesPerEpoch * o.epochs) / Math.max(train_s, 1e-9) },
  };
}
