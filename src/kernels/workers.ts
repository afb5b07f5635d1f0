// Worker threads for the kernels' helper, the parallel CSV parse and gen-data's generation: loaded on
// first use, and retired so that a worker that has already answered cannot crash its parent.

import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';

/** node:worker_threads, loaded when a worker first starts (~2 ms that a small run need not spend). */
export const loadWorkerThreads = (): typeof import('node:worker_threads') => createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

/**
 * Stop a worker whose outcome is settled: its listeners go, and a late 'error' (from a worker stopped
 * mid-way) or a failed terminate() is ignored instead of becoming an uncaught exception.
 */
export function retireWorker(worker: Worker): void {
  worker.removeAllListeners();
  worker.on('error', () => undefined);
  worker.terminate().catch(() => undefined);
}
