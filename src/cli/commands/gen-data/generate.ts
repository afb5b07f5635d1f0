// make_regression for gen-data's flags, checked (sizes, finite values): what run.ts calls on this thread
// and worker.ts on a worker.

import { totalmem } from 'node:os';
import { UsageError, ValueError } from '../../../errors.js';
import { makeRegressionArrays, type MakeRegressionArrays, type MakeRegressionParams } from '../../../data/make_regression.js';
import { createRandomSource } from '../../../random/numpy.js';
import type { GenDataOptions } from './options.js';

/** The CSV header: x0..x{F-1}, then y (one target) or y0..y{T-1}. */
export function csvHeader(features: number, targets: number): string[] {
  const x = Array.from({ length: features }, (_, j) => `x${j}`);
  const y = targets === 1 ? ['y'] : Array.from({ length: targets }, (_, k) => `y${k}`);
  return [...x, ...y];
}

/** make_regression's parameters for the flags. */
export function paramsOf(o: GenDataOptions): Required<MakeRegressionParams> {
  return {
    n_samples: o.nSamples, n_features: o.nFeatures, n_informative: o.nInformative, n_targets: o.nTargets, bias: o.bias, noise: o.noise,
    effective_rank: o.effectiveRank ?? null, tail_strength: o.tailStrength, shuffle: o.shuffle, signed_coef: o.signedCoef,
  };
}

/** Refuse what cannot fit in memory before trying (exit 2), rather than failing inside an allocation. */
export function checkSize(o: GenDataOptions): void {
  const bytes = o.nSamples * (o.nFeatures + o.nTargets) * 8 * 2; // X and y, plus their shuffled copies
  if (bytes > totalmem() * 0.8) {
    const gb = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GiB`;
    const columns = `${o.nFeatures} feature${o.nFeatures === 1 ? '' : 's'} and ${o.nTargets} target${o.nTargets === 1 ? '' : 's'}`;
    throw new UsageError(`--n-samples ${o.nSamples} with ${columns} needs about ${gb(bytes)} of memory, more than this machine has (${gb(totalmem())})`);
  }
}

/**
 * Refuse (exit 2) data that cannot be written finite in the chosen precision (`--bias 1e39` in float32, a
 * `--noise` past float64's range), before anything is written: never `Infinity` in a CSV with exit 0.
 */
export function checkFinite(o: GenDataOptions, a: MakeRegressionArrays): void {
  const round = o.dtype === 'float32' ? Math.fround : (v: number): number => v;
  const header = csvHeader(o.nFeatures, o.nTargets);
  const scan = (values: ArrayLike<number>, width: number, offset: number): void => {
    for (let i = 0; i < values.length; i++) {
      const v = round(values[i]);
      if (Number.isFinite(v)) continue;
      const largest = o.dtype === 'float32' ? '3.4028234663852886e+38' : '1.7976931348623157e+308';
      throw new UsageError(`--bias ${o.bias} and --noise ${o.noise} give ${header[offset + (i % width)]} = ${v} in ${o.dtype} at data row ${Math.floor(i / width) + 1}; values must stay within ±${largest}`);
    }
  };
  scan(a.X, o.nFeatures, 0);
  scan(a.y, o.nTargets, o.nFeatures);
}

/** make_regression for the flags, checked (sizes, finite values); on this thread. */
export function generate(o: GenDataOptions): MakeRegressionArrays {
  checkSize(o);
  try {
    const a = makeRegressionArrays(paramsOf(o), createRandomSource(o.rng, o.seed));
    checkFinite(o, a);
    return a;
  } catch (err) {
    // every make_regression ValueError comes from a flag value here
    if (err instanceof ValueError) throw new UsageError(err.message.replace(/^make_regression: /, ''));
    if (err instanceof RangeError) throw new UsageError(`not enough memory to generate ${o.nSamples} rows × ${o.nFeatures} features (${err.message})`);
    throw err;
  }
}

