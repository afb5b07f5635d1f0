// The bench's printed report: one block per workload, ratios against the references, and a closing
// table of issue 5's targets (met or not, by how much).

import type { DataFile } from './datasets.js';
import type { EngineFigures } from './engine.js';
import { fmt } from './timing.js';
import type { TrainFigures } from './whole.js';
import type { LoopFigures } from './workloads.js';

/** PyTorch 1.13 (CPU) per-op and per-step times measured on this kind of machine (issue 2). */
const TORCH_ENGINE = { opRecordedUs: 1.3, step16x1Us: 39, step1024x100Us: 88 };

export interface Verdict {
  target: string;
  ratio: number;
  needed: number;
}

const ms = (s: number): string => `${fmt(s * 1000)} ms`;
const rate = (x: number): string => (x >= 1e6 ? `${fmt(x / 1e6)} M/s` : `${fmt(x / 1e3)} k/s`);
const mb = (x: number | null): string => (x === null ? 'n/a' : `${fmt(x)} MB`);

export class Report {
  private readonly out: (line: string) => void;
  private readonly found: Verdict[] = [];

  constructor(out: (line: string) => void) {
    this.out = out;
  }

  line(text: string): void {
    this.out(text);
  }

  verdicts(): Verdict[] {
    return this.found;
  }

  private verdict(target: string, ratio: number | null, needed: number): string {
    if (ratio === null) return '';
    this.found.push({ target, ratio, needed });
    return `${fmt(ratio)}×`;
  }

  engine(e: EngineFigures): void {
    const row = (name: string, ours: number, ref: number | null): string =>
      `  ${name.padEnd(38)} ${fmt(ours).padStart(7)} µs${ref === null ? '' : `   PyTorch ${fmt(ref)} µs → ${fmt(ref / ours)}× faster`}`;
    this.out('\nengine (issue 2; PyTorch figures from the issue, same kind of machine)');
    this.out(row('small op (mul, 10 elems), recorded', e.opRecordedUs, TORCH_ENGINE.opRecordedUs));
    this.out(row('small op (mul, 10 elems), no_grad', e.opNoGradUs, null));
    this.out(row('Linear+MSELoss+SGD step, 16×1', e.step16x1Us, TORCH_ENGINE.step16x1Us));
    this.out(row('Linear+MSELoss+SGD step, 1024×100', e.step1024x100Us, TORCH_ENGINE.step1024x100Us));
    this.out(row('  the same, fast kernels off', e.step1024x100JsUs, TORCH_ENGINE.step1024x100Us));
  }

  training(name: string, key: string, d: DataFile, loops: LoopFigures, ours: TrainFigures | null, tut: TrainFigures | null, best: TrainFigures | null): void {
    this.out(`\n${name}  (${d.file.split('/').slice(-2).join('/')}, ${fmt(d.mb)} MB)`);
    this.out(`  training loop, in-process (warm), samples/s: autograd ${rate(loops.samplesPerSec)}` +
      ` (fast kernels off ${rate(loops.samplesPerSecJs)}); yardstick (plain JS loop) ${rate(loops.yardstickSamplesPerSec)}` +
      ` → autograd/yardstick ${fmt(loops.samplesPerSec / loops.yardstickSamplesPerSec)}`);
    this.out(`  fit() (its fused step), in-process (warm), samples/s: ${rate(loops.fitSamplesPerSec)}` +
      ` → fit/yardstick ${fmt(loops.fitSamplesPerSec / loops.yardstickSamplesPerSec)}`);
    this.process('autograd train (whole process):', ours);
    if (ours === null) this.out('  autograd train (whole process):  failed (see stderr)');
    this.process('PyTorch tutorial loop (process):', tut);
    this.process('PyTorch best case (process):', best);
    if (tut !== null && best !== null) this.out(`  ratios: ${this.ratios(key, d, loops, ours, tut, best).join('; ')}`);
  }

  private process(label: string, f: TrainFigures | null): void {
    if (f === null) return;
    this.out(`  ${label.padEnd(32)} wall ${ms(f.wallS)}, peak RSS ${mb(f.peakMb)}, load ${ms(f.loadS)}, loop ${rate(f.samplesPerSec)}, final MSE ${fmt(f.finalMse, 5)}`);
  }

  /** The ratios of issue 5's targets for one training workload (W3's loop target is the best case only). */
  private ratios(key: string, d: DataFile, loops: LoopFigures, ours: TrainFigures | null, tut: TrainFigures, best: TrainFigures): string[] {
    const W = key.toUpperCase();
    const [needTut, needBest] = key === 'w3' ? [0, 1] : [10, 3];
    const loop = (label: string, x: number): string =>
      `loop (${label}) vs tutorial ${this.verdict(`${W} loop vs PyTorch tutorial loop (${label})`, x / tut.samplesPerSec, needTut)}` +
      `, vs best ${this.verdict(`${W} loop vs PyTorch best case (${label})`, x / best.samplesPerSec, needBest)}`;
    const parts = [loop('tutorial loop, warm, in-process', loops.samplesPerSec), loop('fit(), warm, in-process', loops.fitSamplesPerSec)];
    if (ours === null) return parts;
    parts.push(loop('autograd train, fresh process', ours.samplesPerSec));
    if (key === 'w1') parts.unshift(`whole process ${this.verdict('W1 whole process vs PyTorch script (wall)', tut.wallS / ours.wallS, 10)}`);
    if (key === 'w3' && ours.peakMb !== null) {
      const dataMb = (d.rows * (d.features + 1) * 4) / 1e6;
      parts.push(`peak RSS ${fmt(ours.peakMb)} MB = ${fmt(ours.peakMb / dataMb)}× the float32 data (${fmt(dataMb)} MB)`);
      this.found.push({ target: 'W3 peak RSS / float32 data size (at most)', ratio: ours.peakMb / dataMb, needed: -1.3 });
    }
    return parts;
  }

  /** `autograd train --stream` under a heap limit: it completes, in bounded memory. */
  stream(d: DataFile, f: TrainFigures, heapMb: number): void {
    this.process(`--stream, heap limit ${heapMb} MB:`, f);
    this.out(`  --stream: the ${fmt(d.mb)} MB file is ${fmt(d.mb / heapMb)}× the heap limit; peak RSS ${mb(f.peakMb)}`);
  }

  /** Issue 20's figures for W3: cold and cached whole process and the loop against PyTorch's best case, --stream, CSV MB/s. */
  bigData(d: DataFile, f: { cold: TrainFigures | null; cached: TrainFigures | null; best: TrainFigures | null; stream: TrainFigures | null; single: number; multi: number; threads: number }): void {
    this.out(`\nW3 big data (issue 20; ${fmt(d.mb)} MB)`);
    this.out(`  CSV → float32: one thread ${fmt(f.single)} MB/s, ${f.threads} threads ${fmt(f.multi)} MB/s → ${this.verdict('W3 CSV parse, all threads vs one (MB/s)', f.multi / f.single, 1.8)}`);
    this.process('autograd train --cache (cached):', f.cached);
    const { cold, cached, best, stream } = f;
    if (best === null) return;
    const parts: string[] = [];
    if (cold !== null) parts.push(`cold whole process ${this.verdict('W3 cold whole process vs PyTorch best whole process', best.wallS / cold.wallS, 4)}`);
    if (cached !== null) parts.push(`cached ${this.verdict('W3 cached whole process vs PyTorch best whole process', best.wallS / cached.wallS, 12)}`);
    if (cold !== null) parts.push(`loop ${this.verdict('W3 autograd train loop vs PyTorch best loop', cold.samplesPerSec / best.samplesPerSec, 2)}`);
    if (stream !== null && cold !== null) {
      parts.push(`--stream (no cache) wall ${fmt(stream.wallS / cold.wallS)}× the in-memory cold run's`);
      this.found.push({ target: 'W3 --stream wall / in-memory cold wall (at most)', ratio: stream.wallS / cold.wallS, needed: -2 });
      this.found.push({ target: 'W3 --stream samples/s / 1.5 M', ratio: stream.samplesPerSec / 1.5e6, needed: 1 });
    }
    this.out(`  vs PyTorch best whole process (wall ${ms(best.wallS)}): ${parts.join('; ')}`);
  }

  csv(d: DataFile, oursMbPerSec: number, pandas: number | null, loadtxt: number | null): void {
    this.out(`\nW4 CSV → float32 (${d.file.split('/').slice(-2).join('/')}, ${fmt(d.mb)} MB)`);
    this.out(`  autograd loadCsv ${fmt(oursMbPerSec)} MB/s` +
      (pandas === null ? '' : `; pandas ${fmt(pandas)} MB/s; numpy.loadtxt ${fmt(loadtxt ?? NaN)} MB/s → vs pandas ${this.verdict('W4 CSV load vs pandas', oursMbPerSec / pandas, 2)}`));
  }

  /** Targets of issue 5: `needed` ≥ 0 is a minimum ratio, < 0 a maximum (its absolute value). */
  summary(verdicts: readonly Verdict[]): void {
    this.out('\ntargets (issue 5)');
    for (const v of verdicts) {
      if (v.needed === 0) continue;
      const met = v.needed > 0 ? v.ratio >= v.needed : v.ratio <= -v.needed;
      const want = v.needed > 0 ? `≥ ${v.needed}×` : `≤ ${-v.needed}×`;
      this.out(`  ${met ? 'met    ' : 'NOT met'}  ${v.target.padEnd(72)} ${fmt(v.ratio).padStart(7)}×  (target ${want})`);
    }
  }
}
