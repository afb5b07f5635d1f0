// The rest of the error contract, on the real process (issue 18, item 10): SIGINT and SIGTERM mid-write
// leave no partial file and an earlier file intact (exit 130 / 143), a full disk is one line with 73/74
// and no partial file, a closed pipe ends quietly, and concurrent saves to one path never tear it.
// Every child runs with a timeout (runBin): a hang fails the test instead of stalling the suite.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { binPath, runBin } from '../helpers/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'autograd-contract-'));
let folders = 0;
/** A fresh empty folder per test, so that "no other file" can be checked by listing it. */
function folder(): string {
  const d = path.join(root, `t${++folders}`);
  mkdirSync(d);
  return d;
}

const TEMPORARY = /^\..*\.tmp$/;

/** Resolves once a temporary output file exists in `dir` (the child is then writing), or after `ms`. */
async function writing(dir: string, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (readdirSync(dir).some((f) => TEMPORARY.test(f))) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/** Send `signal` once the child writes its temporary file; returns whether it was seen. */
function signalWhenWriting(dir: string, signal: NodeJS.Signals, seen: { ok: boolean }): (child: ChildProcess) => void {
  return (child) => {
    void writing(dir).then((ok) => {
      seen.ok = ok;
      child.kill(signal);
    });
  };
}

const SIGNALS: Array<[NodeJS.Signals, number, RegExp]> = [
  ['SIGINT', 130, /interrupted/],
  ['SIGTERM', 143, /terminated \(SIGTERM\)/],
];

describe('signals mid-write: no partial file, the earlier file intact, 130 or 143', () => {
  for (const [signal, code, said] of SIGNALS) {
    test(`gen-data --out, ${signal}`, async () => {
      const dir = folder();
      const out = path.join(dir, 'data.csv');
      writeFileSync(out, 'earlier\n');
      const seen = { ok: false };
      const r = await runBin(['gen-data', '--n-samples', '400000', '--n-features', '20', '--out', out], { onSpawn: signalWhenWriting(dir, signal, seen) });
      assert.ok(seen.ok, 'the temporary file never appeared');
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`^autograd gen-data: ${said.source}; the output file was not written\\n$`));
      assert.equal(readFileSync(out, 'utf8'), 'earlier\n');
      assert.deepEqual(readdirSync(dir), ['data.csv']);
    });
    test(`train --save, ${signal}`, async () => {
      const dir = folder();
      const out = path.join(dir, 'model.json');
      writeFileSync(out, '{"earlier": true}\n');
      const seen = { ok: false };
      const r = await runBin(['train', '--epochs', '1000000', '--quiet', '--save', out], { onSpawn: signalWhenWriting(dir, signal, seen) });
      assert.ok(seen.ok, 'the temporary file never appeared');
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`^autograd train: ${said.source} at epoch \\d+, step \\d+\\n$`));
      assert.equal(readFileSync(out, 'utf8'), '{"earlier": true}\n');
      assert.deepEqual(readdirSync(dir), ['model.json']);
    });
    test(`predict --out while the data still arrives through a FIFO, ${signal}`, async () => {
      const dir = folder();
      const model = path.join(dir, 'm.json');
      assert.equal((await runBin(['train', '--epochs', '1', '--quiet', '--save', model])).code, 0);
      const out = path.join(dir, 'pred.csv');
      writeFileSync(out, 'earlier\n');
      const fifo = path.join(root, `data${folders}.fifo`);
      if (spawnSync('mkfifo', [fifo]).status !== 0) return;
      let writer: ChildProcess | null = null;
      const r = await runBin(['predict', '--model', model, '--data', fifo, '--out', out], {
        onSpawn: (child) => {
          // half the rows now; the signal once predict reads them; the rest (and the end) after it
          writer = spawn('sh', ['-c', `{ printf 'x0\\n1\\n2\\n'; sleep 1.5; printf '3\\n'; } > '${fifo}'`], { stdio: 'ignore' });
          setTimeout(() => child.kill(signal), 700);
        },
      });
      (writer as ChildProcess | null)?.kill('SIGKILL');
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`^autograd predict: ${said.source}; nothing was written\\n$`));
      assert.equal(readFileSync(out, 'utf8'), 'earlier\n');
      assert.deepEqual(readdirSync(dir).sort(), ['m.json', 'pred.csv']);
    });
  }
});

describe('a full disk: one line, exit 74, no partial file', () => {
  test('/dev/full for every output, which stays a device', { skip: !existsSync('/dev/full') }, async () => {
    const dir = folder();
    const model = path.join(dir, 'm.json');
    writeFileSync(path.join(dir, 'x.csv'), 'x0\n1\n');
    const runs = [
      ['gen-data', '--out', '/dev/full'],
      ['train', '--epochs', '1', '--quiet', '--save', '/dev/full'],
      ['predict', '--model', model, '--data', path.join(dir, 'x.csv'), '--out', '/dev/full'],
    ];
    assert.equal((await runBin(['train', '--epochs', '1', '--quiet', '--save', model])).code, 0);
    for (const args of runs) {
      const r = await runBin(args);
      assert.equal(r.code, 74, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^autograd [a-z-]+: error writing '\/dev\/full': no space left on device\n$/);
      assert.ok(statSync('/dev/full').isCharacterDevice(), '/dev/full was replaced');
      assert.ok(!existsSync('/dev/full.meta.json'));
    }
  });
  test('a file size limit (ulimit -f) mid-write: 74, the earlier file intact, no temporary file', { skip: process.platform === 'win32' }, async () => {
    const dir = folder();
    const out = path.join(dir, 'big.csv');
    writeFileSync(out, 'earlier\n');
    const script = `ulimit -f 64 && exec "${process.execPath}" "${binPath()}" gen-data --n-samples 20000 --n-features 5 --out "${out}"`;
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 74, r.stderr);
    assert.match(r.stderr, /^autograd gen-data: error writing '.*big\.csv': (file too large|no space left on device)\n$/);
    assert.equal(readFileSync(out, 'utf8'), 'earlier\n');
    assert.deepEqual(readdirSync(dir), ['big.csv']);
  });
  test('an output folder that does not exist is 73 before any work', async () => {
    const r = await runBin(['train', '--epochs', '1000000', '--save', path.join(root, 'missing', 'm.json')]);
    assert.equal(r.code, 73, r.stderr);
    assert.match(r.stderr, /^autograd train: cannot create '.*m\.json': no such file or directory\n$/);
  });
});

describe('a closed pipe (| head) ends quickly and quietly', () => {
  /** Read the first chunk of stdout, then close the pipe, as `head -1` does. */
  const headOne = (child: ChildProcess): void => {
    child.stdout?.once('data', () => child.stdout?.destroy());
  };
  test('gen-data | head -1', async () => {
    const r = await runBin(['gen-data', '--n-samples', '1000000', '--n-features', '10'], { onSpawn: headOne, timeoutMs: 60_000 });
    assert.ok(!r.timedOut);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
  test('train --json | head -c 10, predict | head -1', async () => {
    const dir = folder();
    const model = path.join(dir, 'm.json');
    const data = path.join(dir, 'x.csv');
    writeFileSync(data, `x0\n${Array.from({ length: 200_000 }, (_, i) => i).join('\n')}\n`);
    assert.equal((await runBin(['train', '--epochs', '1', '--quiet', '--save', model])).code, 0);
    for (const args of [['train', '--epochs', '3', '--json'], ['predict', '--model', model, '--data', data]]) {
      const r = await runBin(args, { onSpawn: headOne });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '');
    }
  });
  test('through a real shell pipe', { skip: process.platform === 'win32' }, () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${binPath()}" gen-data --n-samples 300000 | head -1; echo "status $?"`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stdout, 'x0,y\nstatus 0\n');
    assert.equal(r.stderr, '');
  });
});

describe('concurrent saves to one path', () => {
  test('8 train --save same.json at once leave one whole valid model and no temporary file', async () => {
    const dir = folder();
    const out = path.join(dir, 'same.json');
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, seed) => runBin(['train', '--epochs', '20', '--quiet', '--seed', String(seed), '--save', out], { timeoutMs: 60_000 })),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { format: string; settings: { seed: number }; weight: number[][] };
    assert.equal(saved.format, 'autograd-linear-model');
    assert.ok(saved.settings.seed >= 0 && saved.settings.seed < 8);
    assert.deepEqual(readdirSync(dir), ['same.json']);
    // the file is exactly what one of the runs wrote: that run again gives the same bytes
    const again = path.join(dir, 'again.json');
    assert.equal((await runBin(['train', '--epochs', '20', '--quiet', '--seed', String(saved.settings.seed), '--save', again])).code, 0);
    const strip = (text: string): string => text.replace(/"(data|time|elapsed)[^"]*": [^,\n]*,?\n/g, '');
    assert.equal(strip(readFileSync(out, 'utf8')), strip(readFileSync(again, 'utf8')));
  });
});

test("the README's exit-code table and --help list every code main.ts gives, and no other", async () => {
  const { EXIT_CODES, EXIT_CODES_HELP, EXIT_TERMINATED } = await import('../../src/cli/main.js');
  const made = [0, ...Object.values(EXIT_CODES), EXIT_TERMINATED].sort((a, b) => a - b);
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('## make_regression'));
  const listed = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  assert.deepEqual(listed, made);
  const help = [...EXIT_CODES_HELP.matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
  assert.deepEqual(help, made);
});
