// `npm run bench` (build, then node dist/bench/run.js [--quick] [--runs N] [--only w1,w2,w3,w4] [--no-python]):
// the engine figures of issue 2 and the workloads W1–W4 of issue 5, against PyTorch / pandas run in the
// same run on the same machine when /usr/bin/python3 has torch, with a plain-JavaScript yardstick.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { setHelperThreads } from '../src/kernels/select.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { genData, tutorialData, type DataContext, type DataFile } from './datasets.js';
import { runEngineBench } from './engine.js';
import { Report, type Verdict } from './report.js';
import { benchCsv } from './csv.js';
import { loadWorkload, measureLoops, type Workload } from './workloads.js';
import { ourTrain, pythonCsv, pythonVersions, torchTrain, type TrainFigures } from './whole.js';

interface Options {
  /** Where the generated CSV files are kept (--data-dir; default bench/out/): W3 is 1.1 GB. */
  dataDir: string | undefined;
  quick: boolean;
  runs: number;
  only: Set<string>;
  python: boolean;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const runs = Number(at('--runs') ?? (quick ? 1 : 3));
  const only = new Set((at('--only') ?? 'w1,w2,w3,w4').split(','));
  return { quick, runs, only, python: !argv.includes('--no-python'), dataDir: at('--data-dir') };
}

/** [node, entry] for our CLI: bin/autograd.cjs when this is dist/, else this build folder's cli_entry.js. */
function cliArgv(root: string): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const fromDist = path.resolve(here, '..') === path.join(root, 'dist');
  return [process.execPath, fromDist ? path.join(root, 'bin', 'autograd.cjs') : path.join(here, 'cli_entry.js')];
}

function machineLine(py: string | null): string {
  const cpus = os.cpus();
  return `machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
    `node ${process.version} ${process.platform}/${process.arch}; python: ${py ?? 'no /usr/bin/python3 with torch (references skipped)'}`;
}

const W: Record<string, Workload> = {
  w1: { name: 'W1 100×1, batch 16, 100 epochs', batch: 16, epochs: 100, lr: 0.01 },
  w2: { name: 'W2 100,000×10, batch 64, 5 epochs', batch: 64, epochs: 5, lr: 0.01 },
  w3: { name: 'W3 1,000,000×100, batch 1024, 2 epochs', batch: 1024, epochs: 2, lr: 0.001 },
};

interface References {
  tutorial: TrainFigures | null;
  best: TrainFigures | null;
}

/** PyTorch's tutorial loop and best case (for W3 the faster of 1 and 2 threads). */
function references(o: Options, refDir: string, d: DataFile, w: Workload, key: string): References {
  if (!o.python) return { tutorial: null, best: null };
  const heavy = key === 'w3';
  const tutorial = torchTrain(refDir, d.file, w, 'dataloader', 1, heavy ? 1 : key === 'w1' ? Math.max(o.runs, 5) : o.runs);
  let best = torchTrain(refDir, d.file, w, 'slice', 1, o.runs);
  if (heavy) {
    const two = torchTrain(refDir, d.file, w, 'slice', 2, o.runs);
    if (two.samplesPerSec > best.samplesPerSec) best = two;
  }
  return { tutorial, best };
}

async function trainingWorkload(o: Options, ctx: DataContext, refDir: string, key: string, report: Report): Promise<void> {
  const w = W[key];
  const d = key === 'w1' ? tutorialData(ctx) : key === 'w2' ? genData(ctx, 'w2', 100_000, 10, 2) : genData(ctx, 'w3', o.quick ? 200_000 : 1_000_000, 100, 3);
  const name = o.quick && key === 'w3' ? `${w.name} (--quick: ${d.rows.toLocaleString('en-US')} rows)` : w.name;
  const loops = measureLoops(w, await loadWorkload(d.file), o.runs);
  let ours: TrainFigures | null = null;
  try {
    // W1 at least 5 times: its runs are a few hundred milliseconds, the noisiest figure
    ours = ourTrain(ctx.cli, d.file, w, key === 'w1' ? Math.max(o.runs, 5) : o.runs);
  } catch (err) {
    console.error(`autograd train failed: ${(err as Error).message.split('\n')[0]}`);
  }
  const refs = references(o, refDir, d, w, key);
  report.training(name, key, d, loops, ours, refs.tutorial, refs.best);
  if (key === 'w3') {
    // --stream: the same file through a JavaScript heap limit far smaller than the file
    const heapMb = 64;
    let stream: TrainFigures | null = null;
    try {
      stream = ourTrain(ctx.cli, d.file, w, o.runs, {}, { heapMb });
      report.stream(d, stream, heapMb);
    } catch (err) {
      console.error(`autograd train --stream failed: ${(err as Error).message.split('\n')[0]}`);
    }
    await bigData(o, ctx, d, w, report, { cold: ours, best: refs.best, stream });
  }
}

/** Issue 20 on W3: cached whole process (a first run writes the cache), CSV MB/s on one thread and on all. */
async function bigData(o: Options, ctx: DataContext, d: DataFile, w: Workload, report: Report, f: { cold: TrainFigures | null; best: TrainFigures | null; stream: TrainFigures | null }): Promise<void> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'autograd-bench-cache-'));
  try {
    let cached: TrainFigures | null = null;
    try {
      ourTrain(ctx.cli, d.file, w, 1, {}, null, ['--cache-dir', cacheDir]); // writes the cache
      cached = ourTrain(ctx.cli, d.file, w, o.runs, {}, null, ['--cache-dir', cacheDir]);
    } catch (err) {
      console.error(`autograd train --cache failed: ${(err as Error).message.split('\n')[0]}`);
    }
    const previous = setHelperThreads(false);
    const single = (await benchCsv(d.file, o.runs, {}, false)).mbPerSec;
    setHelperThreads(previous);
    const multi = (await benchCsv(d.file, o.runs, {}, false)).mbPerSec;
    report.bigData(d, { ...f, cached, single, multi, threads: os.availableParallelism() });
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const root = process.cwd();
  if (!existsSync(path.join(root, 'package.json'))) throw new Error('run the bench from the repository root');
  const py = o.python ? pythonVersions() : null;
  o.python = py !== null;
  const report = new Report((line) => console.log(line));
  report.line(`autograd benchmark — ${new Date().toISOString()}`);
  report.line(machineLine(py));
  report.engine(runEngineBench());
  const ctx: DataContext = { root, outDir: o.dataDir === undefined ? path.join(root, 'bench', 'out') : path.resolve(o.dataDir), cli: cliArgv(root), log: (l) => console.error(l) };
  const refDir = path.join(root, 'bench', 'reference');
  for (const key of ['w1', 'w2', 'w3']) if (o.only.has(key)) await trainingWorkload(o, ctx, refDir, key, report);
  if (o.only.has('w4')) {
    const d = genData(ctx, 'w4', o.quick ? 200_000 : 1_000_000, 20, 4);
    const ours = (await benchCsv(d.file, o.runs)).mbPerSec; // bench/csv.ts: loadCsv into float32, median
    const pandas = o.python ? pythonCsv(refDir, d.file, 'pandas', o.runs) : null;
    const loadtxt = o.python ? pythonCsv(refDir, d.file, 'loadtxt', o.runs) : null;
    report.csv(d, ours, pandas, loadtxt);
  }
  const verdicts: Verdict[] = report.verdicts();
  if (verdicts.length > 0) report.summary(verdicts);
}

await main();
