// `autograd predict`: apply a saved model (its feature names and standardization) to a CSV.

import { Command, Option } from 'commander';
import { fieldDelimiter } from '../../options.js';
import type { CliContext } from '../../context.js';
import { pathName } from '../../options.js';
import type { PredictOptions } from './options.js';

const EXAMPLES = `
Examples:
  autograd predict --model model.json --data new.csv
  autograd predict --model model.json --data new.csv --out predictions.csv

The CSV must have the model's feature columns, by name (other columns are ignored). The output is a CSV
with the model's target names as header and one prediction per row, in float64 shortest round-trip text.`;

export function predictCommand(ctx: CliContext): Command {
  return new Command('predict')
    .description('predict with a model saved by `autograd train --save`')
    .requiredOption('--model <model.json>', 'model file written by `autograd train --save`')
    .requiredOption('--data <file>', "CSV with the model's feature columns")
    .addOption(new Option('--delimiter <char>', "field delimiter: ',', ';', tab or '|' (default: detected from the first lines)").argParser(fieldDelimiter).default('auto'))
    .option('--out <file>', 'write the predictions here, atomically (default: stdout)', pathName)
    .addHelpText('after', EXAMPLES)
    .action(async (o: PredictOptions) => {
      const { predictAction } = await import('./run.js');
      await predictAction(o, ctx);
    });
}
