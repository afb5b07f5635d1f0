// Printing against PyTorch 1.13's own str(tensor) (test/fixtures/torch/print.json, made by gen_print.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTensor, get_printoptions, set_printoptions } from '../../src/tensor/format.js';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf';
interface PrintCase {
  name: string;
  shape: number[];
  data: Encoded[];
  dtype: 'float32' | 'float64';
  requires_grad: boolean;
  grad_fn: string | null;
  text: string;
}

export const decode = (v: Encoded): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

for (const c of readFixture<{ cases: PrintCase[] }>('torch/print.json').cases) {
  test(`prints like PyTorch: ${c.name}`, () => {
    const data = c.dtype === 'float64' ? Float64Array.from(c.data, decode) : Float32Array.from(c.data, decode);
    assert.equal(formatTensor({ data, shape: c.shape, dtype: c.dtype, gradFnName: c.grad_fn, requiresGrad: c.requires_grad }), c.text);
  });
}

test('String(tensor) and console.log use the same format', () => {
  const t = torch.tensor([[1, 2.5], [3, 4]], { requires_grad: true });
  assert.equal(String(t), 'tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]], requires_grad=True)');
  assert.equal(`${t.mul(2)}`, 'tensor([[2., 5.],\n        [6., 8.]], grad_fn=<MulBackward0>)');
});

test('set_printoptions: precision, sci_mode and profiles', () => {
  const saved = get_printoptions();
  try {
    set_printoptions({ precision: 2 });
    assert.equal(String(torch.tensor([1.23456, 2])), 'tensor([1.23, 2.00])');
    set_printoptions({ sci_mode: true });
    assert.equal(String(torch.tensor([1.5, 2])), 'tensor([1.50e+00, 2.00e+00])');
    set_printoptions({ profile: 'default', sci_mode: null });
    assert.equal(get_printoptions().precision, 4);
  } finally {
    set_printoptions(saved);
  }
});

test('Parameter and Module print like PyTorch', () => {
  const p = new torch.nn.Parameter(torch.ones(2));
  assert.equal(String(p), 'Parameter containing:\ntensor([1., 1.], requires_grad=True)');
  assert.equal(String(new torch.nn.Linear(1, 1)), 'Linear(in_features=1, out_features=1, bias=True)');
  assert.equal(String(new torch.nn.MSELoss()), 'MSELoss()');
});
