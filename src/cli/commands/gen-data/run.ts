// What `autograd gen-data` does: make_regression, then the CSV (and its sidecar) written in chunks.

import path from 'node:path';
import { InterruptedError } from '../../../errors.js';
import type { MakeRegressionArrays } from '../../../data/make_regression.js';
import type { GenDataOptions } from './options.js';
import type { CliContext } from '../../context.js';
import { exactText } from '../../format_values.js';
import { fileKind, writeFilesAtomic, type AtomicFile } from '../../io.js';
import { VERSION } from '../../version.js';
import { generateOnWorker, generationCost, WORKER_COST } from './worker.js';
import { checkSize, csvHeader, generate, paramsOf } from './generate.js';

export { csvHeader, generate };

/** Values per written chunk (about 30 ms of formatting); between chunks a Ctrl-C is noticed. */
const CHUNK_VALUES = 65_536;


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
