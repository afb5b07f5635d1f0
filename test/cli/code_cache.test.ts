// bin/load-cli.cjs: the CLI bundle runs with the code cache the build wrote for it, and never with a
// cache made for another bundle (V8 itself would take one made for any source of the same length).
// Works on a copy of bin/ and dist/cli.cjs in a temporary folder, so that other tests are not disturbed.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

interface Loaded {
  exports: { main: (argv: string[], ctx?: unknown) => Promise<number> };
  script: { cachedDataRejected?: boolean };
}

interface Loader {
  loadCli(useCache?: boolean): Loaded;
  writeCache(script: unknown): void;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('the bundle runs with its own code cache, and without one made for another bundle', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autograd-cache-'));
  mkdirSync(path.join(dir, 'bin'));
  mkdirSync(path.join(dir, 'dist'));
  copyFileSync(path.join(root, 'bin', 'load-cli.cjs'), path.join(dir, 'bin', 'load-cli.cjs'));
  copyFileSync(path.join(root, 'dist', 'cli.cjs'), path.join(dir, 'dist', 'cli.cjs'));
  const loader = createRequire(import.meta.url)(path.join(dir, 'bin', 'load-cli.cjs')) as Loader;

  const first = loader.loadCli();
  assert.equal(first.script.cachedDataRejected, undefined, 'no cache yet: compiled as usual');
  const quiet = { stdout: () => undefined, stderr: () => undefined, isTTY: false, color: false, columns: 80, env: {}, cwd: root, signal: new AbortController().signal };
  const train = ['train', '--data', path.join(root, 'data', 'tutorial.csv'), '--epochs', '2', '--json'];
  assert.equal(await first.exports.main(train, quiet), 0);
  loader.writeCache(first.script);

  const cached = loader.loadCli();
  assert.equal(cached.script.cachedDataRejected, false, 'the cache was given and taken');
  assert.equal(await cached.exports.main(train, quiet), 0);

  // the same bundle with another modification time stands for a rebuilt one: its old cache is not given
  const bundle = path.join(dir, 'dist', 'cli.cjs');
  utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
  assert.equal(loader.loadCli().script.cachedDataRejected, undefined);
});
