// `autograd train --cache`: the first run writes the cache, later runs read it, and a cache that is
// truncated, has a flipped byte, belongs to another file, or is out of date is reported in one line and
// rebuilt; the model is always the one the CSV gives. `autograd cache clear` removes the caches.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cachePath, loadCsvCached } from '../../src/data/cache.js';
import { loadCsv } from '../../src/data/csv.js';
import { sharedAddress } from '../../src/kernels/shared_memory.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-cache-'));
const cacheDir = path.join(dir, 'caches');

function dataFile(name: string, seed: number): string {
  const file = path.join(dir, name);
  const lines = ['a,b,y'];
  for (let i = 0; i < 300; i++) lines.push(`${((i * seed) % 37) / 7 - 2},${((i * 11 + seed) % 23) / 5},${(i * 3 + seed) % 41}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The model of a JSON run: its weights, bias and losses (timings differ from run to run). */
async function model(file: string, ...extra: string[]): Promise<{ out: unknown; stderr: string }> {
  const r = await runCli(['train', '--data', file, '--json', '--epochs', '3', '--batch-size', '32', '--lr', '0.01', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown> & { timings: unknown };
  delete (j as { timings?: unknown }).timings;
  return { out: j, stderr: r.stderr };
}

describe('autograd train --cache', () => {
  const file = dataFile('d.csv', 5);
  const cache = cachePath(file, { dtype: 'float32', shared: true }, cacheDir);

  test('written on the first run, read on the next, the same model as from the CSV', async () => {
    const plain = await model(file);
    const first = await model(file, '--cache-dir', cacheDir);
    assert.ok(statSync(cache).size > 300 * 3 * 4, 'the cache was written');
    assert.deepEqual(readdirSync(cacheDir), [path.basename(cache)], 'no temporary file left');
    const second = await model(file, '--cache-dir', cacheDir);
    assert.deepEqual(first.out, plain.out);
    assert.deepEqual(second.out, plain.out);
    assert.equal(second.stderr, '');
    const hit = await loadCsvCached(file, { dtype: 'float32' }, cacheDir);
    assert.equal(hit.status, 'hit');
    const csv = await loadCsv(file);
    assert.deepEqual(Array.from(hit.table.X), Array.from(csv.X));
    assert.deepEqual(Array.from(hit.table.y), Array.from(csv.y));
  });

  test('with shared, a cache hit puts X and y in the shared memory, as loadCsv does, with the same values', async () => {
    const options = { dtype: 'float32', shared: true } as const;
    await loadCsvCached(file, options, cacheDir);
    const hit = await loadCsvCached(file, options, cacheDir);
    assert.equal(hit.status, 'hit');
    const csv = await loadCsv(file, options);
    for (const t of [hit.table, csv]) assert.ok(sharedAddress(t.X) >= 0 && sharedAddress(t.y) >= 0);
    assert.deepEqual(Array.from(hit.table.X), Array.from(csv.X));
    assert.deepEqual(Array.from(hit.table.y), Array.from(csv.y));
  });

  test('truncated, flipped-byte, another file\'s and out-of-date caches are reported, rebuilt, never trusted', async () => {
    const plain = await model(file);
    await model(file, '--cache-dir', cacheDir);
    const good = readFileSync(cache);
    const corruptions: Array<[string, () => void, RegExp]> = [
      ['truncated', () => truncateSync(cache, good.length - 7), /truncated/],
      ['flipped byte in the data', () => {
        const b = Buffer.from(good);
        b[good.length - 200] ^= 0x10;
        writeFileSync(cache, b);
      }, /checksum/],
      ['flipped byte in the header', () => {
        const b = Buffer.from(good);
        b[20] ^= 0x01;
        writeFileSync(cache, b);
      }, /corrupt|another file|other parse options|out of date|truncated/],
      ['another file\'s cache', () => {
        const other = dataFile('other.csv', 9);
        const r = loadCsvCached(other, { dtype: 'float32', shared: true }, cacheDir);
        return r.then(() => copyFileSync(cachePath(other, { dtype: 'float32' }, cacheDir), cache));
      }, /another file/],
      ['the CSV changed (mtime)', () => {
        writeFileSync(cache, good);
        const t = statSync(file).mtime;
        utimesSync(file, t, new Date(t.getTime() + 5000));
      }, /out of date/],
    ];
    for (const [what, corrupt, reason] of corruptions) {
      await corrupt();
      const r = await model(file, '--cache-dir', cacheDir);
      assert.deepEqual(r.out, plain.out, what);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${what}: one line, got ${r.stderr}`);
      assert.match(lines[0], /^warning: cache .* rebuilt from /, what);
      assert.match(lines[0], reason, what);
      const again = await model(file, '--cache-dir', cacheDir);
      assert.equal(again.stderr, '', `${what}: the rebuilt cache is good`);
      assert.deepEqual(again.out, plain.out, what);
    }
  });

  test('another parse option is another cache; cache clear removes them all', async () => {
    await model(file, '--cache-dir', cacheDir, '--dtype', 'float64');
    await model(file, '--cache-dir', cacheDir, '--features', 'b');
    const before = readdirSync(cacheDir).length;
    assert.ok(before >= 3);
    const r = await runCli(['cache', 'clear', '--cache-dir', cacheDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^removed ${before} cache files \\(`));
    assert.deepEqual(readdirSync(cacheDir), []);
  });
});
