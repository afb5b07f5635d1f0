// `autograd train`: CSV → TensorDataset → DataLoader → nn.Linear → MSELoss → SGD, with a report or JSON.

import { Command, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { fileExists, readTextFile } from '../io.js';
import { columnList, fraction, integerAtLeast, nonNegativeNumber, positiveNumber } from '../options.js';
import { epochLines, finalText, headerText } from '../train_report.js';

export interface TrainOptions {
  data: string;
  target?: Array<string | number>;
  features?: Array<string | number>;
  lr: number;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  seed: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  valSplit?: number;
  standardize: boolean;
  dtype: 'float32' | 'float64';
  save?: string;
  json: boolean;
  quiet: boolean;
  chart: boolean;
  color: boolean;
  stream: boolean;
}

/** The tutorial dataset shipped with the package (resolved from this file, not the working directory). */
export const TUTORIAL_DATA = fileURLToPath(new URL('../../../../data/tutorial.csv', import.meta.url));

function checkCombinations(o: TrainOptions): void {
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new UsageError('--nesterov needs --momentum greater than 0 and --dampening 0');
  }
  if (o.stream && (o.valSplit !== undefined || o.standardize)) {
    throw new UsageError('--stream cannot be combined with --val-split or --standardize (they need the whole file in memory)');
  }
}

/** The `.meta.json` sidecar gen-data writes: the true coefficients and bias, when present. */
function readTruth(file: string): { coef: number[][]; bias: number } | null {
  const meta = `${file}.meta.json`;
  if (!fileExists(meta)) return null;
  try {
    const m = JSON.parse(readTextFile(meta, 'metadata')) as { coef?: number[][]; bias?: number };
    return Array.isArray(m.coef) && typeof m.bias === 'number' ? { coef: m.coef, bias: m.bias } : null;
  } catch {
    return null;
  }
}

export function trainCommand(ctx: CliContext): Command {
  return new Command('train')
    .description('train a linear regression (nn.Linear + MSELoss + SGD) on a CSV file')
    .option('--data <file>', 'CSV file with a header (default: the tutorial dataset in data/tutorial.csv)', TUTORIAL_DATA)
    .option('--target <columns>', "target column(s) by name or 0-based index (default: 'y', else y0,y1..., else the last)", columnList)
    .option('--features <columns>', 'feature columns by name or index, comma-separated (default: all others)', columnList)
    .option('--lr <rate>', 'learning rate', positiveNumber, 0.01)
    .option('--epochs <n>', 'passes over the data', integerAtLeast(1), 100)
    .option('--batch-size <n>', 'rows per step', integerAtLeast(1), 16)
    .option('--no-shuffle', 'keep the file order instead of reshuffling every epoch')
    .option('--drop-last', 'drop the last, smaller batch of each epoch', false)
    .option('--seed <n>', 'seed for initialisation, shuffling and the validation split', integerAtLeast(0), 0)
    .option('--momentum <m>', 'SGD momentum', nonNegativeNumber, 0)
    .option('--dampening <d>', 'SGD dampening', nonNegativeNumber, 0)
    .option('--weight-decay <w>', 'SGD weight decay (L2 penalty)', nonNegativeNumber, 0)
    .option('--nesterov', 'Nesterov momentum (needs --momentum > 0 and --dampening 0)', false)
    .option('--val-split <fraction>', 'hold out this fraction of rows for validation', fraction)
    .option('--standardize', 'scale features to mean 0 and standard deviation 1 (statistics saved with the model)', false)
    .addOption(new Option('--dtype <dtype>', 'tensor precision').choices(['float32', 'float64']).default('float32'))
    .option('--save <model.json>', 'write the trained model here (atomically)')
    .option('--json', 'print one JSON document instead of the report', false)
    .option('--quiet', 'print only the final summary', false)
    .option('--no-chart', 'leave out the loss chart')
    .option('--no-color', 'no colour even on a terminal')
    .option('--stream', 'read the CSV in batches instead of loading it whole (files larger than memory)', false)
    .addHelpText('after', `
Examples:
  autograd train                                   # the tutorial: 100 epochs, lr 0.01, batch 16
  autograd train --data data.csv --lr 0.05 --epochs 50 --val-split 0.2 --save model.json
  autograd train --data data.csv --standardize --momentum 0.9 --nesterov --json`)
    .action(async (o: TrainOptions) => {
      checkCombinations(o);
      const { runTraining } = await import('../train_run.js');
      const summary = await runTraining(o, ctx, readTruth(o.data));
      if (o.json) {
        ctx.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const color = ctx.color && o.color;
      if (!o.quiet) ctx.stdout(headerText(summary) + epochLines(summary.history.train_loss, summary.history.val_loss));
      ctx.stdout(finalText(summary, { chart: o.chart && !o.quiet, color }));
      if (o.save !== undefined) ctx.stderr(`model saved to ${o.save}\n`);
    });
}
