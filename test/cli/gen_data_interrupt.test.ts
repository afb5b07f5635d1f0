// Ctrl-C in a large `autograd gen-data` (issue 19, item 7): the generation runs on a worker and the
// writing in chunks of values, so that SIGINT (or SIGTERM) acts within 0.5 s at any size and in either
// phase, with exit 130 (143) and no file, partial or temporary, left behind. A worker's data are the
// same as the generation on the main thread.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { csvHeader, csvRows, generate } from '../../src/cli/commands/gen-data/run.js';
import type { GenDataOptions } from '../../src/cli/commands/gen-data/options.js';
import { generationCost, WORKER_COST } from '../../src/cli/commands/gen-data/worker.js';
import { binPath, runCli } from '../helpers/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'autograd-gensig-'));
let folders = 0;
const folder = (): string => {
  const d = path.join(root, `t${++folders}`);
  mkdirSync(d);
  return d;
};

/** The most a signal may take to end the process (issue 19: 0.5 s). */
const ACTS_WITHIN_MS = 500;

interface Interrupted {
  code: number | null;
  stderr: string;
  /** Milliseconds from the signal to the process's exit. */
  took: number;
}

/** Run gen-data, send `signal` when `when()` first holds (polled every 5 ms), and time the exit. */
function interrupt(args: string[], signal: NodeJS.Signals, when: () => boolean): Promise<Interrupted> {
  const child = spawn(process.execPath, [binPath(), 'gen-data', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  let sent = 0;
  const poll = setInterval(() => {
    if (sent === 0 && when()) {
      sent = performance.now();
      child.kill(signal);
    }
  }, 5);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code: null, stderr: `${stderr}could not run the CLI: ${err.message}`, took: Infinity });
    });
    child.on('exit', (code) => {
      const took = performance.now() - sent;
      clearInterval(poll);
      clearTimeout(killer);
      child.on('close', () => resolve({ code, stderr, took: sent === 0 ? Infinity : took }));
    });
  });
}

const TEMPORARY = /^\..*\.tmp$/;

describe('gen-data: Ctrl-C acts within 0.5 s at any size, leaving no file', () => {
  for (const [signal, code, said] of [['SIGINT', 130, 'interrupted'], ['SIGTERM', 143, 'terminated \\(SIGTERM\\)']] as const) {
    test(`${signal} while a million rows are generated`, async () => {
      const dir = folder();
      const out = path.join(dir, 'big.csv');
      const started = performance.now();
      // ~3 s of generation on this machine: the signal comes in the middle of it
      const r = await interrupt(['--n-samples', '1000000', '--n-features', '30', '--out', out], signal, () => performance.now() - started > 700);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`^autograd gen-data: ${said}; nothing was written\\n$`));
      assert.ok(r.took < ACTS_WITHIN_MS, `exit ${r.took.toFixed(0)} ms after ${signal}`);
      assert.deepEqual(readdirSync(dir), []);
    });

    test(`${signal} while the rows of 3,000 features are written`, async () => {
      const dir = folder();
      const out = path.join(dir, 'wide.csv');
      // the temporary file exists and has data in it: the writing phase
      // (a file may go between the listing and the stat: that is not the writing phase)
      const writing = (): boolean => readdirSync(dir).some((f) => TEMPORARY.test(f) && (statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0) > 0);
      const r = await interrupt(['--n-samples', '3000', '--n-features', '3000', '--out', out], signal, writing);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`^autograd gen-data: ${said}; the output file was not written\\n$`));
      assert.ok(r.took < ACTS_WITHIN_MS, `exit ${r.took.toFixed(0)} ms after ${signal}`);
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  test('a low-rank generation (a QR of 1500 × 1500) is interrupted as quickly', async () => {
    const dir = folder();
    const started = performance.now();
    const r = await interrupt(['--n-samples', '1500', '--n-features', '1500', '--effective-rank', '5', '--out', path.join(dir, 'qr.csv')], 'SIGINT', () => performance.now() - started > 500);
    assert.equal(r.code, 130, r.stderr);
    assert.ok(r.took < ACTS_WITHIN_MS, `exit ${r.took.toFixed(0)} ms after SIGINT`);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('the generation worker', () => {
  const options = (n: number, f: number, extra: Partial<GenDataOptions> = {}): GenDataOptions => ({
    nSamples: n, nFeatures: f, nInformative: 10, nTargets: 2, bias: 3, noise: 1.5, tailStrength: 0.5, shuffle: true, signedCoef: false, seed: 5, rng: 'numpy', dtype: 'float64', ...extra,
  });

  test('gives the data of the generation on this thread, byte for byte (and the sidecar)', async () => {
    for (const o of [options(20_000, 40), options(400, 60, { effectiveRank: 7, rng: 'default', dtype: 'float32' })]) {
      assert.ok(generationCost(o) >= WORKER_COST, 'the case must go to the worker');
      const a = generate(o);
      const want = `${csvHeader(o.nFeatures, o.nTargets).join(',')}\n${csvRows(a, 0, o.nSamples, o.dtype)}`;
      const args = ['--n-samples', String(o.nSamples), '--n-features', String(o.nFeatures), '--n-targets', '2', '--bias', '3', '--noise', '1.5', '--seed', '5', '--rng', o.rng, '--dtype', o.dtype];
      if (o.effectiveRank !== undefined) args.push('--effective-rank', String(o.effectiveRank));
      const r = await runCli(['gen-data', ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout === want, 'the worker wrote other data');
    }
  });

  test("a refused request is refused as before (exit 2), the worker's error on one line", async () => {
    const big = await runCli(['gen-data', '--n-samples', '1000000', '--n-features', '1000000000']);
    assert.equal(big.code, 2, big.stderr);
    assert.match(big.stderr, /needs about .* of memory/);
    const inf = await runCli(['gen-data', '--n-samples', '100000', '--n-features', '40', '--bias', '1e39', '--dtype', 'float32']);
    assert.equal(inf.code, 2, inf.stderr);
    assert.match(inf.stderr, /^autograd gen-data: --bias 1e\+39 and --noise 0 give y = Infinity in float32 at data row 1; values must stay within ±3\.4028234663852886e\+38\n$/);
  });
});
