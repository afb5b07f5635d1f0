// A second thread for the row kernels (rows.wat): one worker per process, running one kernel call at a
// time on the shared memory while this thread does other work. Jobs and their completion go through a
// control block in the shared memory (Atomics); the worker spins for a few milliseconds between jobs (a
// training step posts the next one within microseconds), then sleeps in Atomics.wait, so an idle helper
// costs nothing; only a sleeping worker is woken with Atomics.notify.

import { availableParallelism } from 'node:os';
import { allocShared, sharedAddress } from './shared_memory.js';
import { loadWorkerThreads } from './workers.js';

/** Control block: int32 slots. */
const SEQ = 0; // the last job posted
const DONE = 1; // the last job finished: its number, or minus it when it failed
const READY = 2; // 1 once the worker has instantiated the kernels
const OP = 3; // which export of the module to call: an index into `ops`
const SLEEPING = 4; // 1 while the worker is (about to be) asleep in Atomics.wait: post() must wake it
const ARGS = 5; // up to 11 int32 arguments
const SLOTS = 16;

/**
 * Spins of the worker between jobs before it sleeps (a few ms: a training step posts the next job well
 * within that, and waking a sleeping worker costs a system call here and tens of µs there), and of this
 * thread waiting for a job.
 */
const WORKER_SPINS = 50_000;
const WAIT_SPINS = 1_000_000;
/** How long this thread waits for a job before it gives up on the helper and runs the job itself. */
const GIVE_UP_MS = 10_000;

/** The worker: CommonJS source, run with `eval` (so it needs no file of its own, in the bundle or not). */
const SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, fma, control, ops } = workerData;
const noFma = () => { throw new Error('no fused multiply-add kernels'); };
const linked = fma === null ? { predict8: noFma, grad8: noFma, predict16: noFma, grad16: noFma } : new WebAssembly.Instance(fma, { env: { memory } }).exports;
const kernels = new WebAssembly.Instance(module, { env: { memory }, fma: linked }).exports;
const c = new Int32Array(memory.buffer, control, ${SLOTS});
const args = new Int32Array(memory.buffer, control + ${4 * ARGS}, ${SLOTS - ARGS});
Atomics.store(c, ${READY}, 1);
let seen = 0;
for (;;) {
  let seq;
  let spins = 0;
  while ((seq = Atomics.load(c, ${SEQ})) === seen) {
    if (++spins > ${WORKER_SPINS}) {
      Atomics.store(c, ${SLEEPING}, 1);
      Atomics.wait(c, ${SEQ}, seen);
      Atomics.store(c, ${SLEEPING}, 0);
      spins = 0;
    }
  }
  seen = seq;
  let status = seq;
  try {
    kernels[ops[c[${OP}]]](...args);
  } catch {
    status = -seq;
  }
  Atomics.store(c, ${DONE}, status);
  Atomics.notify(c, ${DONE});
}
`;

export class HelperThread {
  private readonly control: Int32Array;
  private readonly ops: readonly string[];
  private seq = 0;
  private broken = false;

  private constructor(control: Int32Array, ops: readonly string[]) {
    this.control = control;
    this.ops = ops;
  }

  /**
   * Start a helper that calls exports `ops` of `module` (rows.wat, instantiated on the shared `memory`
   * with rows_fma.wat's module `fma` where there is one), or null where there is no second core or no
   * worker.
   */
  static start(module: object, memory: object, fma: object | null, ops: readonly string[]): HelperThread | null {
    if (availableParallelism() < 2) return null;
    const block = allocShared('float32', SLOTS);
    if (block === null) return null;
    const control = new Int32Array(block.buffer, block.byteOffset, SLOTS);
    try {
      const worker = new (loadWorkerThreads().Worker)(SOURCE, { eval: true, workerData: { module, memory, fma, control: sharedAddress(block), ops } });
      const helper = new HelperThread(control, ops);
      worker.on('error', () => {
        helper.broken = true;
      });
      worker.unref(); // an idle helper does not keep the process alive
      return helper;
    } catch {
      return null;
    }
  }

  /** Whether a job posted now would run (the worker has started and has not failed). */
  ready(): boolean {
    return !this.broken && Atomics.load(this.control, READY) === 1;
  }

  /** Call export `op` with int32 `args` on the helper; wait() for it before posting another. */
  post(op: string, args: readonly number[]): void {
    const c = this.control;
    c[OP] = this.ops.indexOf(op);
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i];
    Atomics.store(c, SEQ, ++this.seq);
    // a worker that set SLEEPING after this load sees the new SEQ before it waits (or its wait returns at once)
    if (Atomics.load(c, SLEEPING) !== 0) Atomics.notify(c, SEQ);
  }

  /** Whether the posted job has finished (without waiting). */
  finished(): boolean {
    const done = Atomics.load(this.control, DONE);
    return done === this.seq || done === -this.seq;
  }

  /**
   * Wait for the posted job: true when it ran; false when it failed or the helper stopped answering
   * (the helper is then not used again, and the caller runs the job itself).
   */
  wait(): boolean {
    const c = this.control;
    const seq = this.seq;
    let done = Atomics.load(c, DONE);
    for (let spins = 0; done !== seq && done !== -seq && spins < WAIT_SPINS; spins++) done = Atomics.load(c, DONE);
    const deadline = Date.now() + GIVE_UP_MS;
    while (done !== seq && done !== -seq && Date.now() < deadline) {
      Atomics.wait(c, DONE, done, 10);
      done = Atomics.load(c, DONE);
    }
    if (done === seq) return true;
    this.broken = true;
    return false;
  }
}
