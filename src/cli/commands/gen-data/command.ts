// `autograd gen-data`: scikit-learn's make_regression as CSV, with a FILE.meta.json sidecar holding the truth.

import { Command, Option } from 'commander';
import type { CliContext } from '../../context.js';
import { dtype, finiteNumber, integerInRange, nonNegativeInteger, nonNegativeNumber, pathName, positiveInteger, probability } from '../../options.js';
import type { GenDataOptions } from './options.js';

const EXAMPLES = `
Examples:
  # the tutorial's data: scikit-learn's make_regression(n_samples=100, n_features=1, noise=10, bias=14.5, random_state=0)
  autograd gen-data --rng numpy --n-samples 100 --n-features 1 --noise 10 --bias 14.5 --seed 0 --out tutorial.csv
  # 5 features, 3 of them informative, coefficients of both signs, to stdout
  autograd gen-data --n-samples 1000 --n-features 5 --n-informative 3 --noise 0.5 --signed-coef | head

Output: a CSV with header x0,...,x{F-1},y (y0,y1,... with several targets), every value written so it reads
back exactly; with --out FILE also FILE.meta.json: the true coefficients ([target][feature]), bias, seed and
all parameters. Files are written atomically (nothing is left behind on failure or Ctrl-C).`;

export function genDataCommand(ctx: CliContext): Command {
  return new Command('gen-data')
    .description("generate a regression dataset (scikit-learn's make_regression) as CSV")
    .option('--n-samples <n>', 'number of rows', positiveInteger, 100)
    .option('--n-features <n>', 'number of feature columns', positiveInteger, 1)
    .option('--n-informative <n>', 'features with a non-zero coefficient (clipped to --n-features)', nonNegativeInteger, 10)
    .option('--n-targets <n>', 'number of target columns', positiveInteger, 1)
    .option('--bias <b>', 'intercept added to every target', finiteNumber, 0)
    .option('--noise <sd>', 'standard deviation of the Gaussian noise added to the targets', nonNegativeNumber, 0)
    .option('--effective-rank <r>', 'draw the inputs with approximately this rank (make_low_rank_matrix)', positiveInteger)
    .option('--tail-strength <t>', 'with --effective-rank: weight of the singular values\' fat tail, in [0, 1]', probability, 0.5)
    .option('--no-shuffle', 'keep rows in draw order and the informative features first')
    .option('--signed-coef', 'coefficients uniform in [-100, 100) instead of scikit-learn\'s [0, 100)', false)
    .option('--seed <n>', 'random seed (scikit-learn\'s random_state)', integerInRange(0, 2 ** 32 - 1), 0)
    .addOption(new Option('--rng <kind>', "generator: 'numpy' replays numpy's RandomState (scikit-learn's exact data), 'default' is autograd's").choices(['default', 'numpy']).default('default'))
    .option('--out <file>', 'write the CSV here, and FILE.meta.json beside it (default: stdout, no sidecar)', pathName)
    .addOption(new Option('--dtype <dtype>', 'precision the values are written in (float32: shortest text of the float32 value)').argParser(dtype).default('float64'))
    .addHelpText('after', EXAMPLES)
    .action(async (o: GenDataOptions) => {
      const { generateCsv } = await import('./run.js');
      await generateCsv(o, ctx);
    });
}
