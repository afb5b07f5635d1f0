// nn.Linear's default init and nn.init's initialisers after torch.manual_seed, against PyTorch 1.13
// (test/fixtures/torch/init_loader.json from gen_init_loader.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

interface Fx {
  linear: { seed: number; in: number; out: number; bias: boolean; weight: number[]; b: number[] | null; next: number[] }[];
  init: { seed: number; name: string; shape: number[]; values: number[] }[];
  gains: Record<string, number>;
}
const fx = readFixture<Fx>('torch/init_loader.json');

test('nn.Linear after manual_seed: the same weight and bias as PyTorch, and the stream after them', () => {
  torch.setWarningHandler(() => undefined);
  for (const c of fx.linear) {
    torch.manual_seed(c.seed);
    const m = new torch.nn.Linear(c.in, c.out, { bias: c.bias });
    const what = `seed ${c.seed} Linear(${c.in}, ${c.out})`;
    assert.deepEqual(Array.from(m.weight._data), c.weight, `${what} weight`);
    if (c.b !== null) assert.deepEqual(Array.from(m.bias!._data), c.b, `${what} bias`);
    assert.deepEqual(Array.from(torch.rand(3)._data), c.next, `${what} next draws`);
  }
  torch.setWarningHandler(null);
});

test('kaiming_* and xavier_* draw PyTorch\'s values; calculate_gain is init.py\'s table', () => {
  const init = torch.nn.init as unknown as Record<string, (t: torch.Tensor) => torch.Tensor>;
  for (const c of fx.init) {
    torch.manual_seed(c.seed);
    const t = init[c.name](torch.zeros(c.shape));
    assert.deepEqual(Array.from(t._data), c.values, `${c.name} ${c.shape}`);
  }
  for (const [k, v] of Object.entries(fx.gains)) {
    const got = k === 'leaky_relu_0.2' ? torch.nn.init.calculate_gain('leaky_relu', 0.2) : torch.nn.init.calculate_gain(k as torch.nn.init.Nonlinearity);
    assert.equal(got, v, k);
  }
});
