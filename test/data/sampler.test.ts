// DataLoader shuffles (two epochs, partial last batches), random_split and SubsetRandomSampler after
// torch.manual_seed, against PyTorch 1.13 (test/fixtures/torch/init_loader.json from gen_init_loader.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { RandomSampler, SubsetRandomSampler, randomSplitIndices } from '../../src/data/sampler.js';
import { readFixture } from '../helpers/fixtures.js';

interface Fx {
  loaders: { seed: number; n: number; batch_size: number; shuffle: boolean; generator_seed?: number; epochs: number[][][]; next: number[] }[];
  splits: { seed: number; split: number[][]; fractions: number[][]; subset: number[][] }[];
}
const fx = readFixture<Fx>('torch/init_loader.json');

test('DataLoader batches over two epochs, and the default stream after them, are PyTorch\'s', () => {
  for (const c of fx.loaders) {
    torch.manual_seed(c.seed);
    const ds = new torch.TensorDataset(torch.arange(c.n));
    const generator = c.generator_seed === undefined ? undefined : new torch.Generator(c.generator_seed);
    const dl = new torch.DataLoader(ds, { batch_size: c.batch_size, shuffle: c.shuffle, ...(generator ? { generator } : {}) });
    const epochs = [0, 1].map(() => Array.from(dl, ([x]) => Array.from(x._data)));
    assert.deepEqual(epochs, c.epochs, `seed ${c.seed} n ${c.n} batch ${c.batch_size}`);
    assert.deepEqual(Array.from(torch.rand(2)._data), c.next);
  }
});

test('random_split (lengths and fractions) and SubsetRandomSampler draw PyTorch\'s indices', () => {
  for (const c of fx.splits) {
    torch.manual_seed(c.seed);
    assert.deepEqual(randomSplitIndices(10, [7, 3]), c.split);
    assert.deepEqual(randomSplitIndices(11, [0.3, 0.3, 0.4], new torch.Generator(c.seed)), c.fractions);
    const s = new SubsetRandomSampler([3, 9, 4, 12, 8]);
    assert.deepEqual([Array.from(s), Array.from(s)], c.subset);
  }
  assert.equal(new RandomSampler(5).length, 5);
});

test('torch.utils.data.random_split gives Subsets over the same indices, and a DataLoader reads them', () => {
  const { random_split, Subset, TensorDataset, DataLoader } = torch.utils.data;
  for (const c of fx.splits) {
    torch.manual_seed(c.seed);
    const ds = new TensorDataset(torch.arange(10));
    const parts = random_split(ds, [7, 3]);
    assert.ok(parts.every((p) => p instanceof Subset));
    assert.deepEqual(parts.map((p) => Array.from({ length: p.length }, (_, i) => p.get(i)[0].item())), c.split);
    const fractions = random_split(new TensorDataset(torch.arange(11)), [0.3, 0.3, 0.4], new torch.Generator(c.seed));
    assert.deepEqual(fractions.map((p) => [...p.indices]), c.fractions);
    const rows = Array.from(new DataLoader(parts[0], { batch_size: 4 }), ([x]) => Array.from(x._data));
    assert.deepEqual(rows.flat(), c.split[0]);
  }
});
