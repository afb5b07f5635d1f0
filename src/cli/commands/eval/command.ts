// `autograd eval`: MSE, RMSE, MAE and R² of a saved model on a CSV with the feature and target columns.

import { Command, Option } from 'commander';
import { fieldDelimiter } from '../../options.js';
import type { CliContext } from '../../context.js';
import type { EvalOptions } from './options.js';

const EXAMPLES = `
Examples:
  autograd eval --model model.json --data test.csv
  autograd eval --model model.json --data test.csv --json

The CSV must have the model's feature and target columns, by name. Metrics are scikit-learn's
(mean_squared_error, its square root, mean_absolute_error, r2_score), computed in float64 with the
model's standardization applied.`;

export function evalCommand(ctx: CliContext): Command {
  return new Command('eval')
    .description('evaluate a saved model on a CSV: MSE, RMSE, MAE and R²')
    .requiredOption('--model <model.json>', 'model file written by `autograd train --save`')
    .requiredOption('--data <file>', "CSV with the model's feature and target columns")
    .addOption(new Option('--delimiter <char>', "field delimiter: ',', ';', tab or '|' (default: detected from the first lines)").argParser(fieldDelimiter).default('auto'))
    .option('--json', 'print the metrics as one JSON document', false)
    .addHelpText('after', EXAMPLES)
    .action(async (o: EvalOptions) => {
      const { evalAction } = await import('./run.js');
      await evalAction(o, ctx);
    });
}
