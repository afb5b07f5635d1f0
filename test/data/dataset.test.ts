// TensorDataset and DataLoader: PyTorch's checks, lengths, seeded reshuffling every epoch, drop_last.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { allocShared, sharedAddress } from '../../src/kernels/shared_memory.js';

test('TensorDataset checks sizes like PyTorch', () => {
  assert.throws(() => new torch.TensorDataset(torch.ones(3), torch.ones(4)), { message: 'Size mismatch between tensors' });
  const ds = new torch.TensorDataset(torch.arange(6).reshape(3, 2), torch.arange(3));
  assert.equal(ds.length, 3);
  assert.deepEqual(ds.get(1).map((t) => t.tolist()), [[2, 3], 1]);
});

test('DataLoader: length, batches gathered contiguously, the last batch smaller unless drop_last', () => {
  const ds = new torch.TensorDataset(torch.arange(10).reshape(10, 1), torch.arange(10));
  assert.throws(() => new torch.DataLoader(ds, { batch_size: 0 }), { message: 'batch_size should be a positive integer value, but got batch_size=0' });
  const loader = new torch.DataLoader(ds, { batch_size: 3 });
  assert.equal(loader.length, 4); // len(DataLoader) in PyTorch: 4, and 3 with drop_last
  assert.equal(new torch.DataLoader(ds, { batch_size: 3, drop_last: true }).length, 3);
  const batches = [...loader];
  assert.deepEqual(batches.map(([x]) => [...x.shape]), [[3, 1], [3, 1], [3, 1], [1, 1]]);
  assert.deepEqual(batches[3][1].tolist(), [9]);
  assert.equal([...new torch.DataLoader(ds, { batch_size: 3, drop_last: true })].length, 3);
});

test('shuffle: a permutation every epoch, different between epochs, reproducible from the seed', () => {
  const ds = new torch.TensorDataset(torch.arange(20));
  const order = (loader: torch.DataLoader): number[] => [...loader].flatMap(([x]) => x.tolist() as number[]);
  const a = new torch.DataLoader(ds, { batch_size: 4, shuffle: true, generator: new torch.Generator(5) });
  const e1 = order(a);
  const e2 = order(a);
  assert.deepEqual([...e1].sort((p, q) => p - q), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(e1, e2);
  const b = new torch.DataLoader(ds, { batch_size: 4, shuffle: true, generator: new torch.Generator(5) });
  assert.deepEqual(order(b), e1);
  assert.deepEqual(order(b), e2);
});

test('standardization and the seeded split', () => {
  const x = torch.tensor([[1, 10], [3, 10], [5, 10]], { dtype: torch.float64 });
  const stats = torch.fitStandardization(x);
  assert.deepEqual(stats.mean, [3, 10]);
  assert.deepEqual(stats.std, [Math.sqrt(8 / 3), 1]); // ddof 0; a constant column gets std 1
  assert.deepEqual(torch.applyStandardization(x, stats).tolist(), [[-Math.sqrt(1.5), 0], [0, 0], [Math.sqrt(1.5), 0]]);
  const { train, val } = torch.trainValSplit([torch.arange(10)], 0.3, new torch.Generator(2));
  assert.equal(val[0].numel(), 3);
  assert.deepEqual([...train[0].tolist() as number[], ...val[0].tolist() as number[]].sort((p, q) => p - q), Array.from({ length: 10 }, (_, i) => i));
  assert.throws(() => torch.trainValSplit([torch.arange(2)], 0.1, new torch.Generator(2)), /leaves 0 validation and 2 training rows/);
});

test('split and standardized data stay in the shared memory when the source is there, with the same values', () => {
  const plain = torch.randn(50, 3, { generator: new torch.Generator(4) });
  const data = allocShared('float32', 150) as Float32Array;
  data.set(plain.numpy());
  const shared = torch.from_numpy(data, [50, 3]);
  const parts = (x: torch.Tensor): torch.Tensor[] => {
    const { train, val } = torch.trainValSplit([x, torch.arange(50)], 0.2, new torch.Generator(9));
    return [...train, ...val, torch.applyStandardization(x, torch.fitStandardization(x))];
  };
  const fromShared = parts(shared);
  const fromPlain = parts(plain);
  assert.deepEqual(fromShared.map((t) => sharedAddress(t._data) >= 0), [true, false, true, false, true]);
  assert.ok(fromPlain.every((t) => sharedAddress(t._data) < 0));
  assert.deepEqual(fromShared.map((t) => t.tolist()), fromPlain.map((t) => t.tolist()));
});

test('gathering rows: every row size and a source too large for the cache (touched before copying) give the rows asked for', () => {
  // 100 float32 rows of 90,000 × 100 = 36 MB: above gatherRows' out-of-cache threshold; 1, 10 and 70 columns below it
  for (const [rows, cols] of [[1000, 1], [1000, 10], [1000, 70], [90_000, 100]]) {
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = i % 9973;
    const ds = new torch.TensorDataset(torch.from_numpy(data, [rows, cols]));
    const loader = new torch.DataLoader(ds, { batch_size: 37, shuffle: true, generator: new torch.Generator(3) });
    const g = new torch.Generator(3);
    g.random64(); // the loader's per-epoch _base_seed
    const order = torch.randperm(rows, { generator: g })._data;
    let seen = 0;
    for (const [batch] of loader) {
      const got = batch.numpy();
      for (let r = 0; r < batch.shape[0]; r++) {
        const src = order[seen + r] * cols;
        for (let c = 0; c < cols; c++) if (got[r * cols + c] !== data[src + c]) assert.fail(`${rows}×${cols}: row ${seen + r}, column ${c}`);
      }
      seen += batch.shape[0];
      if (seen > 400) break;
    }
    assert.ok(seen > 400);
  }
});

test('_reusedBatches: the same batches from the same draws, in one buffer per tensor that each batch overwrites', () => {
  const ds = new torch.TensorDataset(torch.arange(60).reshape(20, 3), torch.arange(20));
  const fresh = new torch.DataLoader(ds, { batch_size: 6, shuffle: true, generator: new torch.Generator(4) });
  const reused = new torch.DataLoader(ds, { batch_size: 6, shuffle: true, generator: new torch.Generator(4) });
  for (let epoch = 0; epoch < 2; epoch++) {
    const expected = [...fresh].map((b) => b.map((t) => t.tolist()));
    const got: unknown[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for (const batch of reused._reusedBatches()) {
      got.push(batch.map((t) => t.tolist()));
      buffers.add(batch[0].numpy().buffer);
    }
    assert.deepEqual(got, expected);
    assert.equal(expected.length, 4);
    assert.deepEqual(expected[3].map((t) => (t as unknown[]).length), [2, 2], 'the last batch is smaller');
    assert.equal(buffers.size, 1, 'one buffer for every batch of X');
  }
});

test('rowViews: consecutive batches equal to an unshuffled DataLoader, as views of the same storage', async () => {
  const { rowViews } = await import('../../src/data/dataset.js');
  const X = torch.arange(30).reshape(10, 3);
  const y = torch.arange(10);
  const views = [...rowViews([X, y], 4)];
  const copies = [...new torch.DataLoader(new torch.TensorDataset(X, y), { batch_size: 4 })];
  assert.deepEqual(views.map((b) => b.map((t) => t.tolist())), copies.map((b) => b.map((t) => t.tolist())));
  assert.deepEqual(views.map((b) => [...b[0].shape]), [[4, 3], [4, 3], [2, 3]]);
  assert.equal(views[1][0].numpy().buffer, X.numpy().buffer, 'a view, not a copy');
  const again = rowViews([X, y], 4);
  assert.equal([...again].length, 3);
  assert.equal([...again].length, 3, 'iterable afresh, as a validation set is read every epoch');
});
