// float32 products bit for bit against PyTorch 1.13 on OpenBLAS 0.3.21's Haswell kernels
// (test/fixtures/torch/matmul_order.json from gen_matmul_order.py): values and the gradients of every
// operand, for mm, addmm, matmul of 1 to 4 dims, mv, dot, bmm, linear and outer.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

interface B64 {
  shape: number[];
  b64: string;
}
interface Case {
  op: 'mm' | 'addmm' | 'matmul' | 'mv' | 'dot' | 'bmm' | 'linear' | 'outer';
  layouts: ('N' | 'T')[];
  inputs: B64[];
  out: B64;
  grads: (B64 | null)[];
  beta?: number;
  alpha?: number;
}
const fx = readFixture<{ cases: Case[] }>('torch/matmul_order.json');

function floats(t: B64): Float32Array {
  const bytes = Buffer.from(t.b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * An operand as the fixture made it: contiguous, or the transpose of the last two dims of a contiguous
 * leaf (PyTorch's leaf was that transpose itself; its gradient is the leaf's here, transposed back).
 */
function operand(t: B64, layout: 'N' | 'T'): { leaf: torch.Tensor; x: torch.Tensor } {
  const leaf = torch.tensor(Array.from(floats(t))).reshape(t.shape).requires_grad_(true);
  return { leaf, x: layout === 'T' ? leaf.transpose(-1, -2) : leaf };
}

/** The fixture's upstream gradient: ((i·7919) mod 17 - 8) / 4 at flat index i. */
function upstream(shape: readonly number[]): torch.Tensor {
  const n = shape.reduce((p, s) => p * s, 1);
  return torch.tensor(Array.from({ length: n }, (_, i) => (((i * 7919) % 17) - 8) / 4)).reshape(shape as number[]);
}

function apply(c: Case, x: torch.Tensor[]): torch.Tensor {
  switch (c.op) {
    case 'mm':
      return torch.mm(x[0], x[1]);
    case 'addmm':
      return torch.addmm(x[0], x[1], x[2], { beta: c.beta, alpha: c.alpha });
    case 'matmul':
      return torch.matmul(x[0], x[1]);
    case 'mv':
      return torch.mv(x[0], x[1]);
    case 'dot':
      return torch.dot(x[0], x[1]);
    case 'bmm':
      return torch.bmm(x[0], x[1]);
    case 'linear':
      return torch.nn.functional.linear(x[0], x[1], x[2] ?? null);
    case 'outer':
      return torch.outer(x[0], x[1]);
  }
}

/** The indices where two float32 arrays differ in their bits (NaNs of any payload equal). */
function differing(got: ArrayLike<number>, want: Float32Array): number[] {
  const g = Float32Array.from(got);
  const gi = new Int32Array(g.buffer);
  const wi = new Int32Array(want.buffer);
  const out: number[] = [];
  for (let i = 0; i < want.length; i++) if (gi[i] !== wi[i] && !(Number.isNaN(g[i]) && Number.isNaN(want[i]))) out.push(i);
  return out;
}

function describe(c: Case, k: number): string {
  return `case ${k}: ${c.op} ${c.inputs.map((t, i) => `${c.layouts[i]}[${t.shape}]`).join(' ')}`;
}

test('float32 products and their gradients are PyTorch\'s bit for bit (OpenBLAS 0.3.21 Haswell order)', () => {
  const bad: string[] = [];
  let checked = 0;
  fx.cases.forEach((c, k) => {
    const ops = c.inputs.map((t, i) => operand(t, c.layouts[i]));
    const x = ops.map((o) => o.x);
    const out = apply(c, x);
    assert.deepEqual(out.shape.slice(), c.out.shape, describe(c, k));
    const d = differing(out._data, floats(c.out));
    if (d.length > 0) bad.push(`${describe(c, k)}: ${d.length} of ${d.length === 0 ? 0 : c.out.shape.reduce((p, s) => p * s, 1)} values differ (first at ${d[0]})`);
    const grads = torch.autograd.grad([out], ops.map((o) => o.leaf), [upstream(c.out.shape)], { allow_unused: true });
    c.grads.forEach((want, i) => {
      const leafGrad = grads[i];
      const got = leafGrad === null || leafGrad === undefined || c.layouts[i] === 'N' ? leafGrad : leafGrad.transpose(-1, -2);
      if (want === null || got === null || got === undefined) {
        assert.equal(got ?? null, null, `${describe(c, k)} grad ${i}`);
        return;
      }
      const dg = differing(got.contiguous()._data, floats(want));
      if (dg.length > 0) bad.push(`${describe(c, k)}: grad ${i}: ${dg.length} differ (first at ${dg[0]})`);
    });
    checked++;
  });
  assert.equal(checked, fx.cases.length);
  assert.deepEqual(bad.slice(0, 40), [], `${bad.length} of ${fx.cases.length} cases differ`);
});
