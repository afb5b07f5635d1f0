// nn.Module subclassing, the containers, the activation modules and Dropout against PyTorch 1.13.1
// (test/fixtures/torch/nn_modules.json, made by test/fixtures/python/gen_nn_modules.py).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

const nn = torch.nn;
const F = nn.functional;

type Encoded = number | 'nan' | 'inf' | '-inf' | '-0';
type Kwargs = Record<string, number | boolean | string | number[]>;
type Desc = [kind: string, kwargs: Kwargs, children?: Array<Desc | Leaf> | Record<string, Desc | Leaf | null>, meta?: { as?: string }] | { ref: string };
type Leaf = { param: number[] } | { buffer: number[]; persistent?: boolean };

interface ModelCase {
  name: string;
  desc: Desc;
  repr: string;
  state_dict: string[];
  named_modules: string[];
  named_modules_all: string[];
  named_children: string[];
  named_parameters: string[];
  named_parameters_local: string[];
  named_parameters_prefixed: string[];
  named_buffers: string[];
}
interface ActivationCase {
  op: string;
  kwargs: Kwargs;
  dtype: torch.DType;
  input: Encoded[];
  upstream: Encoded[];
  output: Encoded[];
  grad: Encoded[];
  grad_fn: string;
  /** grad(y, x, upstream, create_graph) and the gradients of (g * v).sum() for x and upstream. */
  double?: { v: Encoded[]; grad_fn: string | null; gx?: Encoded[] | null; gup?: Encoded[]; error?: string };
}
interface ActivationErrorCase {
  op: string;
  kwargs: Kwargs;
  dtype: torch.DType;
  input: number[] | boolean[];
  output?: Encoded[];
  out_dtype?: torch.DType;
  error?: string;
}
interface DropoutCase {
  seed: number;
  inplace?: boolean;
  p: number;
  shape: number[];
  dtype: torch.DType;
  input: Encoded[];
  output: Encoded[];
  output2: Encoded[];
  grad: Encoded[];
  grad_fn: string;
  after: number[];
}
interface LoadCase {
  model: string;
  state: Record<string, number[] | 'int'>;
  strict: boolean;
  result?: { missing_keys: string[]; unexpected_keys: string[]; repr: string };
  error?: string;
}

interface SoftmaxCase {
  op: 'softmax' | 'log_softmax';
  shape: number[];
  dim: number;
  dtype: torch.DType;
  input: Encoded[];
  upstream: Encoded[];
  output: Encoded[];
  grad: Encoded[];
  grad_fn: string;
}
interface ShapeCase {
  op: 'flatten' | 'unflatten';
  shape: number[];
  args: [number, number | number[]];
  out_shape?: number[];
  grad_fn?: string | null;
  same?: boolean;
  error?: { type: string; message: string };
}

const fx = readFixture<{
  models: ModelCase[];
  activations: ActivationCase[];
  activation_errors: ActivationErrorCase[];
  dropout: DropoutCase[];
  load_state_dict: LoadCase[];
  shape_ops: ShapeCase[];
  softmax: SoftmaxCase[];
}>(
  'torch/nn_modules.json',
);

function decode(values: Encoded[]): number[] {
  return values.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v));
}

/** A user's nn.Module subclass named at run time, as the generator's `type(name, (nn.Module,), {})`. */
function customClass(name: string): new () => torch.nn.Module {
  const cls = class extends nn.Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

type Attrs = Record<string, unknown>;

function buildLeaf(m: torch.nn.Module, key: string, c: Desc | Leaf | null, refs: Map<string, torch.nn.Module>): void {
  if (c === null) (m as unknown as Attrs)[key] = null;
  else if ('param' in c) (m as unknown as Attrs)[key] = new nn.Parameter(torch.zeros(c.param));
  else if ('buffer' in c) m.register_buffer(key, torch.zeros(c.buffer), c.persistent ?? true);
  else (m as unknown as Attrs)[key] = build(c, refs);
}

function build(desc: Desc, refs: Map<string, torch.nn.Module>): torch.nn.Module {
  if (!Array.isArray(desc)) return refs.get(desc.ref) as torch.nn.Module;
  const [kind, kw, children, meta] = desc;
  const list = (): torch.nn.Module[] => (children as Desc[]).map((c) => build(c, refs));
  const named = (): Map<string, torch.nn.Module> => new Map(Object.entries(children as Record<string, Desc>).map(([k, c]) => [k, build(c, refs)]));
  let m: torch.nn.Module;
  switch (kind) {
    case 'Sequential':
      m = Array.isArray(children) ? new nn.Sequential(...list()) : new nn.Sequential(named());
      break;
    case 'ModuleList':
      m = new nn.ModuleList(list());
      break;
    case 'ModuleDict':
      m = new nn.ModuleDict(named());
      break;
    case 'Custom':
      m = new (customClass(kw.name as string))();
      for (const [k, c] of Object.entries(children as Record<string, Desc | Leaf | null>)) buildLeaf(m, k, c, refs);
      break;
    case 'Linear':
      m = new nn.Linear(kw.in_features as number, kw.out_features as number, kw.bias === undefined ? {} : { bias: kw.bias as boolean });
      break;
    case 'Unflatten':
      m = new nn.Unflatten(kw.dim as number, kw.unflattened_size as number[]);
      break;
    default: {
      const Ctor = (nn as unknown as Record<string, new (o: Kwargs) => torch.nn.Module>)[kind];
      m = new Ctor(kw);
    }
  }
  if (meta?.as !== undefined) refs.set(meta.as, m);
  return m;
}

const names = <T>(it: Iterable<[string, T]>): string[] => [...it].map(([n]) => n);

describe('models against PyTorch: repr, state_dict order, named_* (with dedup)', () => {
  for (const c of fx.models) {
    test(c.name, () => {
      const m = build(c.desc, new Map());
      assert.equal(String(m), c.repr);
      assert.deepEqual(Object.keys(m.state_dict()), c.state_dict);
      assert.deepEqual(names(m.named_modules()), c.named_modules);
      assert.deepEqual(names(m.named_modules(new Set(), '', false)), c.named_modules_all);
      assert.deepEqual(names(m.named_children()), c.named_children);
      assert.deepEqual(names(m.named_parameters()), c.named_parameters);
      assert.deepEqual(names(m.named_parameters('', false)), c.named_parameters_local);
      assert.deepEqual(names(m.named_parameters('model')), c.named_parameters_prefixed);
      assert.deepEqual(names(m.named_buffers()), c.named_buffers);
    });
  }
});

describe('load_state_dict against PyTorch (errors, strict=false results)', () => {
  for (const [i, c] of fx.load_state_dict.entries()) {
    test(`${i}: ${c.model}${c.strict ? '' : ' strict=false'}`, () => {
      const desc = fx.models.find((mc) => mc.name === c.model)?.desc as Desc;
      const m = build(desc, new Map());
      const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, v === 'int' ? 3 : torch.ones(v)]));
      if (c.error !== undefined) {
        assert.throws(() => m.load_state_dict(state, { strict: c.strict }), (e: Error) => e instanceof torch.RuntimeError && e.message === c.error);
        return;
      }
      const r = m.load_state_dict(state, { strict: c.strict });
      assert.deepEqual(r.missing_keys, c.result?.missing_keys);
      assert.deepEqual(r.unexpected_keys, c.result?.unexpected_keys);
      assert.equal(String(r), c.result?.repr);
      for (const [k, p] of Object.entries(m.state_dict())) if (k in state) assert.ok(p.numpy().every((v) => v === 1), `${k} loaded`);
    });
  }
});

const RUN: Record<string, (x: Tensor, k: Kwargs) => Tensor> = {
  leaky_relu: (x, k) => F.leaky_relu(x, (k.negative_slope as number | undefined) ?? 0.01, k.inplace === true),
  softplus: (x, k) => F.softplus(x, (k.beta as number | undefined) ?? 1, (k.threshold as number | undefined) ?? 20),
  gelu: (x, k) => F.gelu(x, { approximate: k.approximate as 'none' | 'tanh' }),
  elu: (x, k) => F.elu(x, (k.alpha as number | undefined) ?? 1, k.inplace === true),
  silu: (x, k) => F.silu(x, k.inplace === true),
  relu: (x, k) => F.relu(x, k.inplace === true),
  relu6: (x, k) => F.relu6(x, k.inplace === true),
  hardtanh: (x, k) => F.hardtanh(x, (k.min_val as number | undefined) ?? -1, (k.max_val as number | undefined) ?? 1, k.inplace === true),
  hardtanh_: (x) => F.hardtanh_(x),
  selu: (x, k) => F.selu(x, k.inplace === true),
  selu_: (x) => torch.selu_(x),
  celu: (x, k) => F.celu(x, (k.alpha as number | undefined) ?? 1, k.inplace === true),
  celu_: (x, k) => torch.celu_(x, k.alpha as number),
  mish: (x, k) => F.mish(x, k.inplace === true),
  hardsigmoid: (x, k) => F.hardsigmoid(x, k.inplace === true),
  hardswish: (x, k) => F.hardswish(x, k.inplace === true),
  logsigmoid: (x) => F.logsigmoid(x),
  softsign: (x) => F.softsign(x),
  softmin: (x, k) => F.softmin(x, k.dim as number),
  elu_: (x, k) => F.elu_(x, k.alpha as number),
  leaky_relu_: (x, k) => F.leaky_relu_(x, k.negative_slope as number),
};

/** The keyword form of each call (`F.celu(x, { alpha })`), through the keyword layer. */
const ERROR_RUN: Record<string, (x: Tensor, k: Kwargs) => Tensor> = {
  relu6: (x) => F.relu6(x),
  hardtanh: (x, k) => (Object.keys(k).length > 0 ? (F.hardtanh as unknown as (x: Tensor, k: Kwargs) => Tensor)(x, k) : F.hardtanh(x)),
  selu: (x) => F.selu(x),
  celu: (x, k) => (Object.keys(k).length > 0 ? (F.celu as unknown as (x: Tensor, k: Kwargs) => Tensor)(x, k) : F.celu(x)),
  mish: (x) => F.mish(x),
  hardsigmoid: (x) => F.hardsigmoid(x),
  hardswish: (x) => F.hardswish(x),
  logsigmoid: (x) => F.logsigmoid(x),
  softsign: (x) => F.softsign(x),
  hardtanh_: (x) => F.hardtanh_(x),
  selu_: (x) => torch.selu_(x),
  celu_: (x) => torch.celu_(x),
};

/** The distance in units in the last place of `expected` (0 for equal values, NaN with NaN, and the same zero). */
function ulps(actual: number, expected: number, float32: boolean): number {
  if (Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected))) return 0;
  if (!Number.isFinite(actual) || !Number.isFinite(expected) || actual === 0 && expected === 0) return Infinity;
  const bits = float32 ? 23 : 52;
  const tiny = float32 ? 2 ** -126 : 2 ** -1022;
  return Math.abs(actual - expected) / 2 ** (Math.floor(Math.log2(Math.max(Math.abs(expected), tiny))) - bits);
}

/** Bit for bit: every activation reproduces the arithmetic of the kernel PyTorch runs for it. */
function checkExact(actual: ArrayLike<number>, expected: number[], c: ActivationCase, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const u = ulps(actual[i], expected[i], c.dtype === 'float32');
    assert.ok(u === 0, `${what}[${i}] (x = ${c.input[i]}): got ${actual[i]}, expected ${expected[i]} (${u} ulps)`);
  }
}

describe('activations against PyTorch (forward, grad_fn, backward; special values; vector lanes and scalar tail)', () => {
  for (const [i, c] of fx.activations.entries()) {
    test(`${i}: ${c.op} ${JSON.stringify(c.kwargs)} ${c.dtype} [${c.input.length}]`, () => {
      const x = torch.tensor(decode(c.input), { dtype: c.dtype }).requires_grad_(true);
      const y = RUN[c.op](c.kwargs.inplace === true ? x.mul(1) : x, c.kwargs);
      assert.equal(y.grad_fn?.name(), c.grad_fn);
      assert.equal(y.dtype.name, c.dtype);
      checkExact(y.detach().numpy(), decode(c.output), c, 'output');
      const upstream = decode(c.upstream);
      y.backward(torch.tensor(upstream, { dtype: c.dtype }));
      checkExact((x.grad as Tensor).numpy(), decode(c.grad), c, 'grad');
      if (c.double !== undefined) checkDouble(c, c.double);
    });
  }
});

/**
 * Where the second derivative is not bit for bit (README, Differences): mish's composite formula through
 * tanh, log1p, exp and sigmoid, whose double backward PyTorch rounds otherwise near t = tanh(softplus(x)) ≈ 1
 * (relative error), and softsign's through abs and div, where only the sign of a zero differs.
 */
const SECOND_ORDER_TOLERANCE: Record<string, { relative: number; signOfZero: boolean }> = {
  mish: { relative: 1e-4, signOfZero: false },
  softsign: { relative: 0, signOfZero: true },
};

function checkNear(actual: ArrayLike<number>, expected: number[], c: ActivationCase, tol: { relative: number; signOfZero: boolean }): void {
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) || (tol.signOfZero && a === 0 && e === 0)) continue;
    assert.ok(Math.abs(a - e) <= tol.relative * Math.abs(e), `second derivative (x)[${i}] (x = ${c.input[i]}): got ${a}, expected ${e}`);
  }
}

/** The second derivative through create_graph: the backward op's node and its gradients, bit for bit. */
function checkDouble(c: ActivationCase, d: NonNullable<ActivationCase['double']>): void {
  const x = torch.tensor(decode(c.input), { dtype: c.dtype }).requires_grad_(true);
  const up = torch.tensor(decode(c.upstream), { dtype: c.dtype }).requires_grad_(true);
  const y = RUN[c.op](c.kwargs.inplace === true ? x.mul(1) : x, c.kwargs);
  const [g] = torch.autograd.grad(y, [x], [up], { create_graph: true });
  assert.equal(g?.grad_fn?.name() ?? null, d.grad_fn, 'the gradient\'s grad_fn');
  const s = (g as Tensor).mul(torch.tensor(decode(d.v), { dtype: c.dtype })).sum();
  if (d.error !== undefined) {
    assert.throws(() => torch.autograd.grad(s, [x, up], null, { allow_unused: true }), { name: 'RuntimeError', message: d.error });
    return;
  }
  const [gx, gup] = torch.autograd.grad(s, [x, up], null, { allow_unused: true });
  if (d.gx === null || d.gx === undefined) assert.equal(gx, null);
  else if (SECOND_ORDER_TOLERANCE[c.op] !== undefined) checkNear((gx as Tensor).numpy(), decode(d.gx), c, SECOND_ORDER_TOLERANCE[c.op]);
  else checkExact((gx as Tensor).numpy(), decode(d.gx), c, 'second derivative (x)');
  checkExact((gup as Tensor).numpy(), decode(d.gup as Encoded[]), c, 'second derivative (upstream)');
}

describe('activations of integer and bool tensors: PyTorch\'s results and errors', () => {
  for (const [i, c] of fx.activation_errors.entries()) {
    test(`${i}: ${c.op} ${JSON.stringify(c.kwargs)} ${c.dtype}`, () => {
      const x = torch.tensor(c.input as number[], { dtype: c.dtype });
      if (c.error !== undefined) {
        assert.throws(() => ERROR_RUN[c.op](x.clone(), c.kwargs), { name: 'RuntimeError', message: c.error });
        return;
      }
      const y = ERROR_RUN[c.op](x.clone(), c.kwargs);
      assert.equal(y.dtype.name, c.out_dtype);
      assert.deepEqual(Array.from(y.numpy(), Number), decode(c.output as Encoded[]));
    });
  }
});

describe('Dropout draws PyTorch\'s masks from the default generator', () => {
  for (const [i, c] of fx.dropout.entries()) {
    test(`${i}: p=${c.p} ${c.dtype} [${c.shape}] seed ${c.seed}${c.inplace === true ? ' in place' : ''}`, () => {
      const x = torch.tensor(decode(c.input), { dtype: c.dtype }).reshape(c.shape).detach().requires_grad_(true);
      torch.manual_seed(c.seed);
      const inplace = c.inplace === true;
      const y1 = F.dropout(inplace ? x.mul(1) : x, c.p, true, inplace);
      const y2 = new nn.Dropout({ p: c.p, inplace }).forward(inplace ? x.mul(1) : x);
      const after = torch.rand(3, { dtype: 'float64' });
      assert.equal(y1.grad_fn?.name(), c.grad_fn);
      assert.deepEqual(Array.from(y1.detach().numpy()), decode(c.output));
      assert.deepEqual(Array.from(y2.detach().numpy()), decode(c.output2));
      assert.deepEqual(Array.from(after.numpy()), c.after);
      y1.add(y2).backward(torch.ones(c.shape, { dtype: c.dtype }));
      assert.deepEqual(Array.from((x.grad as Tensor).numpy()), decode(c.grad));
    });
  }

  test('a Module subclass without forward fails as PyTorch does', () => {
    const Bare = class extends (nn.Module as unknown as new () => object) {};
    Object.defineProperty(Bare, 'name', { value: 'Bare' });
    const bare = new Bare() as torch.nn.Module;
    assert.throws(() => bare.forward(torch.ones(1)), { name: 'NotImplementedError', message: 'Module [Bare] is missing the required "forward" function' });
  });

  test('eval mode and p = 0 give the input itself; p = 1 zeros through MulBackward0; PyTorch\'s p check', () => {
    const x = torch.randn(4, 3).requires_grad_(true);
    const d = new nn.Dropout({ p: 0.3 });
    assert.equal(d.eval().forward(x), x);
    assert.equal(F.dropout(x, 0), x);
    assert.equal(F.dropout(x, 0.5, false), x);
    const z = F.dropout(x, 1);
    assert.equal(z.grad_fn?.name(), 'MulBackward0');
    assert.ok(z.detach().numpy().every((v) => v === 0));
    assert.throws(() => new nn.Dropout({ p: 1.5 }), { name: 'ValueError', message: 'dropout probability has to be between 0 and 1, but got 1.5' });
    assert.throws(() => F.dropout(x, -0.1), { message: 'dropout probability has to be between 0 and 1, but got -0.1' });
    assert.throws(() => F.dropout(x, 2), { message: 'dropout probability has to be between 0 and 1, but got 2' });
    const g1 = new torch.Generator(7);
    const g2 = new torch.Generator(7);
    const a = F.dropout(torch.ones(20), 0.5, true, false, g1).numpy();
    assert.deepEqual(Array.from(new nn.Dropout({ generator: g2 }).forward(torch.ones(20)).numpy()), Array.from(a));
  });
});

describe('torch.flatten / unflatten against PyTorch (and nn.Flatten / nn.Unflatten)', () => {
  for (const [i, c] of fx.shape_ops.entries()) {
    test(`${i}: ${c.op}([${c.shape}], ${JSON.stringify(c.args)})`, () => {
      const x = torch.arange(c.shape.reduce((a, b) => a * b, 1)).reshape(c.shape).detach().requires_grad_(true);
      const run = (): Tensor => (c.op === 'flatten' ? torch.flatten(x, c.args[0], c.args[1] as number) : torch.unflatten(x, c.args[0], c.args[1] as number[]));
      const module = (): Tensor =>
        c.op === 'flatten' ? new nn.Flatten({ start_dim: c.args[0], end_dim: c.args[1] as number }).forward(x) : new nn.Unflatten(c.args[0], c.args[1] as number[]).forward(x);
      if (c.error !== undefined) {
        const error = c.error;
        for (const f of [run, module]) assert.throws(f, (e: Error) => e.name === (error.type === 'IndexError' ? 'IndexError' : 'RuntimeError') && e.message === error.message);
        return;
      }
      for (const y of [run(), module()]) {
        assert.deepEqual(y.shape.slice(), c.out_shape);
        assert.equal(y === x, c.same);
        assert.equal(y.grad_fn?.name() ?? null, c.grad_fn);
      }
      run().sum().backward();
      assert.deepEqual(x.grad?.shape.slice(), c.shape);
    });
  }
});

// ---- behaviour checked against PyTorch 1.13.1 by hand (texts copied from its errors) ----

class Net extends nn.Module {
  fc1 = new nn.Linear(3, 4);
  declare w: torch.nn.Parameter | null;
  fc2: torch.nn.Linear;
  scale = 2;

  constructor() {
    super();
    this.w = new nn.Parameter(torch.zeros(2));
    this.fc2 = new nn.Linear(4, 1);
    this.register_buffer('running', torch.ones(3));
    this.register_buffer('scratch', torch.ones(1), false);
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x));
  }
}

test('subclassing: class fields and constructor assignments register; plain values stay attributes', () => {
  const n = new Net();
  assert.deepEqual(names(n.named_parameters()), ['w', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  assert.deepEqual(Object.keys(n.state_dict()), ['w', 'running', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  assert.deepEqual(names(n.named_buffers()), ['running', 'scratch']);
  assert.equal(n.scale, 2);
  assert.equal(String(n), 'Net(\n  (fc1): Linear(in_features=3, out_features=4, bias=True)\n  (fc2): Linear(in_features=4, out_features=1, bias=True)\n)');
  assert.deepEqual([...n.forward(torch.ones(5, 3)).shape], [5, 1]);
  assert.equal(n.get_submodule('fc1'), n.fc1);
  assert.equal(n.get_parameter('fc2.bias'), n.fc2.bias);
  assert.equal(n.get_buffer('running'), (n as unknown as Attrs).running);
  assert.throws(() => n.get_submodule('fc3'), { name: 'AttributeError', message: 'Net has no attribute `fc3`' });
  assert.throws(() => n.get_submodule('scale'), { message: '`scale` is not an nn.Module' });
});

test("__setattr__'s rules and errors", () => {
  const n = new Net();
  const attrs = n as unknown as Attrs;
  assert.throws(() => (attrs.w = torch.zeros(2)), { name: 'ArgumentTypeError', message: "cannot assign 'torch.FloatTensor' as parameter 'w' (torch.nn.Parameter or None expected)" });
  assert.throws(() => (attrs.w = torch.zeros(2, { dtype: 'float64' })), { message: "cannot assign 'torch.DoubleTensor' as parameter 'w' (torch.nn.Parameter or None expected)" });
  assert.throws(() => (attrs.w = 3), { message: "cannot assign 'int' as parameter 'w' (torch.nn.Parameter or None expected)" });
  assert.throws(() => (attrs.w = new nn.ReLU()), { message: "cannot assign 'torch.nn.modules.activation.ReLU' as parameter 'w' (torch.nn.Parameter or None expected)" });
  assert.throws(() => (attrs.fc1 = 3), { message: "cannot assign 'int' as child module 'fc1' (torch.nn.Module or None expected)" });
  assert.throws(() => (attrs.running = 3), { message: "cannot assign 'int' as buffer 'running' (torch.Tensor or None expected)" });
  assert.throws(() => n.register_buffer('w', torch.zeros(1)), { name: 'KeyError', message: "attribute 'w' already exists" });
  assert.throws(() => n.register_buffer('b', 3 as unknown as Tensor), { message: "cannot assign 'int' object to buffer 'b' (torch Tensor or None required)" });
  assert.throws(() => n.register_parameter('p', torch.zeros(1) as torch.nn.Parameter), { message: "cannot assign 'torch.FloatTensor' object to parameter 'p' (torch.nn.Parameter or None required)" });
  assert.throws(() => n.add_module('a.b', new nn.ReLU()), { name: 'KeyError', message: 'module name can\'t contain ".", got: a.b' });
  assert.throws(() => n.add_module('', new nn.ReLU()), { message: 'module name can\'t be empty string ""' });
  assert.throws(() => n.add_module('x', 3 as unknown as torch.nn.Module), { message: 'int is not a Module subclass' });
  assert.throws(() => n.train(1 as unknown as boolean), { name: 'ValueError', message: 'training mode is expected to be boolean' });
  n.w = null;
  assert.deepEqual(names(n.named_parameters()), ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
  assert.ok(n._parameters.has('w'));
  attrs.running = torch.zeros(3);
  assert.deepEqual(Array.from(n.state_dict().running.numpy()), [0, 0, 0]);
  // a module over a registered (None) parameter is refused, as in PyTorch; a parameter over a plain attribute registers it
  assert.throws(() => (attrs.w = new nn.Tanh()), { message: "cannot assign 'torch.nn.modules.activation.Tanh' as parameter 'w' (torch.nn.Parameter or None expected)" });
  attrs.scale = new nn.Parameter(torch.ones(1));
  attrs.act = new nn.Tanh();
  assert.deepEqual(names(n.named_children()), ['fc1', 'fc2', 'act']);
  assert.deepEqual(names(n.named_parameters('', false)), ['scale']);
  delete attrs.fc1;
  delete attrs.running;
  assert.deepEqual(names(n.named_children()), ['fc2', 'act']);
  assert.deepEqual(names(n.named_buffers()), ['scratch']);
  assert.equal(attrs.fc1, undefined);
});

test('a subclass re-declaring a field keeps what its parent registered; Linear(bias=False) registers None', () => {
  class MyLinear extends nn.Linear {
    declare weight: torch.nn.Parameter;
  }
  const m = new MyLinear(2, 3);
  assert.deepEqual(names(m.named_parameters()), ['weight', 'bias']);
  const nb = new nn.Linear(2, 3, { bias: false });
  assert.equal(nb.bias, null);
  assert.ok(nb._parameters.has('bias'));
  assert.deepEqual(Object.keys(nb.state_dict()), ['weight']);
});

test('zero_grad zeroes in place by default (1.13), set_to_none drops; requires_grad_, apply, train/eval, to(dtype)', () => {
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(), new nn.Linear(2, 1));
  m.forward(torch.ones(3, 2)).sum().backward();
  const grad = m.at(0).get_parameter('weight').grad as Tensor;
  m.zero_grad();
  assert.equal(m.at(0).get_parameter('weight').grad, grad);
  assert.ok(grad.numpy().every((v) => v === 0));
  m.zero_grad({ set_to_none: true });
  assert.equal(m.at(0).get_parameter('weight').grad, null);
  m.requires_grad_(false);
  assert.ok([...m.parameters()].every((p) => !p.requires_grad));
  const seen: string[] = [];
  m.apply((x) => seen.push(x._get_name()));
  assert.deepEqual(seen, ['Linear', 'Dropout', 'Linear', 'Sequential']);
  m.eval();
  assert.ok([...m.modules()].every((x) => !x.training));
  const w = m.at(2).get_parameter('weight');
  assert.equal(m.double(), m);
  assert.equal(m.at(2).get_parameter('weight'), w);
  assert.equal(w.dtype.name, 'float64');
  assert.throws(() => m.to('int64' as torch.DType), { message: 'nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64' });
});

test('Sequential: at / slice / set / delete / insert / append / extend / pop / length / iteration', () => {
  const [a, b, c] = [new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid()];
  const s = new nn.Sequential(a, b, c);
  assert.equal(s.length, 3);
  assert.equal(s.at(-1), c);
  assert.equal(s[1], b);
  assert.deepEqual([...s], [a, b, c]);
  assert.throws(() => s.at(3), { name: 'IndexError', message: 'index 3 is out of range' });
  assert.equal(String(s.slice(1)), 'Sequential(\n  (1): Tanh()\n  (2): Sigmoid()\n)');
  assert.deepEqual([...s.slice(null, null, -1)], [c, b, a]);
  s.delete(0);
  assert.deepEqual(names(s.named_children()), ['0', '1']);
  assert.equal(s[0], b);
  s.insert(0, a);
  assert.deepEqual([...s], [a, b, c]);
  assert.throws(() => s.insert(5, a), { message: 'Index out of range: 5' });
  s.append(new nn.Identity()).extend([new nn.ELU()]);
  assert.equal(s.length, 5);
  assert.equal(s.pop(-1)._get_name(), 'ELU');
  s.set(3, new nn.SiLU());
  assert.equal(String(s.at(3)), 'SiLU()');
  const named = new nn.Sequential(new Map<string, torch.nn.Module>([['fc', new nn.Linear(2, 2)], ['act', new nn.ReLU()]]));
  assert.deepEqual(names(named.named_modules()), ['', 'fc', 'act']);
  assert.equal(named.concat(s).length, 6);
});

test('ModuleList and ModuleDict', () => {
  const l = new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]);
  l.append(new nn.Sigmoid()).extend([new nn.Identity()]);
  l.insert(1, new nn.ELU());
  assert.deepEqual([...l].map((m) => m._get_name()), ['ReLU', 'ELU', 'Tanh', 'Sigmoid', 'Identity']);
  assert.equal(l.at(-2)._get_name(), 'Sigmoid');
  assert.deepEqual([...l.slice(1, 3)].map((m) => m._get_name()), ['ELU', 'Tanh']);
  assert.deepEqual(names(l.slice(1, 3).named_children()), ['0', '1']);
  l.delete({ start: 0, stop: 2 });
  assert.deepEqual(names(l.named_children()), ['0', '1', '2']);
  assert.throws(() => l.forward(), { name: 'NotImplementedError', message: 'Module [ModuleList] is missing the required "forward" function' });
  const d = new nn.ModuleDict({ act: new nn.ReLU(), fc: new nn.Linear(1, 1) });
  d.set('out', new nn.Sigmoid());
  assert.deepEqual([...d], ['act', 'fc', 'out']);
  assert.equal(d.has('fc'), true);
  assert.equal(d.pop('fc')._get_name(), 'Linear');
  assert.deepEqual([...d.keys()], ['act', 'out']);
  assert.throws(() => d.get('fc'), { name: 'KeyError' });
  assert.throws(() => d.set('keys', new nn.ReLU()), { message: "attribute 'keys' already exists" });
  d.update([['z', new nn.Tanh()]]);
  assert.equal(d.length, 3);
  d.clear();
  assert.equal(String(d), 'ModuleDict()');
});

test('activation modules forward the functional ops; in place where asked', () => {
  const x = torch.tensor([-1, 0.5, 2]).requires_grad_(true);
  const y = x.mul(1);
  const out = new nn.LeakyReLU({ negative_slope: 0.1, inplace: true }).forward(y);
  assert.equal(out, y);
  assert.equal(y.grad_fn?.name(), 'LeakyReluBackward1');
  assert.equal(new nn.ELU({ inplace: true }).forward(x.mul(1)).grad_fn?.name(), 'EluBackward1');
  assert.equal(new nn.ReLU({ inplace: true }).forward(x.mul(1)).grad_fn?.name(), 'ReluBackward0');
  assert.throws(() => new nn.LeakyReLU({ inplace: true }).forward(x), { message: 'a leaf Variable that requires grad is being used in an in-place operation.' });
  assert.throws(() => new nn.GELU({ approximate: 'foo' as 'none' }).forward(x), { message: 'approximate argument must be either none or tanh.' });
  const z = x.mul(1);
  F.leaky_relu(z, -0.1, true);
  assert.throws(() => z.sum().backward(), /In-place leakyReLu backward calculation is triggered with a negative slope which is not supported/);
});

/**
 * log_softmax in float64 along a dim other than the last: the scalar tail's log is glibc's in PyTorch and
 * Math.log here, so a column's results may be a few ulps away (11 of its 2,480 fixture values).
 */
function softmaxUlps(c: SoftmaxCase): number {
  const last = c.dim === -1 || c.dim === Math.max(c.shape.length, 1) - 1;
  return c.op === 'log_softmax' && c.dtype === 'float64' && !last ? 4 : 0;
}

describe('softmax and log_softmax against PyTorch bit for bit (last dim: the row kernel; other dims: vector lanes and scalar tail)', () => {
  for (const [i, c] of fx.softmax.entries()) {
    test(`${i}: ${c.op}([${c.shape}], dim=${c.dim}) ${c.dtype}`, () => {
      const x = torch.tensor(decode(c.input), { dtype: c.dtype }).reshape(c.shape).detach().requires_grad_(true);
      const y = c.op === 'softmax' ? torch.softmax(x, c.dim) : torch.log_softmax(x, c.dim);
      assert.equal(y.grad_fn?.name(), c.grad_fn);
      const check = (actual: ArrayLike<number>, expected: number[], what: string): void =>
        expected.forEach((e, j) => assert.ok(ulps(actual[j], e, c.dtype === 'float32') <= softmaxUlps(c), `${what}[${j}]: got ${actual[j]}, expected ${e}`));
      check(y.detach().numpy(), decode(c.output), 'output');
      y.backward(torch.tensor(decode(c.upstream), { dtype: c.dtype }).reshape(c.shape));
      check((x.grad as Tensor).numpy(), decode(c.grad), 'grad');
    });
  }

  test("F.softmax without dim: PyTorch's implicit choice and warning; x.softmax(dim); nn.Softmax", () => {
    const seen: string[] = [];
    const previous = torch.setWarningHandler((m) => seen.push(m));
    torch.resetWarnings();
    try {
      const x = torch.randn(2, 3);
      assert.deepEqual(Array.from(F.softmax(x).numpy()), Array.from(torch.softmax(x, 1).numpy()));
      assert.deepEqual(Array.from(new nn.Softmax().forward(torch.randn(2, 2, 2)).sum(0).numpy()).map((v) => Math.round(v * 1e6) / 1e6), [1, 1, 1, 1]);
      assert.deepEqual(Array.from(x.softmax(0).numpy()), Array.from(torch.softmax(x, 0).numpy()));
    } finally {
      torch.setWarningHandler(previous);
    }
    assert.deepEqual(seen, ['Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as an argument.']);
    assert.equal(String(new nn.LogSoftmax({ dim: 1 })), 'LogSoftmax(dim=1)');
    assert.throws(() => torch.softmax(torch.ones(2, 3), 2), { name: 'IndexError', message: 'Dimension out of range (expected to be in range of [-2, 1], but got 2)' });
  });
});
