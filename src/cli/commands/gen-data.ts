// `autograd gen-data`: scikit-learn's make_regression as CSV, with a .meta.json sidecar of the truth.

import { Command, Option } from 'commander';
import { InterruptedError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { exactText } from '../format_values.js';
import { writeFileAtomic } from '../io.js';
import { finiteNumber, integerAtLeast, nonNegativeNumber, probability } from '../options.js';

interface GenDataOptions {
  nSamples: number;
  nFeatures: number;
  nInformative: number;
  nTargets: number;
  bias: number;
  noise: number;
  effectiveRank?: number;
  tailStrength: number;
  shuffle: boolean;
  signedCoef: boolean;
  seed: number;
  rng: 'default' | 'numpy';
  out?: string;
  dtype: 'float32' | 'float64';
}

export function genDataCommand(ctx: CliContext): Command {
  return new Command('gen-data')
    .description("generate a regression dataset (scikit-learn's make_regression) as CSV")
    .option('--n-samples <n>', 'number of rows', integerAtLeast(1), 100)
    .option('--n-features <n>', 'number of feature columns', integerAtLeast(1), 1)
    .option('--n-informative <n>', 'features with a non-zero coefficient (clipped to --n-features)', integerAtLeast(0), 10)
    .option('--n-targets <n>', 'number of target columns', integerAtLeast(1), 1)
    .option('--bias <b>', 'intercept added to every target', finiteNumber, 0)
    .option('--noise <sd>', 'standard deviation of the Gaussian noise', nonNegativeNumber, 0)
    .option('--effective-rank <r>', 'make the inputs approximately rank r (low-rank path)', integerAtLeast(1))
    .option('--tail-strength <t>', 'with --effective-rank: weight of the singular-value tail', probability, 0.5)
    .option('--no-shuffle', 'keep the informative features first and rows in draw order')
    .option('--signed-coef', 'coefficients uniform in [-100, 100) instead of [0, 100)', false)
    .option('--seed <n>', 'random seed (integer)', integerAtLeast(0), 0)
    .addOption(new Option('--rng <kind>', "'numpy' replays numpy's RandomState (sklearn's exact data); 'default' is autograd's").choices(['default', 'numpy']).default('default'))
    .option('--out <file>', 'write the CSV here (and FILE.meta.json beside it) instead of stdout')
    .addOption(new Option('--dtype <dtype>', 'precision of the written values').choices(['float32', 'float64']).default('float64'))
    .addHelpText('after', `
Examples:
  autograd gen-data --rng numpy --n-samples 100 --n-features 1 --noise 10 --bias 14.5 --seed 0 --out tutorial.csv
  autograd gen-data --n-samples 1000 --n-features 5 --noise 0.5 --signed-coef | head`)
    .action(async (o: GenDataOptions) => {
      const { makeRegressionArrays } = await import('../../data/make_regression.js');
      const { createRandomSource } = await import('../../random/numpy.js');
      if (o.rng === 'numpy' && o.seed > 0xffffffff) throw new (await import('../../errors.js')).UsageError('--seed: numpy seeds must be below 2**32');
      const params = {
        n_samples: o.nSamples, n_features: o.nFeatures, n_informative: o.nInformative, n_targets: o.nTargets, bias: o.bias,
        noise: o.noise, effective_rank: o.effectiveRank ?? null, tail_strength: o.tailStrength, shuffle: o.shuffle, signed_coef: o.signedCoef,
      };
      const a = makeRegressionArrays(params, createRandomSource(o.rng, o.seed));
      const F = o.nFeatures;
      const T = o.nTargets;
      const header = [...Array.from({ length: F }, (_, j) => `x${j}`), ...(T === 1 ? ['y'] : Array.from({ length: T }, (_, k) => `y${k}`))];
      const lines = [header.join(',')];
      for (let i = 0; i < o.nSamples; i++) {
        const row: string[] = [];
        for (let j = 0; j < F; j++) row.push(exactText(a.X[i * F + j], o.dtype));
        for (let k = 0; k < T; k++) row.push(exactText(a.y[i * T + k], o.dtype));
        lines.push(row.join(','));
      }
      const csv = `${lines.join('\n')}\n`;
      // generation is synchronous: let a Ctrl-C that arrived meanwhile be seen before anything is written
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (ctx.signal.aborted) throw new InterruptedError('interrupted; nothing was written');
      if (o.out === undefined) {
        ctx.stdout(csv);
        return;
      }
      const coef = Array.from({ length: T }, (_, k) => Array.from({ length: F }, (_, j) => a.coef[j * T + k]));
      const meta = { generator: 'autograd gen-data', make_regression: params, seed: o.seed, rng: o.rng, dtype: o.dtype, feature_names: header.slice(0, F), target_names: header.slice(F), coef, bias: o.bias };
      writeFileAtomic(o.out, csv);
      writeFileAtomic(`${o.out}.meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
      ctx.stderr(`wrote ${o.nSamples} rows × ${F} features, ${T} target${T === 1 ? '' : 's'} to ${o.out} (+ ${o.out}.meta.json)\n`);
    });
}
