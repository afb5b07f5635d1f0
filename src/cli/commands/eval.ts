// `autograd eval`: MSE, RMSE, MAE and R² of a saved model on a CSV with the target column(s).

import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { loadModel, predictRows } from '../model_file.js';

export interface Metrics {
  rows: number;
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
}

/** Over all rows and targets; R² = 1 - SS_res / SS_tot with each target's own mean. */
export function regressionMetrics(pred: Float64Array, y: ArrayLike<number>, rows: number, targets: number): Metrics {
  let se = 0;
  let ae = 0;
  let ssTot = 0;
  for (let k = 0; k < targets; k++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += y[i * targets + k] / rows;
    for (let i = 0; i < rows; i++) {
      const d = pred[i * targets + k] - y[i * targets + k];
      se += d * d;
      ae += Math.abs(d);
      ssTot += (y[i * targets + k] - mean) ** 2;
    }
  }
  const n = rows * targets;
  return { rows, mse: se / n, rmse: Math.sqrt(se / n), mae: ae / n, r2: ssTot === 0 ? NaN : 1 - se / ssTot };
}

export function evalCommand(ctx: CliContext): Command {
  return new Command('eval')
    .description("evaluate a saved model on a CSV with the model's feature and target columns")
    .requiredOption('--model <model.json>', 'a model written by `autograd train --save`')
    .requiredOption('--data <file>', 'CSV with the feature and target columns')
    .option('--json', 'print the metrics as JSON', false)
    .addHelpText('after', `
Examples:
  autograd eval --model model.json --data test.csv
  autograd eval --model model.json --data test.csv --json`)
    .action(async (o: { model: string; data: string; json: boolean }) => {
      const model = loadModel(o.model);
      const { loadCsv } = await import('../../data/csv.js');
      const table = loadCsv(o.data, { features: model.feature_names, target: model.target_names, dtype: 'float64' });
      const m = regressionMetrics(predictRows(model, table.X, table.rows), table.y, table.rows, model.target_names.length);
      if (o.json) {
        ctx.stdout(`${JSON.stringify({ model: o.model, data: o.data, ...m }, null, 2)}\n`);
        return;
      }
      ctx.stdout(`${table.rows} rows of ${o.data}\nMSE   ${m.mse.toFixed(6)}\nRMSE  ${m.rmse.toFixed(6)}\nMAE   ${m.mae.toFixed(6)}\nR²    ${m.r2.toFixed(6)}\n`);
    });
}
