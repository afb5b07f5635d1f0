// `autograd train --stream --cache`: the first pass over the CSV writes the cache, later passes and later
// runs read it, always giving plain --stream's model (the same batches, the same shuffle); a truncated,
// flipped-byte, another file's or out-of-date cache is one warning line and a rebuild. The cache is the
// in-memory --cache's (one format and name), and a run under a small heap limit reads a larger file.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cachePath } from '../../src/data/cache.js';
import { runBin, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-cache-stream-'));
const cacheDir = path.join(dir, 'caches');

/** 1,000 rows: with --batch-size 4 the 256-row shuffle buffers make 4 chunks, the last one short. */
function dataFile(name: string, seed: number, rows = 1000): string {
  const file = path.join(dir, name);
  const lines = ['a,b,c,y'];
  for (let i = 0; i < rows; i++) lines.push(`${((i * seed) % 37) / 7 - 2},${((i * 11 + seed) % 23) / 5},${(i * 7) % 13},${(i * 3 + seed) % 41}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The model of a JSON run: everything but the timings (they differ from run to run). */
async function model(file: string, ...extra: string[]): Promise<{ out: unknown; stderr: string }> {
  const r = await runCli(['train', '--data', file, '--json', '--epochs', '3', '--batch-size', '4', '--lr', '0.001', '--seed', '3', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  delete j.timings;
  const settings = j.settings as Record<string, unknown>;
  delete settings.cache;
  delete settings.cache_dir;
  return { out: j, stderr: r.stderr };
}

describe('autograd train --stream --cache', () => {
  const file = dataFile('d.csv', 5);
  const cache = cachePath(file, { dtype: 'float32' }, cacheDir);

  test('the first run writes the cache, later epochs and runs read it: plain --stream\'s model', async () => {
    for (const flags of [[], ['--standardize'], ['--no-shuffle', '--drop-last']]) {
      const plain = await model(file, '--stream', ...flags);
      const first = await model(file, '--stream', '--cache-dir', cacheDir, ...flags);
      assert.deepEqual(readdirSync(cacheDir), [path.basename(cache)], 'one cache, no temporary file left');
      const second = await model(file, '--stream', '--cache-dir', cacheDir, ...flags);
      assert.deepEqual(first.out, plain.out, `${flags.join(' ')}: first run`);
      assert.deepEqual(second.out, plain.out, `${flags.join(' ')}: cached run`);
      assert.equal(first.stderr + second.stderr, '');
    }
  });

  test('one cache for both: in memory reads the streamed run\'s cache, --stream the in-memory run\'s', async () => {
    const other = path.join(dir, 'both');
    await model(file, '--stream', '--cache-dir', other);
    const inMemory = await model(file, '--cache-dir', other);
    assert.equal(inMemory.stderr, '', 'the streamed cache is good for the in-memory run');
    assert.deepEqual(inMemory.out, (await model(file)).out);
    truncateSync(cachePath(file, { dtype: 'float32' }, other), 0);
    await model(file, '--cache-dir', other); // the in-memory run rebuilds it
    const streamed = await model(file, '--stream', '--cache-dir', other);
    assert.equal(streamed.stderr, '', 'the in-memory cache is good for --stream');
    assert.deepEqual(streamed.out, (await model(file, '--stream')).out);
  });

  test('truncated, flipped-byte, another file\'s and out-of-date caches: one warning, rebuilt, never trusted', async () => {
    const plain = await model(file, '--stream');
    await model(file, '--stream', '--cache-dir', cacheDir);
    const good = readFileSync(cache);
    const corruptions: Array<[string, () => void | Promise<void>, RegExp]> = [
      ['truncated', () => truncateSync(cache, good.length - 7), /truncated/],
      ['flipped byte in the data', () => {
        const b = Buffer.from(good);
        b[good.length - 2000] ^= 0x10;
        writeFileSync(cache, b);
      }, /checksum/],
      ['flipped byte in the header', () => {
        const b = Buffer.from(good);
        b[20] ^= 0x01;
        writeFileSync(cache, b);
      }, /corrupt|another file|other parse options|out of date|truncated/],
      ['another file\'s cache', async () => {
        const other = dataFile('other.csv', 9);
        await model(other, '--stream', '--cache-dir', cacheDir);
        copyFileSync(cachePath(other, { dtype: 'float32' }, cacheDir), cache);
      }, /another file/],
      ['the CSV changed (mtime)', () => {
        writeFileSync(cache, good);
        const t = statSync(file).mtime;
        utimesSync(file, t, new Date(t.getTime() + 5000));
      }, /out of date/],
    ];
    for (const [what, corrupt, reason] of corruptions) {
      await corrupt();
      const r = await model(file, '--stream', '--cache-dir', cacheDir);
      assert.deepEqual(r.out, plain.out, what);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${what}: one line, got ${r.stderr}`);
      assert.match(lines[0], /^warning: cache .* rebuilt from /, what);
      assert.match(lines[0], reason, what);
      const again = await model(file, '--stream', '--cache-dir', cacheDir);
      assert.equal(again.stderr, '', `${what}: the rebuilt cache is good`);
      assert.deepEqual(again.out, plain.out, what);
    }
  });

  test('a folder that cannot hold the cache: one warning, the run goes on from the CSV', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const r = await model(file, '--stream', '--cache-dir', blocker);
    assert.deepEqual(r.out, (await model(file, '--stream')).out);
    assert.match(r.stderr, /^warning: cache .* not written \(.*\)\n$/);
  });

  test('a file 4x the heap limit, through the cache, with the model of plain --stream', async () => {
    const big = path.join(dir, 'big.csv');
    const gen = await runCli(['gen-data', '--n-samples', '70000', '--n-features', '100', '--seed', '2', '--dtype', 'float32', '--out', big]);
    assert.equal(gen.code, 0, gen.stderr);
    assert.ok(statSync(big).size > 64 << 20, `${statSync(big).size} bytes`);
    const args = ['train', '--data', big, '--stream', '--json', '--epochs', '2', '--batch-size', '256', '--lr', '0.001', '--no-chart'];
    const env = { NODE_OPTIONS: '--max-old-space-size=16' };
    const runs = [];
    for (const extra of [[], ['--cache-dir', cacheDir], ['--cache-dir', cacheDir]]) {
      const r = await runBin([...args, ...extra], { env, timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { weights: unknown; history: unknown };
      runs.push([j.weights, j.history]);
    }
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
    // Ctrl-C in a long run (during the first pass, or after it wrote the cache): exit 130, no temporary file
    const fresh = path.join(dir, 'interrupted');
    const long = args.map((a, i) => (args[i - 1] === '--epochs' ? '100000' : a));
    const r = await runBin([...long, '--cache-dir', fresh], { env, timeoutMs: 120_000, onSpawn: (child) => void setTimeout(() => child.kill('SIGINT'), 700) });
    assert.equal(r.code, 130, r.stderr);
    const left = existsSync(fresh) ? readdirSync(fresh) : [];
    assert.ok(left.length === 0 || (left.length === 1 && left[0].endsWith('.agcache')), left.join(', '));
  });

  test('--missing mean and --categorical: the cached runs give plain --stream\'s model', async () => {
    const lines = ['a,colour,y'];
    for (let i = 0; i < 700; i++) lines.push(`${i % 31 === 4 ? 'NA' : (i % 17) / 3},${['red', 'green', 'blue'][i % 3]},${i % 13}`);
    const mixed = path.join(dir, 'mixed.csv');
    writeFileSync(mixed, `${lines.join('\n')}\n`);
    const flags = ['--stream', '--missing', 'mean', '--categorical', 'colour', '--standardize'];
    const plain = await model(mixed, ...flags);
    const first = await model(mixed, ...flags, '--cache-dir', cacheDir);
    const second = await model(mixed, ...flags, '--cache-dir', cacheDir);
    assert.deepEqual(first.out, plain.out);
    assert.deepEqual(second.out, plain.out);
    assert.equal(first.stderr + second.stderr, '');
  });
});
