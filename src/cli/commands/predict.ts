// `autograd predict`: apply a saved model (its standardization and feature names) to a CSV.

import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { exactText } from '../format_values.js';
import { writeFileAtomic } from '../io.js';
import { loadModel, predictRows } from '../model_file.js';

export function predictCommand(ctx: CliContext): Command {
  return new Command('predict')
    .description("predict with a saved model; the CSV needs the model's feature columns (by name)")
    .requiredOption('--model <model.json>', 'a model written by `autograd train --save`')
    .requiredOption('--data <file>', 'CSV with the feature columns')
    .option('--out <file>', 'write the predictions CSV here (atomically) instead of stdout')
    .addHelpText('after', `
Examples:
  autograd predict --model model.json --data new.csv
  autograd predict --model model.json --data new.csv --out predictions.csv`)
    .action(async (o: { model: string; data: string; out?: string }) => {
      const model = loadModel(o.model);
      const { loadCsv } = await import('../../data/csv.js');
      const table = loadCsv(o.data, { features: model.feature_names, target: [], dtype: 'float64' });
      const pred = predictRows(model, table.X, table.rows);
      const T = model.target_names.length;
      const lines = [model.target_names.join(',')];
      for (let i = 0; i < table.rows; i++) lines.push(Array.from(pred.subarray(i * T, i * T + T), (v) => exactText(v, 'float64')).join(','));
      const csv = `${lines.join('\n')}\n`;
      if (o.out === undefined) ctx.stdout(csv);
      else {
        writeFileAtomic(o.out, csv);
        ctx.stderr(`wrote ${table.rows} predictions to ${o.out}\n`);
      }
    });
}
