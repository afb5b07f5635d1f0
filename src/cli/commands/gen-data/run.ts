// What `autograd gen-data` does: make_regression, then the CSV (and its sidecar) written in chunks.

import { totalmem } from 'node:os';
import path from 'node:path';
import { InterruptedError, UsageError, ValueError } from '../../../errors.js';
import { makeRegressionArrays, type MakeRegressionArrays, type MakeRegressionParams } from '../../../data/make_regression.js';
import { createRandomSource } from '../../../random/numpy.js';
import type { GenDataOptions } from './options.js';
import type { CliContext } from '../../context.js';
import { exactText } from '../../format_values.js';
import { fileKind, writeFilesAtomic, type AtomicFile } from '../../io.js';
import { VERSION } from '../../version.js';
import { generateOnWorker, generationCost, WORKER_COST } from './worker.js';

/** Values per written chunk (about 30 ms of formatting); between chunks a Ctrl-C is noticed. */
const CHUNK_VALUES = 65_536;

export function csvHeader(features: number, targets: number): string[] {
  const x = Array.from({ length: features }, (_, j) => `x${j}`);
  const y = targets === 1 ? ['y'] : Array.from({ length: targets }, (_, k) => `y${k}`);
  return [...x, ...y];
}

/** Rows [start, end) as CSV lines. */
export function csvRows(a: MakeRegressionArrays, start: number, end: number, dtype: 'float32' | 'float64'): string {
  const [, F] = a.xShape;
  const T = a.y.length / a.xShape[0];
  let text = '';
  for (let i = start; i < end; i++) {
    const row: string[] = [];
    for (let j = 0; j < F; j++) row.push(exactText(a.X[i * F + j], dtype));
    for (let k = 0; k < T; k++) row.push(exactText(a.y[i * T + k], dtype));
    text += `${row.join(',')}\n`;
  }
  return text;
}

function paramsOf(o: GenDataOptions): Required<MakeRegressionParams> {
  return {
    n_samples: o.nSamples, n_features: o.nFeatures, n_informative: o.nInformative, n_targets: o.nTargets, bias: o.bias, noise: o.noise,
    effective_rank: o.effectiveRank ?? null, tail_strength: o.tailStrength, shuffle: o.shuffle, signed_coef: o.signedCoef,
  };
}

/** The sidecar: everything needed to regenerate the file, and the truth `train` compares against. */
export function sidecar(o: GenDataOptions, a: MakeRegressionArrays): Record<string, unknown> {
  const F = o.nFeatures;
  const T = o.nTargets;
  const header = csvHeader(F, T);
  const coef = Array.from({ length: T }, (_, k) => Array.from({ length: F }, (_, j) => a.coef[j * T + k]));
  return {
    generator: `autograd gen-data ${VERSION}`,
    make_regression: paramsOf(o),
    rng: o.rng,
    seed: o.seed,
    dtype: o.dtype,
    feature_names: header.slice(0, F),
    target_names: header.slice(F),
    coef_layout: '[target][feature], like nn.Linear.weight',
    coef,
    bias: o.bias,
  };
}

/** Refuse what cannot fit in memory before trying (exit 2), rather than failing inside an allocation. */
function checkSize(o: GenDataOptions): void {
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

/** Let a pending SIGINT be delivered (generation is synchronous), then honour it. */
async function checkInterrupt(ctx: CliContext, written: boolean): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (ctx.signal.aborted) throw new InterruptedError(written ? 'interrupted; the output file was not written' : 'interrupted; nothing was written');
}

async function writeRows(o: GenDataOptions, ctx: CliContext, a: MakeRegressionArrays, write: (text: string) => void): Promise<void> {
  write(`${csvHeader(o.nFeatures, o.nTargets).join(',')}\n`);
  const rows = Math.max(1, Math.floor(CHUNK_VALUES / (o.nFeatures + o.nTargets)));
  for (let start = 0; start < o.nSamples; start += rows) {
    await checkInterrupt(ctx, o.out !== undefined);
    write(csvRows(a, start, Math.min(o.nSamples, start + rows), o.dtype));
  }
}

export async function generateCsv(o: GenDataOptions, ctx: CliContext): Promise<void> {
  await checkInterrupt(ctx, false);
  // a large generation runs on a worker, so that a Ctrl-C is acted on at once (worker.ts)
  checkSize(o); // before a worker starts: a refused size fails at once
  const a = generationCost(o) < WORKER_COST ? generate(o) : await generateOnWorker(o, ctx.signal);
  if (o.out === undefined) {
    await writeRows(o, ctx, a, ctx.stdout);
    return;
  }
  const what = `${o.nSamples} rows × ${o.nFeatures} feature${o.nFeatures === 1 ? '' : 's'} and ${o.nTargets} target${o.nTargets === 1 ? '' : 's'}`;
  if (fileKind(o.out) === 'other' || path.resolve(o.out).startsWith('/dev/')) {
    // a device or a pipe (/dev/stdout, a FIFO): written in place, and no sidecar beside it in /dev
    await writeFilesAtomic([o.out], async ([csv]: AtomicFile[]) => writeRows(o, ctx, a, (text) => csv.write(text)));
    ctx.stderr(`wrote ${what} to ${o.out} (no sidecar: not a regular file)\n`);
    return;
  }
  const meta = `${o.out}.meta.json`;
  await writeFilesAtomic([o.out, meta], async ([csv, side]: AtomicFile[]) => {
    await writeRows(o, ctx, a, (text) => csv.write(text));
    side.write(`${JSON.stringify(sidecar(o, a), null, 2)}\n`);
    await checkInterrupt(ctx, true);
  });
  ctx.stderr(`wrote ${what} to ${o.out} (true coefficients in ${meta})\n`);
}
