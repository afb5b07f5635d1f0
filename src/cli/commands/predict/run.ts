// `autograd predict`: a saved model applied to a CSV by the model's column names (`autograd eval` reads it the same way).

import { fillMissing, loadCsv, type CsvOptions, type CsvTable } from '../../../data/csv.js';
import { InterruptedError } from '../../../errors.js';
import type { PredictOptions } from './options.js';
import type { CliContext } from '../../context.js';
import { exactText } from '../../format_values.js';
import { firstNonFinite, nonFinitePrediction } from '../../finite_output.js';
import { dataPath, resolvePath, writeFileAtomic } from '../../io.js';
import { csvOptionsFor, loadModel, predictRows, type ModelFile } from '../../model_file.js';

/** The model's data, its missing cells filled with the model's training means. */
export async function loadFor(model: ModelFile, data: string, options: CsvOptions): Promise<CsvTable> {
  const table = await loadCsv(data, options);
  const fill = model.preprocessing?.fill ?? null;
  if (fill !== null) fillMissing(table.X, table.rows, fill);
  return table;
}

/** A CSV field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, a quote, a line break or edge spaces. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function predictionsCsv(model: ModelFile, pred: Float64Array, rows: number): string {
  const T = model.target_names.length;
  const lines = [model.target_names.map(csvField).join(',')];
  for (let i = 0; i < rows; i++) lines.push(Array.from(pred.subarray(i * T, (i + 1) * T), (v) => exactText(v, 'float64')).join(','));
  return `${lines.join('\n')}\n`;
}

export async function predictAction(o: PredictOptions, ctx: CliContext): Promise<void> {
  const model = loadModel(resolvePath(ctx.cwd, o.model));
  const data = dataPath(ctx.cwd, o.data);
  const options = csvOptionsFor(model, { delimiter: o.delimiter });
  const table = await loadFor(model, data, options);
  const pred = predictRows(model, table.X, table.rows);
  const bad = firstNonFinite(pred, model.target_names.length);
  if (bad !== null) throw await nonFinitePrediction(data, options, model.target_names, pred, bad);
  const csv = predictionsCsv(model, pred, table.rows);
  if (o.out === undefined) {
    ctx.stdout(csv);
    return;
  }
  if (ctx.signal.aborted) throw new InterruptedError('interrupted; nothing was written');
  writeFileAtomic(resolvePath(ctx.cwd, o.out), csv);
  ctx.stderr(`wrote ${table.rows} predictions to ${o.out}\n`);
}
