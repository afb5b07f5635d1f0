// The op registry against PyTorch: every differentiable op must have fixture samples, and every unary
// elementwise op matches PyTorch 1.13 through each of its spellings (torch.f, x.f(), x.f_(), the
// expression language) on ordinary and special values (0, -0, ±inf, nan, tiny, huge).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import * as generated from '../../src/autograd/ops/functions.generated.js';
import { KEYWORDS } from '../../src/autograd/ops/keywords.generated.js';
import { differentiableOps, registry, torchFunctionNames, type OpName } from '../../src/autograd/ops/registry.js';
import { unaryOps } from '../../src/autograd/ops/unary.js';
import { CompiledExpression } from '../../src/expr/evaluate.js';
import { parseExpression } from '../../src/expr/parser.js';
import type { Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/compare.js';
import { readFixture, type FixtureTensor } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf' | '-0';
interface UnaryCase {
  op: string;
  dtype: 'float32' | 'float64';
  input: Encoded[];
  output: Encoded[];
  grad_fn: string;
  upstream: Encoded[];
  grad: Encoded[];
}
interface MiscCase {
  op: string;
  expr: string;
  input: FixtureTensor;
  output: FixtureTensor;
  grad_fn: string;
  upstream: FixtureTensor;
  grad: FixtureTensor;
}

const unary = readFixture<{ cases: UnaryCase[]; misc: MiscCase[] }>('torch/unary.json');
const ops = readFixture<{ cases: Array<{ name: string }> }>('torch/ops.json');
const losses = readFixture<{ cases: Array<{ op: string }> }>('torch/losses.json');
const math = readFixture<{ cases: Array<{ op: string }> }>('torch/math.json');
const shapes = readFixture<{ cases: Array<{ op: string }> }>('torch/shapes.json');
const sorting = readFixture<{ cases: Array<{ op: string }> }>('torch/sorting.json');
const indexing = readFixture<{ get: unknown[]; set: unknown[]; cases: Array<{ op: string }> }>('torch/indexing.json');
const divModes = readFixture<{ cases: Array<{ mode: string | null }> }>('torch/div_modes.json');
const breadth = readFixture<{ cases: Array<{ op: string }> }>('torch/breadth.json');
const similarity = readFixture<{ cases: Array<{ op: string }> }>('torch/similarity.json');
const moments = readFixture<{ cases: Array<{ op: string }> }>('torch/moments.json');
const nnModules = readFixture<{ activations: Array<{ op: string }>; shape_ops: Array<{ op: string }>; softmax: Array<{ op: string }> }>('torch/nn_modules.json');

function decode(values: Encoded[]): number[] {
  return values.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v));
}

// ops.json names its cases by the op first ("add [3]x[3]"); a few by PyTorch's other spelling.
const OPS_JSON_ALIASES: Record<string, OpName> = { bce_with_logits: 'binary_cross_entropy_with_logits', rdiv: 'div', rpow: 'pow' };

function fixtureSamples(): Map<string, number> {
  const count = new Map<string, number>();
  const bump = (name: string): void => {
    count.set(name, (count.get(name) ?? 0) + 1);
  };
  for (const c of ops.cases) {
    const first = c.name.split(' ')[0];
    bump(OPS_JSON_ALIASES[first] ?? first);
  }
  for (const c of unary.cases) bump(c.op);
  for (const c of unary.misc) bump(c.op);
  for (const c of losses.cases) bump(c.op);
  for (const c of math.cases) bump(c.op);
  for (const c of shapes.cases) bump(c.op);
  for (const c of sorting.cases) bump(c.op);
  for (const c of breadth.cases) bump(c.op);
  for (const c of similarity.cases) bump(c.op);
  for (const c of moments.cases) bump(c.op);
  for (const c of indexing.cases) bump(c.op);
  for (const _ of indexing.get) bump('index');
  for (const _ of indexing.set) bump('setitem');
  for (const c of [...nnModules.activations, ...nnModules.shape_ops, ...nnModules.softmax]) bump(c.op);
  for (const c of divModes.cases) bump(c.mode === 'floor_divide' || c.mode === 'true_divide' || c.mode === 'divide' ? c.mode : 'div');
  return count;
}

test('every differentiable op of the registry has PyTorch fixture samples', () => {
  const samples = fixtureSamples();
  const missing = differentiableOps.filter((name) => (samples.get(name) ?? 0) === 0);
  assert.deepEqual(missing, [], 'ops without fixture cases in torch/ops.json, torch/unary.json, torch/losses.json, torch/math.json, torch/shapes.json, torch/sorting.json, torch/indexing.json, torch/nn_modules.json, torch/div_modes.json or torch/breadth.json');
});

test('functions.generated.ts and keywords.generated.ts cover exactly the registry (run scripts/gen-ops.mjs)', () => {
  assert.deepEqual(Object.keys(generated).sort(), [...torchFunctionNames].sort());
  assert.deepEqual(Object.keys(KEYWORDS).sort(), Object.keys(registry).sort());
  for (const name of torchFunctionNames) {
    const f = (generated as Record<string, unknown>)[name];
    // the registry's function itself, or it behind the keyword check
    if (KEYWORDS[name].fn === null) assert.equal(f, registry[name].fn, name);
    else assert.equal(typeof f, 'function', name);
  }
});

function leaf(values: number[], dtype: torch.DType): Tensor {
  return torch.tensor(values, { dtype }).requires_grad_(true);
}

/** Output values: NaN where NaN, infinities equal, zeros with their sign, else within rtol. */
function checkValues(actual: ArrayLike<number>, expected: number[], rtol: number, what: string): void {
  assertClose(actual, expected, rtol, what, 0);
  expected.forEach((e, i) => {
    if (e === 0) assert.ok(Object.is(actual[i], e), `${what}[${i}]: expected ${Object.is(e, -0) ? '-0' : '0'}, got ${Object.is(actual[i], -0) ? '-0' : actual[i]}`);
  });
}

const names = Object.keys(unaryOps).concat('square', 'round');

describe('unary ops against PyTorch 1.13', () => {
  for (const c of unary.cases) {
    if (!names.includes(c.op)) continue;
    const rtol = c.dtype === 'float64' ? 1e-13 : 2e-6;
    const xs = decode(c.input);
    const upstream = torch.tensor(decode(c.upstream), { dtype: c.dtype });
    const entry = registry[c.op as OpName];
    const spellings: Array<[string, (x: Tensor) => Tensor]> = [
      [`torch.${c.op}`, entry.fn as (x: Tensor) => Tensor],
      [`x.${c.op}()`, (x) => (x as unknown as Record<string, () => Tensor>)[c.op]()],
      // in place on a non-leaf: the node is the op's own, as in PyTorch
      [`x.clone().${c.op}_()`, (x) => (x.clone() as unknown as Record<string, () => Tensor>)[`${c.op}_`]()],
      [`expression ${c.op}(x)`, (x) => new CompiledExpression(parseExpression(`${c.op}(x)`)).evaluate({ x }) as Tensor],
    ];
    for (const [how, run] of spellings) {
      test(`${c.dtype} ${how}`, () => {
        const x = leaf(xs, c.dtype);
        const out = run(x);
        assert.equal(out.dtype.name, c.dtype);
        assert.equal(out.grad_fn?.name(), c.grad_fn);
        checkValues(out.detach().numpy(), decode(c.output), rtol, `${c.op} output`);
        out.backward(upstream);
        // float32: PyTorch rounds each step of a formula, so a gradient may underflow to 0 where ours is subnormal
        assertClose((x.grad as Tensor).numpy(), decode(c.grad), rtol, `${c.op} grad`, c.dtype === 'float32' ? 1.2e-38 : 0);
      });
    }
  }
});

const MISC_BUILDERS: Record<string, (x: Tensor) => Tensor> = {
  'x.min()': (x) => x.min(),
  'x.max()': (x) => x.max(),
  'x.norm()': (x) => x.norm(),
  'x.unsqueeze(-1)': (x) => x.unsqueeze(-1),
  'x.squeeze(1)': (x) => x.squeeze(1),
  'x.view(-1)': (x) => x.view(-1),
  'x.clone()': (x) => x.clone(),
  'x.to(torch.float32)': (x) => x.to('float32'),
};

describe('other registry ops against PyTorch 1.13', () => {
  for (const c of unary.misc) {
    test(c.expr, () => {
      const build = MISC_BUILDERS[c.expr];
      assert.ok(build !== undefined, `no builder for ${c.expr}`);
      const x = torch.tensor(c.input.data, { dtype: 'float64' }).reshape(c.input.shape).requires_grad_(true);
      const out = build(x);
      assert.equal(out.grad_fn?.name(), c.grad_fn);
      assert.deepEqual(out.shape.slice(), c.output.shape);
      const rtol = out.dtype === torch.float32 ? 1e-6 : 1e-13;
      assertClose(out.detach().double().numpy(), c.output.data, rtol, 'output');
      out.backward(torch.tensor(c.upstream.data, { dtype: out.dtype }).reshape(c.upstream.shape));
      assertClose((x.grad as Tensor).numpy(), c.grad.data, rtol, 'grad');
    });
  }
});
