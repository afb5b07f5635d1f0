// `autograd eval`: a saved model's metrics on a CSV with its feature and target columns.

import type { EvalOptions } from './options.js';
import type { CliContext } from '../../context.js';
import { firstNonFinite, nonFiniteMetrics, nonFinitePrediction, overflowRow } from '../../finite_output.js';
import { dataPath, resolvePath } from '../../io.js';
import { regressionMetrics } from '../../metrics.js';
import { csvOptionsFor, loadModel, predictRows } from '../../model_file.js';
import { loadFor } from '../predict/run.js';

export async function evalAction(o: EvalOptions, ctx: CliContext): Promise<void> {
  const model = loadModel(resolvePath(ctx.cwd, o.model));
  const data = dataPath(ctx.cwd, o.data);
  const options = csvOptionsFor(model, { targets: true, delimiter: o.delimiter });
  const table = await loadFor(model, data, options);
  const T = model.target_names.length;
  const pred = predictRows(model, table.X, table.rows);
  const bad = firstNonFinite(pred, T);
  if (bad !== null) throw await nonFinitePrediction(data, options, model.target_names, pred, bad);
  const m = regressionMetrics(pred, table.y, table.rows, T);
  if (![m.mse, m.rmse, m.mae, m.r2].every(Number.isFinite)) throw await nonFiniteMetrics(data, options, overflowRow(pred, table.y, table.rows, T));
  if (o.json) {
    ctx.stdout(`${JSON.stringify({ command: 'eval', model: o.model, data: o.data, ...m }, null, 2)}\n`);
    return;
  }
  const f = (x: number): string => x.toFixed(6);
  ctx.stdout(`${m.rows} rows of ${o.data}\nMSE   ${f(m.mse)}\nRMSE  ${f(m.rmse)}\nMAE   ${f(m.mae)}\nR²    ${f(m.r2)}\n`);
}
