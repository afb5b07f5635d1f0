// Evaluation with the engine: PyTorch's values, grad_fn names and gradients (gen_expr.py), and each error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import type { DType, Tensor } from '../../src/index.js';
import { CompiledExpression, evaluate, FUNCTION_NAMES } from '../../src/expr/evaluate.js';
import { ExpressionError } from '../../src/expr/errors.js';
import { parseExpression, type Literal } from '../../src/expr/parser.js';
import { readFixture } from '../helpers/fixtures.js';

interface ParseCase {
  source: string;
  value?: number;
}
interface GradCase {
  source: string;
  at: Record<string, Literal>;
  dtype: DType;
  value: string;
  reduction?: 'sum' | 'mean';
  reduced?: string;
  grad_output?: Literal;
  grads: Record<string, string>;
}
const fixture = readFixture<{ parse: ParseCase[]; grad: GradCase[] }>('torch/expr.json');

function variables(at: Record<string, Literal>, dtype: DType): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(at).map(([n, v]) => [n, torch.tensor(v, { dtype, requires_grad: true })]));
}

function run(source: string, vars: Record<string, Tensor> = {}, dtype: DType = 'float32'): Tensor | number {
  return evaluate(parseExpression(source), vars, { dtype });
}

test('constant expressions equal Python’s own eval of the same text', () => {
  const constants = fixture.parse.filter((c) => c.value !== undefined);
  assert.ok(constants.length >= 15);
  for (const c of constants) {
    const actual = run(c.source) as number;
    if (c.source.includes('**')) {
      // NOTE: V8's Math.pow is not correctly rounded (0.5 ** -0.5 is 1.414213562373095; glibc's pow gives
      // 1.4142135623730951), so powers are allowed one unit in the last place.
      assert.ok(Math.abs(actual - (c.value as number)) <= ulp(c.value as number), `${c.source}: ${actual} vs ${c.value}`);
    } else {
      assert.equal(actual, c.value, c.source);
    }
  }
});

/** The spacing of doubles at x. */
function ulp(x: number): number {
  const bits = new Float64Array([Math.abs(x)]);
  const next = new BigInt64Array(bits.buffer);
  next[0] += 1n;
  return bits[0] - Math.abs(x);
}

test('values, grad_fn names and gradients equal PyTorch’s for every fixture expression', () => {
  assert.ok(fixture.grad.length >= 20);
  for (const c of fixture.grad) {
    const vars = variables(c.at, c.dtype);
    const value = run(c.source, vars, c.dtype) as Tensor;
    assert.equal(String(value), c.value, c.source);
    let root = value;
    if (c.reduction !== undefined) {
      root = c.reduction === 'sum' ? value.sum() : value.mean();
      assert.equal(String(root), c.reduced, c.source);
    }
    root.backward(c.grad_output === undefined ? undefined : torch.tensor(c.grad_output, { dtype: c.dtype }));
    for (const [name, expected] of Object.entries(c.grads)) assert.equal(String(vars[name].grad), expected, `${c.source}: ${name}`);
  }
});

test('a domain error is NaN, as in PyTorch, not an exception', () => {
  const x = torch.tensor(-1, { requires_grad: true });
  assert.ok(Number.isNaN((run('log(x)', { x }) as Tensor).item()));
  assert.ok(Number.isNaN((run('sqrt(-1)') as Tensor).item()), 'a function of a constant is a tensor');
  assert.equal(run('1/0'), Infinity);
});

test('functions accept torch. prefix, method spelling and constants alike', () => {
  const x = torch.tensor([1, 2], { requires_grad: true });
  const a = run('torch.exp(x).sum()', { x }) as Tensor;
  const b = run('x.exp().sum()', { x }) as Tensor;
  const c = run('sum(exp(x))', { x }) as Tensor;
  assert.equal(a.item(), b.item());
  assert.equal(a.item(), c.item());
  assert.equal(a.grad_fn?.name(), 'SumBackward0');
  assert.equal((run('exp(0)') as Tensor).item(), 1);
  assert.equal(String(run('+x', { x })), String(x), 'unary plus returns the tensor itself');
  assert.deepEqual(FUNCTION_NAMES, [
    'abs', 'acos', 'add', 'asin', 'atan', 'ceil', 'cos', 'cosh', 'div', 'erf', 'erfc', 'erfinv', 'exp', 'exp2', 'expm1', 'floor', 'frac', 'log', 'log10',
    'log1p', 'log2', 'mean', 'mul', 'neg', 'pow', 'reciprocal', 'relu', 'round', 'rsqrt', 'sigmoid', 'sign', 'sin', 'sinh', 'sqrt', 'square',
    'sub', 'sum', 'tan', 'tanh', 'trunc',
  ]);
});

function errorOf(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ExpressionError, String(err));
    return err;
  }
  assert.fail('expected an ExpressionError');
}

test('unknown names and wrong argument counts are named, with a caret', () => {
  const x = torch.tensor(1, { requires_grad: true });
  const y = torch.tensor(2, { requires_grad: true });
  const unknown = errorOf(() => run('x + z * y', { x, y }));
  assert.equal(unknown.detail, "unknown variable 'z' (given: x, y)");
  assert.equal(unknown.message, "unknown variable 'z' (given: x, y)\n  x + z * y\n      ^");
  assert.equal(errorOf(() => run('x')).detail, "unknown variable 'x' (given: none)");
  assert.match(errorOf(() => run('foo(x)', { x })).detail, /^unknown function 'foo' \(known: abs, acos, add, .*trunc\)$/);
  assert.match(errorOf(() => run('x.item()', { x })).detail, /^unknown method 'item' \(known: /);
  assert.equal(errorOf(() => run('x.item()', { x })).position, 2);
  assert.equal(errorOf(() => run('exp(x, x)', { x })).detail, 'exp() takes 1 positional argument but 2 were given');
  assert.equal(errorOf(() => run('x.exp(2)', { x })).detail, 'exp() takes 0 positional arguments but 1 was given');
  assert.equal(errorOf(() => run('x.sum(0, 1)', { x })).detail, 'sum() takes from 0 to 1 positional arguments but 2 were given');
  assert.equal(errorOf(() => run('pow(x)', { x })).detail, 'pow() takes 2 positional arguments but 1 was given');
});

test('engine errors keep PyTorch’s words and gain the column of the operator', () => {
  const a = torch.tensor([1, 2], { requires_grad: true });
  const b = torch.tensor([1, 2, 3], { requires_grad: true });
  const err = errorOf(() => run('a * 2 + b', { a, b }));
  // PyTorch 1.13: RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0
  assert.equal(err.detail, 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0 (at column 7)');
  assert.equal(err.position, 6);
  assert.match(errorOf(() => run('a.sum(0.5)', { a })).detail, /^sum\(\): argument 'dim' must be an int, got 0\.5 \(at column 3\)$/);
});

test('a compiled expression evaluates again with new values; long chains need no deep recursion', () => {
  const compiled = new CompiledExpression(parseExpression('w**2 + 20'));
  assert.equal((compiled.evaluate({ w: torch.tensor(10) }) as Tensor).item(), 120);
  assert.equal((compiled.evaluate({ w: torch.tensor(3) }) as Tensor).item(), 29);
  const x = torch.tensor(1, { requires_grad: true });
  const chain = Array.from({ length: 20000 }, () => 'x').join('+');
  const out = run(chain, { x }) as Tensor;
  assert.equal(out.item(), 20000);
  out.backward();
  assert.equal(x.grad?.item(), 20000);
});
