// torch.Tensor's legacy constructor (seed 002: torch.Tensor([...])) and a one-element tensor used as a
// number (`while (y.norm() < 1000)`), as PyTorch 1.13 behaves: values, dtypes and error texts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

test('new torch.Tensor(data) is a tensor of the default dtype; new torch.Tensor(2, 3) one of that size', () => {
  // PyTorch: tensor([1.]), tensor([[1., 2.]]), torch.Size([2, 3])
  assert.equal(String(new torch.Tensor([1.0])), 'tensor([1.])');
  assert.equal(String(new torch.Tensor([[1, 2]])), 'tensor([[1., 2.]])');
  const sized = new torch.Tensor(2, 3);
  assert.deepEqual(sized.shape.slice(), [2, 3]);
  assert.equal(sized.dtype.name, 'float32');
  assert.equal(new torch.Tensor([]).numel(), 0);
  torch.set_default_dtype('float64');
  try {
    assert.equal(new torch.Tensor([1.5]).dtype.name, 'float64');
  } finally {
    torch.set_default_dtype('float32');
  }
  // PyTorch: TypeError new(): invalid data type 'str'
  assert.throws(() => new torch.Tensor('a' as unknown as number[]), { message: "new(): invalid data type 'string'" });
  assert.throws(() => new torch.Tensor([[1, 2], [3]]), /expected sequence of length 2 at dim 1 \(got 1\)/);
});

test('a one-element tensor compares and computes as its value; a larger one is PyTorch’s error', () => {
  // JavaScript compares a tensor as its value; TypeScript wants the spelling Number(t) (README)
  const asNumber = (t: torch.Tensor): number => t as unknown as number;
  let y = torch.tensor([0.5, 0.5]);
  let steps = 0;
  while (asNumber(y.norm()) < 1000) {
    y = y.mul(2);
    steps++;
  }
  assert.equal(steps, 11); // 0.707 · 2^11 = 1448
  assert.equal(+torch.tensor(2.5), 2.5);
  assert.equal(Number(torch.tensor([[7]])), 7);
  assert.ok(asNumber(torch.tensor(3)) > 2);
  assert.ok(Number(torch.tensor(3)) > 2);
  // PyTorch: ValueError only one element tensors can be converted to Python scalars
  assert.throws(() => Number(torch.tensor([5, 6])), { message: 'only one element tensors can be converted to Python scalars' });
  assert.throws(() => asNumber(torch.tensor([5, 6])) < 1, /only one element tensors/);
  // in a string a tensor prints, whatever its size
  assert.equal(`${torch.tensor([1, 2])}`, 'tensor([1., 2.])');
  assert.equal(`${torch.tensor(2)}`, 'tensor(2.)');
});
