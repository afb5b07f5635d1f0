// String(grad_fn) is PyTorch's repr without the address, name() its full name (gen_node_repr.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Node } from '../../src/tensor/autograd/node.js';
import { readFixture } from '../helpers/fixtures.js';

const fx = readFixture<Record<string, { name: string; repr: string }>>('torch/node_repr.json');

test("grad_fn's name() and String() as PyTorch's name() and repr", () => {
  const z = torch.ones(2, { requires_grad: true });
  const q = z.clone();
  q.setitem(0, 5);
  const b = torch.zeros(2);
  b.copy_(z);
  const nodes: Record<string, Node | null> = {
    setitem: q.grad_fn, copy_: b.grad_fn, mul: z.mul(2).grad_fn, sum: z.sum().grad_fn,
    accumulate: (z.mul(2).grad_fn?.next_functions[0][0] ?? null) as Node | null,
  };
  for (const [k, want] of Object.entries(fx)) {
    const node = nodes[k];
    assert.ok(node !== null, k);
    assert.equal(node.name(), want.name, k);
    assert.equal(String(node), want.repr, k);
  }
});
