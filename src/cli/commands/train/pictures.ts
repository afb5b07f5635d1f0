// `autograd train --report FILE.html` and `--plot FILE.svg`: the run drawn with Vega-Lite (src/viz/report.ts).
// The data are read again from the file (float64, the trained columns) once training is done.

import type { ReportInput } from '../../../viz/report.js';
import type { TrainResult } from './common.js';
import { rowsAgain } from './data.js';
import type { TrainOptions } from './options.js';
import { AtomicFile } from '../../io.js';
import type { TrainSummary } from './report.js';

/** The report's input: the summary's models and losses with the data file's rows. */
async function reportInput(o: TrainOptions, s: TrainSummary, r: TrainResult): Promise<ReportInput> {
  const table = await rowsAgain(o, s.data.targets, r.preprocessing, r.kept_rows);
  return {
    file: s.data.file,
    features: s.data.features,
    targets: s.data.targets,
    rows: table.rows,
    X: table.X,
    Y: table.Y,
    learned: s.weights,
    truth: s.truth,
    leastSquares: s.least_squares,
    history: s.history,
    final: s.final,
    description: { model: s.model, loss: s.loss, optimizer: s.optimizer },
    settings: s.settings,
  };
}

/** The picture files, opened before training (an unwritable path fails first) and written at the end. */
export class PictureFiles {
  private readonly report: AtomicFile | null;
  private readonly plot: AtomicFile | null;

  constructor(o: Pick<TrainOptions, 'report' | 'plot'>) {
    this.report = o.report === undefined ? null : AtomicFile.create(o.report);
    try {
      this.plot = o.plot === undefined ? null : AtomicFile.create(o.plot);
    } catch (err) {
      this.report?.discard();
      throw err;
    }
  }

  get wanted(): boolean {
    return this.report !== null || this.plot !== null;
  }

  /** Render and write both files; each appears whole or not at all. */
  async write(o: TrainOptions, s: TrainSummary, r: TrainResult): Promise<void> {
    if (!this.wanted) return;
    const viz = await import('../../../viz/report.js');
    const input = await reportInput(o, s, r);
    const html = this.report === null ? null : await viz.reportHtml(input);
    const svg = this.plot === null ? null : await viz.fitSvg(input);
    if (html !== null) this.report?.write(html);
    if (svg !== null) this.plot?.write(svg);
    this.report?.commit();
    this.plot?.commit();
  }

  discard(): void {
    this.report?.discard();
    this.plot?.discard();
  }
}
