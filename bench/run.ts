// `npm run bench`: prints the engine figures against the PyTorch 1.13 references measured on this kind of machine.

import { runEngineBench } from './engine.js';
import { fmt } from './timing.js';
import { runCsvWorkload, runTrainingWorkloads } from './workloads.js';

/** PyTorch 1.13 (CPU) on the same kind of machine, from the issues. */
const TORCH = { opRecordedUs: 1.3, step16x1Us: 39, step1024x100Us: 88 };

function row(name: string, ours: number, reference: number | null, unit: string): string {
  const ratio = reference === null ? '' : `  PyTorch ${fmt(reference)} ${unit}  → ${fmt(reference / ours)}× faster`;
  return `${name.padEnd(40)} ${fmt(ours).padStart(8)} ${unit}${ratio}`;
}

function main(): void {
  console.log(`autograd benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
  const e = runEngineBench();
  console.log(row('small op (mul, 10 elems), recorded', e.opRecordedUs, TORCH.opRecordedUs, 'µs'));
  console.log(row('small op (mul, 10 elems), no_grad', e.opNoGradUs, null, 'µs'));
  console.log(row('Linear+MSELoss+SGD step, 16×1', e.step16x1Us, TORCH.step16x1Us, 'µs'));
  console.log(row('Linear+MSELoss+SGD step, 1024×100', e.step1024x100Us, TORCH.step1024x100Us, 'µs'));
  const quick = process.argv.includes('--quick');
  const runs = quick ? 1 : 3;
  console.log('\ntraining throughput, the tutorial loop (median of runs); yardstick: a hand-written JS loop, same gradients');
  for (const w of runTrainingWorkloads(runs, quick)) {
    const ref = TORCH_LOOP[w.name.slice(0, 2)];
    console.log(`${w.name.padEnd(40)} ${fmt(w.samplesPerSec / 1e6).padStart(8)} M samples/s  yardstick ${fmt(w.yardstickSamplesPerSec / 1e6)} M/s  PyTorch loop ${fmt(ref / 1e6)} M/s → ${fmt(w.samplesPerSec / ref)}×`);
  }
  const csv = runCsvWorkload(runs, quick);
  console.log(`\nW4 CSV load (${fmt(csv.mb)} MB, float32)${''.padEnd(14)} ${fmt(csv.mbPerSec).padStart(8)} MB/s  (pandas here: 96–128 MB/s)`);
}

/** PyTorch 1.13's tutorial DataLoader loop on this kind of machine (issue 5's table, samples/s). */
const TORCH_LOOP: Record<string, number> = { W1: 143e3, W2: 316e3, W3: 229e3 };

main();

