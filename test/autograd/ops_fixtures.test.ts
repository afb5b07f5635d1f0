// Every case of PyTorch's ops fixture: forward output, grad_fn name and every input's gradient,
// in float64 (PyTorch's own dtype for the fixture) and again in float32.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { assertClose } from '../helpers/compare.js';
import { readFixture, type FixtureTensor } from '../helpers/fixtures.js';
import { builderFor, type OpsCaseKwargs } from './op_cases.js';

interface OpsCase {
  name: string;
  expr: string;
  inputs: Array<FixtureTensor | { scalar: number }>;
  kwargs: OpsCaseKwargs;
  output: FixtureTensor;
  grad_fn: string;
  upstream: FixtureTensor;
  grads: Array<FixtureTensor | null>;
}

const fixture = readFixture<{ cases: OpsCase[] }>('torch/ops.json');

/** Elementwise ops agree to ~1e-12; reductions and products to ~1e-10 (summation order), per the fixture README. */
function float64Tolerance(c: OpsCase): number {
  return /sum|mean|matmul|linear|mse|bce|@|chain|reused|tutorial/.test(c.name + c.expr) ? 1e-10 : 1e-12;
}

// View ops' names vary across PyTorch versions; the fixture README accepts any PyTorch-style name there.
const VIEW_NAMES = /^(ReshapeAlias|View|UnsafeView|Squeeze|Unsqueeze|Expand|Mm|Mv|Dot)Backward\d$/;

function runCase(c: OpsCase, dtype: torch.DType, rtol: number, atolScale: number): void {
  const build = builderFor(c.expr);
  assert.ok(build !== null, `no builder for expression '${c.expr}'`);
  const inputs = c.inputs.map((inp) => {
    if ('scalar' in inp) throw new Error('scalar inputs are part of the expression in this fixture');
    const t = torch.tensor(Float64Array.from(inp.data), { dtype }).reshape(inp.shape).detach();
    return t.requires_grad_(true);
  });
  const out = build(inputs, c.kwargs);
  assert.deepEqual(out.shape.slice(), c.output.shape, `${c.name}: output shape`);
  const tol = (ref: number[]): number => atolScale * Math.max(1, ...ref.map(Math.abs));
  assertClose(out.detach().numpy(), c.output.data, rtol, `${c.name}: output`, tol(c.output.data));
  const name = out.grad_fn?.name();
  if (/reshape|matmul/.test(c.name)) assert.match(name ?? '', VIEW_NAMES, `${c.name}: grad_fn ${name}`);
  else assert.equal(name, c.grad_fn, `${c.name}: grad_fn`);
  out.backward(torch.tensor(Float64Array.from(c.upstream.data), { dtype }).reshape(c.upstream.shape));
  c.grads.forEach((g, i) => {
    if (g === null) return;
    const actual = inputs[i].grad;
    assert.ok(actual !== null, `${c.name}: input ${i} got no gradient`);
    assert.deepEqual(actual.shape.slice(), g.shape, `${c.name}: grad ${i} shape`);
    assertClose(actual.numpy(), g.data, rtol, `${c.name}: grad[${i}]`, tol(g.data));
  });
}

describe('PyTorch ops fixture, float64', () => {
  for (const c of fixture.cases) test(c.name, () => runCase(c, 'float64', float64Tolerance(c), 1e-15));
});

describe('PyTorch ops fixture, float32 (1e-4 relative)', () => {
  for (const c of fixture.cases) test(c.name, () => runCase(c, 'float32', 1e-4, 1e-6));
});
