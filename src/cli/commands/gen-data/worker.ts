// `autograd gen-data`'s generation on a worker thread, so that Ctrl-C (or SIGTERM) acts at once whatever
// the size: make_regression is one synchronous computation (seconds for millions of rows, or for a QR with
// --effective-rank), which would keep the main thread from seeing the signal. The worker is terminated
// on the signal; its arrays come back by transfer (no copy) when it finishes.

import { AutogradError, InterruptedError, UsageError } from '../../../errors.js';
import type { MakeRegressionArrays } from '../../../data/make_regression.js';
import type { GenDataOptions } from './options.js';
import { loadWorkerThreads, retireWorker } from '../../../kernels/workers.js';

/** Worker source: loads the module that import.meta.url names (this one, or the CLI bundle it is in). */
const SOURCE = `'use strict';
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.entry).then((m) => (m.runGenDataWorker ?? m.default.runGenDataWorker)(workerData.options, parentPort));
`;

type Reply = { ok: true; arrays: MakeRegressionArrays } | { ok: false; kind: 'usage' | 'other'; message: string };

/** The worker's side: generate, then post the arrays (their buffers transferred) or the error. */
export async function runGenDataWorker(o: GenDataOptions, port: import('node:worker_threads').MessagePort): Promise<void> {
  const { generate } = await import('./generate.js');
  let reply: Reply;
  try {
    reply = { ok: true, arrays: generate(o) };
  } catch (err) {
    reply = { ok: false, kind: err instanceof UsageError ? 'usage' : 'other', message: err instanceof Error ? err.message : String(err) };
  }
  const transfer = reply.ok ? [reply.arrays.X.buffer, reply.arrays.y.buffer, reply.arrays.coef.buffer] : [];
  port.postMessage(reply, transfer as ArrayBuffer[]);
}

/** A rough count of the operations make_regression will do: X, y = X·coef, and the low-rank product and QRs. */
export function generationCost(o: Pick<GenDataOptions, 'nSamples' | 'nFeatures' | 'nTargets' | 'effectiveRank'>): number {
  const { nSamples: N, nFeatures: F, nTargets: T } = o;
  const lowRank = o.effectiveRank === undefined ? 0 : N * F * Math.min(N, F) + (N + F) * Math.min(N, F) ** 2;
  return N * F * (T + 2) + lowRank;
}

/** Below this many operations (a few tens of milliseconds) the generation runs on this thread. */
export const WORKER_COST = 2_000_000;

/**
 * Generate on a worker; a signal on `signal` terminates it at once (InterruptedError). The worker's
 * UsageError (a refused size or a non-finite value) is thrown here as a UsageError.
 */
export function generateOnWorker(o: GenDataOptions, signal: AbortSignal): Promise<MakeRegressionArrays> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new InterruptedError('interrupted; nothing was written'));
      return;
    }
    const { Worker } = loadWorkerThreads();
    const worker = new Worker(SOURCE, { eval: true, workerData: { entry: import.meta.url, options: o } });
    const finish = (settle: () => void): void => {
      signal.removeEventListener('abort', onAbort);
      retireWorker(worker);
      settle();
    };
    const onAbort = (): void => finish(() => reject(new InterruptedError('interrupted; nothing was written')));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (r: Reply) => finish(() => {
      if (r.ok) resolve(r.arrays);
      else reject(r.kind === 'usage' ? new UsageError(r.message) : new AutogradError(`generation failed: ${r.message}`, 'runtime'));
    }));
    worker.on('error', (err: Error) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new AutogradError(`the generation worker stopped (exit code ${code})`, 'runtime'))));
  });
}
