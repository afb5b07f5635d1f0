// `autograd predict` and `autograd eval`: a saved model applied to a CSV by the model's column names.

import { loadCsv, type CsvTable } from '../../../data/csv.js';
import { InterruptedError } from '../../../errors.js';
import type { EvalOptions } from '../eval/options.js';
import type { PredictOptions } from './options.js';
import type { CliContext } from '../../context.js';
import { exactText } from '../../format_values.js';
import { resolvePath, writeFileAtomic } from '../../io.js';
import { regressionMetrics } from '../../metrics.js';
import { loadModel, predictRows, type ModelFile } from '../../model_file.js';

/** The model's feature columns (and target columns when `withTargets`), read in float64. */
async function readColumns(model: ModelFile, data: string, withTargets: boolean): Promise<CsvTable> {
  return loadCsv(data, { features: model.feature_names, target: withTargets ? model.target_names : [], dtype: 'float64' });
}

export function predictionsCsv(model: ModelFile, pred: Float64Array, rows: number): string {
  const T = model.target_names.length;
  const lines = [model.target_names.join(',')];
  for (let i = 0; i < rows; i++) lines.push(Array.from(pred.subarray(i * T, (i + 1) * T), (v) => exactText(v, 'float64')).join(','));
  return `${lines.join('\n')}\n`;
}

export async function predictAction(o: PredictOptions, ctx: CliContext): Promise<void> {
  const model = loadModel(resolvePath(ctx.cwd, o.model));
  const table = await readColumns(model, resolvePath(ctx.cwd, o.data), false);
  const csv = predictionsCsv(model, predictRows(model, table.X, table.rows), table.rows);
  if (o.out === undefined) {
    ctx.stdout(csv);
    return;
  }
  if (ctx.signal.aborted) throw new InterruptedError('interrupted; nothing was written');
  writeFileAtomic(resolvePath(ctx.cwd, o.out), csv);
  ctx.stderr(`wrote ${table.rows} predictions to ${o.out}\n`);
}

export async function evalAction(o: EvalOptions, ctx: CliContext): Promise<void> {
  const model = loadModel(resolvePath(ctx.cwd, o.model));
  const table = await readColumns(model, resolvePath(ctx.cwd, o.data), true);
  const m = regressionMetrics(predictRows(model, table.X, table.rows), table.y, table.rows, model.target_names.length);
  if (o.json) {
    ctx.stdout(`${JSON.stringify({ command: 'eval', model: o.model, data: o.data, ...m }, null, 2)}\n`);
    return;
  }
  const f = (x: number): string => x.toFixed(6);
  ctx.stdout(`${m.rows} rows of ${o.data}\nMSE   ${f(m.mse)}\nRMSE  ${f(m.rmse)}\nMAE   ${f(m.mae)}\nR²    ${f(m.r2)}\n`);
}
