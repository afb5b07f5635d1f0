// `autograd train` on data held in memory: load, split, standardize, fit(), then least squares and baselines.

// NOTE: the modules themselves rather than index.js, which also loads make_regression, gradcheck and more
// that training does not use (start-up time is most of a small run); methods.js gives Tensor its methods.
import '../../../autograd/ops/methods.js';
import { loadCsv, type CsvTable } from '../../../data/csv.js';
import { DataLoader, rowViews, TensorDataset } from '../../../data/dataset.js';
import { applyStandardization, fitStandardization, trainValSplit } from '../../../data/preprocess.js';
import { UsageError } from '../../../errors.js';
import { Linear } from '../../../nn/linear.js';
import { MSELoss } from '../../../nn/loss.js';
import { SGD } from '../../../optim/sgd.js';
import { default_generator, manual_seed, type Generator } from '../../../random/generator.js';
import { from_numpy } from '../../../tensor/factories.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { evaluateLoss, fitAsync } from '../../../train/fit.js';
import { prepareSharedRows } from '../../../kernels/linear_mse_shared.js';
import { nowMs } from '../../clock.js';
import type { TrainOptions } from './options.js';
import { fileSize } from '../../io.js';
import { baselineLoss, leastSquares, type RunHooks, type TrainHeader, type TrainResult, trainSettings, sgdText } from './common.js';

/** A file too large for memory fails in an allocation: that is a refused request (exit 2), not a bug. */
async function load(o: TrainOptions, warn: (message: string) => void): Promise<CsvTable> {
  try {
    // float32 features in shared memory: fit()'s fused step reads their rows in place, on two threads
    const shared = o.dtype === 'float32';
    // its helper thread starts while the file loads (a CSV is at least twice the size of its float32 values)
    if (shared) prepareSharedRows(fileSize(o.data) / 2);
    const options = { target: o.target, features: o.features, dtype: o.dtype, shared };
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
}

function split(o: TrainOptions, X: Tensor, Y: Tensor, gen: Generator): Split {
  if (o.valSplit === undefined) return { X, Y, Xv: null, Yv: null };
  const n = X.shape[0];
  const nVal = Math.round(n * o.valSplit);
  if (nVal < 1 || nVal >= n) {
    throw new UsageError(`--val-split ${o.valSplit} of ${n} rows leaves ${nVal} validation and ${n - nVal} training rows; both need at least one`);
  }
  const s = trainValSplit([X, Y], o.valSplit, gen);
  return { X: s.train[0], Y: s.train[1], Xv: s.val[0], Yv: s.val[1] };
}

/** Load, then train with fit(); `hooks.onStart` sees the header before the first step. */
export async function runInMemory(o: TrainOptions, hooks: RunHooks): Promise<TrainResult> {
  const t0 = nowMs();
  const table = await load(o, hooks.warn ?? (() => undefined));
  const load_s = (nowMs() - t0) / 1000;
  const F = table.featureNames.length;
  const T = table.targetNames.length;
  // a seeded PyTorch script's order: torch.manual_seed(S); random_split; nn.Linear; DataLoader(shuffle=True)
  manual_seed(o.seed);
  const data = split(o, from_numpy(table.X, [table.rows, F]), from_numpy(table.y, [table.rows, T]), default_generator);
  const stats = o.standardize ? fitStandardization(data.X) : null;
  const X = stats === null ? data.X : applyStandardization(data.X, stats);
  const Xv = stats === null || data.Xv === null ? data.Xv : applyStandardization(data.Xv, stats);
  const model = new Linear(F, T, { dtype: o.dtype });
  const loss_fn = new MSELoss();
  const optimizer = new SGD(model.parameters(), { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weight_decay: o.weightDecay, nesterov: o.nesterov });
  const loader = new DataLoader(new TensorDataset(X, data.Y), { batch_size: o.batchSize, shuffle: o.shuffle, drop_last: o.dropLast });
  if (loader.length === 0) throw new UsageError(`--batch-size ${o.batchSize} with --drop-last leaves no batch from ${X.shape[0]} training rows`);
  // views, not copies: evaluation only reads the rows (copies of a large dataset were most of the peak memory)
  const valLoader = Xv === null || data.Yv === null ? null : rowViews([Xv, data.Yv], 4096);
  const header: TrainHeader = {
    data: { file: o.data, rows: table.rows, train_rows: X.shape[0], val_rows: Xv?.shape[0] ?? 0, features: table.featureNames, targets: table.targetNames },
    model: String(model),
    loss: String(loss_fn),
    optimizer: sgdText(o),
    settings: trainSettings(o),
  };
  const samplesPerEpoch = o.dropLast ? loader.length * o.batchSize : X.shape[0];
  const callbacks = hooks.onStart(header, samplesPerEpoch);
  const t1 = nowMs();
  const history = await fitAsync({ model, loader, val_loader: valLoader, loss_fn, optimizer, epochs: o.epochs, signal: hooks.signal, callbacks });
  const train_s = (nowMs() - t1) / 1000;
  const full = rowViews([X, data.Y], 65536);
  return {
    header,
    history: { train_loss: history.train_loss, val_loss: history.val_loss },
    final_train_loss: evaluateLoss(model, full, loss_fn),
    baseline_loss: baselineLoss(data.Y.numpy(), data.Y.shape[0], T),
    // least squares on the raw training features: the solution is the same whatever the affine scaling
    least_squares: leastSquares(data.X.numpy(), data.X.shape[0], F, data.Y.numpy(), T),
    weight: model.weight.detach().tolist() as number[][],
    bias: Array.from(model.bias === null ? [] : model.bias.detach().numpy()),
    standardization: stats,
    timings: { load_s, train_s, samples_per_s: (samplesPerEpoch * o.epochs) / Math.max(train_s, 1e-9) },
  };
}
