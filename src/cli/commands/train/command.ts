// `autograd train`: CSV → TensorDataset → DataLoader → nn.Linear → MSELoss → SGD, with a report or JSON.

import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../../errors.js';
import type { CliContext } from '../../context.js';
import { dataPath, resolvePath } from '../../io.js';
import { fieldDelimiter } from '../../options.js';
import { columnList, dtype, integerInRange, nonNegativeInteger, nonNegativeNumber, openFraction, pathName, positiveInteger, positiveNumber } from '../../options.js';
import { betasList, checkChoices, milestoneList, openUnitFactor, unitFactor } from './choices.js';
import { LOSSES, OPTIMIZERS, SCHEDULERS, type TrainOptions } from './options.js';

/** The most epochs a run takes: each keeps its losses, so that `--epochs 1e12` is refused rather than running until memory ends. */
export const MAX_EPOCHS = 10_000_000;

/**
 * The tutorial dataset shipped with the package: found from this file's location (the nearest ancestor
 * with package.json and data/tutorial.csv), never from the working directory.
 */
export function tutorialDataPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'data', 'tutorial.csv');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(file)) return file;
    if (path.dirname(dir) === dir) return path.resolve(here, '../../../../../data/tutorial.csv');
  }
}

/** The --cache folder: --cache-dir, else $XDG_CACHE_HOME/autograd, else ~/.cache/autograd. */
export function cacheFolder(ctx: CliContext, dir: string | undefined): string {
  if (dir !== undefined) return resolvePath(ctx.cwd, dir);
  const base = ctx.env.XDG_CACHE_HOME ?? path.join(ctx.env.HOME ?? homedir(), '.cache');
  return path.join(base, 'autograd');
}

/** Combinations no single option parser can see. The row-count checks wait until the data is read. */
export function checkCombinations(o: TrainOptions, cwd: string): void {
  checkChoices(o);
  if (o.nesterov && !((o.momentum ?? 0) > 0 && (o.dampening ?? 0) === 0)) {
    throw new UsageError(`--nesterov needs --momentum greater than 0 and --dampening 0 (got --momentum ${o.momentum ?? 0} --dampening ${o.dampening ?? 0})`);
  }
  if (o.stream && o.valSplit !== undefined) {
    throw new UsageError('--stream cannot be combined with --val-split (a split needs the whole file in memory)');
  }
  if (o.stream && o.resume !== undefined) throw new UsageError('--resume cannot be combined with --stream yet');
  if (o.stream && o.data === '-') throw new UsageError('--stream reads the data once per epoch: standard input (--data -) can be read only once; save it to a file first');
  for (const [flag, file] of [['--save', o.save], ['--report', o.report], ['--plot', o.plot], ['--resume', o.resume]] as const) {
    if (file !== undefined && path.resolve(cwd, file) === path.resolve(cwd, o.data)) {
      throw new UsageError(`${flag} ${file} would overwrite the training data (--data)`);
    }
  }
  if (o.stream && (o.report !== undefined || o.plot !== undefined)) {
    throw new UsageError(`--stream cannot be combined with ${o.report !== undefined ? '--report' : '--plot'} (the pictures need the whole file in memory)`);
  }
}

/** An output file name with the extension its format needs. */
function fileEnding(ext: string): (text: string) => string {
  return (text) => {
    if (!text.toLowerCase().endsWith(ext)) throw new InvalidArgumentError(`expected a file name ending in ${ext}, got '${text}'`);
    return text;
  };
}

const EXAMPLES = `
Examples:
  autograd train                                   # the tutorial: 100 epochs of SGD(lr=0.01), batch 16
  autograd train --data data.csv --target price --features area,rooms --standardize --save model.json
  autograd train --data data.csv --lr 0.05 --epochs 50 --val-split 0.2 --momentum 0.9 --nesterov
  autograd train --data data.csv --optimizer adam --lr 0.1 --scheduler cosine --val-split 0.2 --early-stopping 5
  autograd train --data data.csv --loss huber --delta 2 --test-split 0.2 --save model.json
  autograd train --data data.csv --resume model.json --epochs 50 --save model.json
  autograd train --report run.html --plot fit.svg    # the fit, losses and residuals as pictures
  autograd train --data houses.csv.gz --target price --categorical colour --missing mean --save model.json
  zcat data.csv.gz | autograd train --data - --delimiter ';'   # standard input; ; , tab | are also detected
  autograd train --data big.csv --stream --batch-size 1024 --epochs 2 --json > run.json
  autograd train --data big.csv --stream --cache --epochs 10    # epoch 1 parses the CSV, epochs 2-10 read the cache

Output: a header (data, model, loss, optimizer), progress on stderr (a live line and chart on a terminal,
at most ~10 plain lines otherwise), then the loss chart, the final loss, the learned weights beside the
true ones (from DATA.meta.json, written by gen-data) and the least-squares solution, and the loss of
always predicting the mean. --json prints one JSON document instead. Exit codes: autograd --help.`;

export function trainCommand(ctx: CliContext): Command {
  return new Command('train')
    .description('train a linear regression (nn.Linear + a loss + a torch.optim optimizer) on a CSV file')
    .addOption(new Option('--data <file>', 'CSV file, header row optional').default(tutorialDataPath(), 'data/tutorial.csv shipped with autograd'))
    .option('--target <columns>', "target column(s), by name or 0-based index (default: 'y', else y0,y1,..., else the last column)", columnList)
    .option('--features <columns>', 'feature columns, by name or 0-based index, comma-separated (default: all but the target)', columnList)
    .addOption(new Option('--delimiter <char>', "field delimiter: ',', ';', tab or '|' (default: detected from the first lines)").argParser(fieldDelimiter).default('auto'))
    .addOption(new Option('--missing <policy>', "a missing cell (empty, NA, NaN, null, ...): error, drop (its row) or mean (its feature's mean over the training rows, saved with the model)").choices(['error', 'drop', 'mean']).default('error'))
    .option('--categorical <columns>', 'text columns to one-hot encode, one 0/1 feature per value (the categories are saved with the model)', columnList)
    .option('--lr <rate>', 'learning rate', nonNegativeNumber, 0.01)
    .option('--epochs <n>', 'passes over the data', integerInRange(1, MAX_EPOCHS), 100)
    .option('--batch-size <n>', 'rows per optimizer step', positiveInteger, 16)
    .option('--no-shuffle', 'keep the file order instead of reshuffling every epoch')
    .option('--drop-last', 'drop the last, smaller batch of each epoch', false)
    .option('--seed <n>', 'torch.manual_seed(n), then in a seeded PyTorch script\'s order: random_split for --val-split, nn.Linear\'s init, and per epoch the DataLoader\'s base seed and RandomSampler\'s shuffle', nonNegativeInteger, 0)
    .addOption(new Option('--optimizer <name>', 'torch.optim class: sgd, adam, adamw, rmsprop or adagrad').choices(OPTIMIZERS).default('sgd'))
    .option('--momentum <m>', 'momentum (sgd, rmsprop; default 0)', nonNegativeNumber)
    .option('--dampening <d>', 'dampening for momentum (sgd; default 0)', nonNegativeNumber)
    .option('--weight-decay <w>', 'weight decay (L2 penalty; adamw: decoupled; default 0, adamw 0.01)', nonNegativeNumber)
    .option('--nesterov', 'Nesterov momentum (sgd; needs --momentum > 0 and --dampening 0)', false)
    .option('--betas <b1,b2>', "Adam's averaging coefficients (adam, adamw; default 0.9,0.999)", betasList)
    .option('--eps <e>', 'term added to the denominator (adam, adamw, rmsprop: default 1e-8; adagrad: 1e-10)', nonNegativeNumber)
    .option('--amsgrad', 'the AMSGrad variant (adam, adamw)', false)
    .option('--alpha <a>', 'smoothing constant (rmsprop; default 0.99)', nonNegativeNumber)
    .option('--centered', 'centered RMSprop: normalise by the estimated variance (rmsprop)', false)
    .option('--lr-decay <d>', 'learning rate decay (adagrad; default 0)', nonNegativeNumber)
    .addOption(new Option('--loss <name>', 'loss: mse, l1, huber or smooth-l1').choices(LOSSES).default('mse'))
    .option('--delta <d>', 'HuberLoss delta (huber; default 1)', positiveNumber)
    .option('--beta <b>', 'SmoothL1Loss beta (smooth-l1; default 1)', nonNegativeNumber)
    .addOption(new Option('--scheduler <name>', 'lr schedule, stepped once per epoch: step, multistep, exponential, cosine, linear or plateau').choices(SCHEDULERS))
    .option('--step-size <n>', 'StepLR: epochs between decays (step)', positiveInteger)
    .option('--gamma <g>', 'decay factor (step, multistep: default 0.1; exponential)', positiveNumber)
    .option('--milestones <epochs>', 'MultiStepLR: increasing epoch numbers, e.g. 30,80 (multistep)', milestoneList)
    .option('--t-max <n>', 'CosineAnnealingLR: epochs of the half cosine (cosine; default --epochs)', positiveInteger)
    .option('--eta-min <lr>', 'CosineAnnealingLR: the lowest lr (cosine; default 0)', nonNegativeNumber)
    .option('--start-factor <f>', 'LinearLR: the first epoch\'s lr factor, in (0, 1] (linear; default 1/3)', unitFactor)
    .option('--total-iters <n>', 'LinearLR: epochs to reach the full lr (linear; default 5)', positiveInteger)
    .option('--factor <f>', 'ReduceLROnPlateau: lr factor on a plateau, in (0, 1) (plateau; default 0.1)', openUnitFactor)
    .option('--patience <n>', 'ReduceLROnPlateau: epochs without improvement before reducing (plateau; default 10)', nonNegativeInteger)
    .option('--early-stopping <n>', 'stop after n epochs without a better validation loss and keep the best weights (needs --val-split)', positiveInteger)
    .option('--min-delta <d>', 'the least fall of the validation loss that counts as better (with --early-stopping; default 0)', nonNegativeNumber)
    .option('--val-split <fraction>', 'hold out this fraction of the rows (seeded) to report a validation loss', openFraction)
    .option('--test-split <fraction>', 'hold out this fraction of the rows (seeded) as a test set, scored after training (MSE, RMSE, MAE, R²)', openFraction)
    .option('--resume <model.json>', 'continue training a model saved by --save: its weights, standardization and optimizer/scheduler state', pathName)
    .option('--standardize', 'train on features scaled to mean 0, std 1 (the statistics are saved with the model)', false)
    .addOption(new Option('--dtype <dtype>', 'tensor precision: float32 or float64').argParser(dtype).default('float32'))
    .option('--save <model.json>', 'write the trained model to this JSON file (atomically)', pathName)
    .option('--json', 'print one JSON document (settings, history, metrics, weights, timings) instead of the report', false)
    .option('--quiet', 'no header or progress; only the final summary', false)
    .option('--no-chart', 'leave out the loss chart')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR=1 does the same)')
    .addOption(new Option('--report <file.html>', 'also write one self-contained HTML page: fit, losses, residuals, coefficients, settings (atomically)').argParser(fileEnding('.html')))
    .addOption(new Option('--plot <file.svg>', 'also write the fit figure as SVG (atomically)').argParser(fileEnding('.svg')))
    .option('--stream', 'read the CSV in batches as it trains, for files larger than memory (shuffles within a 64-batch buffer)', false)
    .option('--cache', `keep the parsed data in a binary cache (in --cache-dir) and load it from there while the file and options are unchanged; with --stream the first pass writes it and later epochs and runs read it`, false)
    .option('--cache-dir <dir>', 'folder of the --cache files (implies --cache; default: $XDG_CACHE_HOME/autograd or ~/.cache/autograd)', pathName)
    .addHelpText('after', EXAMPLES)
    .action(async (o: TrainOptions) => {
      checkCombinations(o, ctx.cwd);
      const { trainAction } = await import('./action.js');
      const cacheDir = o.cache || o.cacheDir !== undefined ? cacheFolder(ctx, o.cacheDir) : undefined;
      const file = (f: string | undefined): string | undefined => (f === undefined ? undefined : resolvePath(ctx.cwd, f));
      await trainAction({ ...o, cache: cacheDir !== undefined, cacheDir, data: dataPath(ctx.cwd, o.data), save: file(o.save), report: file(o.report), plot: file(o.plot), resume: file(o.resume) }, ctx);
    });
}
