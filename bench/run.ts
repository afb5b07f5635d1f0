// `npm run bench`: prints the engine figures against the PyTorch 1.13 references measured on this kind of machine.

import { runEngineBench } from './engine.js';
import { fmt } from './timing.js';

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
}

main();
