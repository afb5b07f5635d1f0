// Indexing against PyTorch 1.13 (test/fixtures/torch/gen_indexing.py): x[idx] as x.index(...idx),
// x[idx] = v as x.setitem(...idx, v), in-place ops through views and on their bases, and the ops
// select/narrow/index_select/masked_fill/masked_select/take/where/nonzero/index_put: values bit for bit,
// shapes, dtypes, grad_fn names, printing, version counters, gradients (create_graph, double backward)
// and error texts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { IndexItem, Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { decodeNum, encodeNum } from '../autograd/programs.js';

type Num = number | string;
interface Snap {
  v: Num[];
  s: number[];
  d: string;
  f: string | null;
  p: string;
}
interface Grads {
  upstream?: Num[][];
  grads?: Array<{ v: Num[]; s: number[]; f: string | null; p: string } | null>;
  w?: Array<Num[] | null>;
  double?: Array<Num[] | null>;
  warnings?: string[];
  error?: [string, string];
}
interface Input {
  shape: number[];
  data: Num[];
}
interface GetCase extends Grads {
  dtype: torch.DType;
  input: Input;
  idx: unknown[];
  out?: Snap;
  view?: boolean;
}
interface SetCase extends Grads {
  dtype: torch.DType;
  requires_grad?: boolean;
  input: Input;
  idx: unknown[];
  value: number | (Input & { dtype: torch.DType });
  out?: Snap;
  version?: number;
}
interface ViewCase extends Grads {
  dtype: torch.DType;
  requires_grad: boolean;
  input: Input;
  idx: unknown[];
  op: string;
  on_base: boolean;
  out?: Snap[];
  version?: number[];
}
interface OpCase extends Grads {
  op: string;
  call: string;
  args: unknown[];
  dtype: torch.DType;
  inputs: Input[];
  multi?: boolean;
  outputs?: Snap[];
}

const fixture = readFixture<{ seed_000: string[]; views_in_step: string[]; get: GetCase[]; set: SetCase[]; view: ViewCase[]; cases: OpCase[] }>('torch/indexing.json');

/**
 * Known differences: Python treats a list of lists as a tuple of indices (x[[0], [2]] is x[[0], [2]] of
 * two dims); here an array is always one index tensor.
 */
const KNOWN = new Set(['[3,2] [{"list":[[0],[2]]}]']);

/**
 * PyTorch 1.13's masked_fill with a float mask reads each element's first byte as a bool (1.0 has a zero
 * low byte, so nothing is filled); here a float mask is set where it is nonzero.
 */
const KNOWN_OPS = new Set([
  'float32 m.masked_fill [{"t":0},{"float":[1,0]},1]',
  'float64 m.masked_fill [{"t":0},{"float":[1,0]},1]',
  'int64 m.masked_fill [{"t":0},{"float":[1,0]},1]',
  // JavaScript cannot tell 0.0 from 0: where(cond, x_int64, 0.0) is float32 in PyTorch, int64 here (README)
  'int64 f.where [{"bool":[true,false]},{"t":0},0]',
]);

function leaf(x: Input, dtype: torch.DType, grad = true): Tensor {
  const t = torch.tensor(x.data.map(decodeNum), { dtype }).reshape(x.shape);
  return grad && (dtype === 'float32' || dtype === 'float64') ? t.requires_grad_(true) : t;
}

const DTYPES: Record<string, torch.DType> = { long: 'int64', int: 'int32', bool: 'bool', u8: 'uint8', float: 'float32' };

function item(v: unknown): IndexItem {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('s' in o) {
      const [a, b, c] = o.s as Array<number | null>;
      return new torch.Slice(a, b, c);
    }
    if ('list' in o) return o.list as IndexItem;
    if ('t0' in o) return torch.tensor(o.t0 as number, { dtype: 'int64' });
    const [k, data] = Object.entries(o)[0];
    return torch.tensor(data as number[], { dtype: DTYPES[k] });
  }
  return v as IndexItem;
}

function vals(t: Tensor): Num[] {
  return Array.from(t.detach().numpy(), encodeNum);
}

function errorOf(e: unknown): [string, string] {
  if (!(e instanceof Error)) return ['unknown', String(e)];
  return [e.name === 'ArgumentTypeError' ? 'TypeError' : e.name, e.message];
}

function withWarnings<T>(fn: () => T): [T, string[]] {
  const seen: string[] = [];
  torch.resetWarnings();
  const previous = torch.setWarningHandler((m) => seen.push(m));
  try {
    return [fn(), seen];
  } finally {
    torch.setWarningHandler(previous);
  }
}

function checkSnap(o: Tensor, e: Snap, what: string): void {
  assert.deepEqual(o.shape.slice(), e.s, `${what} shape`);
  assert.equal(o.dtype.name, e.d, `${what} dtype`);
  assert.deepEqual(vals(o), e.v, `${what} values`);
  assert.equal(o.grad_fn?.name().replace('torch::autograd::', '') ?? null, e.f, `${what} grad_fn`);
  assert.equal(String(o), e.p, `${what} printed`);
}

/** The gradients of sum(out_k * u_k) with create_graph, their grad_fns, and the double backward. */
function checkGrads(c: Grads, outs: Tensor[], inputs: Tensor[]): void {
  if (c.upstream === undefined) return;
  const ups = outs.map((o, k) => torch.tensor((c.upstream as Num[][])[k].map(decodeNum), { dtype: o.dtype }).reshape(o.shape).requires_grad_(true));
  let loss: Tensor | null = null;
  outs.forEach((o, k) => {
    if (!o.requires_grad) return;
    const term = o.mul(ups[k]).sum();
    loss = loss === null ? term : loss.add(term);
  });
  const gs = torch.autograd.grad(loss as unknown as Tensor, inputs, null, { create_graph: true, allow_unused: true });
  const grads = c.grads ?? [];
  gs.forEach((g, i) => {
    const e = grads[i];
    if (e === null || g === null) {
      assert.equal(g === null ? null : vals(g), e === null ? null : e.v, `grad ${i}`);
      return;
    }
    assert.deepEqual(g.shape.slice(), e.s, `grad ${i} shape`);
    assert.deepEqual(vals(g), e.v, `grad ${i} values`);
    assert.equal(g.grad_fn?.name().replace('torch::autograd::', '') ?? null, e.f, `grad ${i} grad_fn (create_graph)`);
    assert.equal(String(g.detach()), e.p, `grad ${i} printed`);
  });
  if (c.double === undefined) return;
  let second: Tensor | null = null;
  gs.forEach((g, i) => {
    const w = (c.w as Array<Num[] | null>)[i];
    if (g === null || w === null || !g.requires_grad) return;
    const term = g.mul(torch.tensor(w.map(decodeNum), { dtype: g.dtype }).reshape(g.shape)).sum();
    second = second === null ? term : second.add(term);
  });
  const hs = torch.autograd.grad(second as unknown as Tensor, ups, null, { allow_unused: true });
  hs.forEach((h, k) => assert.deepEqual(h === null ? null : vals(h), (c.double as Array<Num[] | null>)[k], `double backward ${k}`));
}

function outcome<T>(c: Grads, fn: () => T): T | undefined {
  let out: T;
  let warnings: string[];
  try {
    [out, warnings] = withWarnings(fn);
  } catch (e) {
    assert.deepEqual(errorOf(e), c.error, 'error');
    return undefined;
  }
  assert.equal(c.error, undefined, `expected PyTorch's error ${JSON.stringify(c.error)}`);
  const expected = (c.warnings ?? []).map((w) => w.split(' (Triggered internally')[0]);
  if (expected.length > 0) assert.deepEqual(warnings, expected, 'warnings');
  return out;
}

const label = (c: { input: Input; idx: unknown[] }): string => `${JSON.stringify(c.input.shape)} ${JSON.stringify(c.idx)}`;

describe('x[idx] as x.index(...idx)', () => {
  for (const c of fixture.get) {
    const name = `${c.dtype} ${label(c)}`;
    test(name, { skip: KNOWN.has(label(c)) }, () => {
      const x = leaf(c.input, c.dtype);
      const out = outcome(c, () => x.index(...c.idx.map(item)));
      if (out === undefined) return;
      checkSnap(out, c.out as Snap, 'out');
      if (x.requires_grad) checkGrads(c, [out], [x]);
    });
  }
});

function valueOf(c: SetCase, x: Tensor): [Tensor | number, Tensor | null] {
  if (typeof c.value === 'number' || typeof c.value === 'string') return [decodeNum(c.value), null];
  const v = torch.tensor(c.value.data.map(decodeNum), { dtype: c.value.dtype }).reshape(c.value.shape);
  if (x.requires_grad && (c.value.dtype === 'float32' || c.value.dtype === 'float64')) return [v.requires_grad_(true), v];
  return [v, null];
}

describe('x[idx] = v as x.setitem(...idx, v)', () => {
  for (const c of fixture.set) {
    test(`${c.dtype} grad=${c.requires_grad} ${label(c)} = ${JSON.stringify(typeof c.value === 'object' ? c.value.shape : c.value)}`, () => {
      const x = leaf(c.input, c.dtype, c.requires_grad ?? false);
      const [value, vleaf] = valueOf(c, x);
      const y = x.requires_grad ? x.mul(1) : x.clone();
      const done = outcome(c, () => y.setitem(...c.idx.map(item), value));
      if (done === undefined) return;
      checkSnap(y, c.out as Snap, 'result');
      assert.equal(y._version.value, c.version, 'version');
      const inputs = x.requires_grad ? [x, ...(vleaf === null ? [] : [vleaf])] : [];
      if (inputs.length > 0) checkGrads(c, [y], inputs);
    });
  }
});

function inplace(t: Tensor, op: string): void {
  if (op === 'add_') t.add_(1);
  else if (op === 'mul_') t.mul_(2);
  else if (op === 'zero_') t.zero_();
  else if (op === 'fill_') t.fill_(5);
  else if (op === 'sqrt_') t.sqrt_();
  else if (op === 'setitem0') t.setitem(0, 7);
}

describe('in-place ops through views and on their bases', () => {
  for (const c of fixture.view) {
    test(`${c.dtype} grad=${c.requires_grad} ${label(c)} ${c.on_base ? 'base' : 'view'}.${c.op}`, () => {
      const x = leaf(c.input, c.dtype, c.requires_grad);
      const y = x.requires_grad ? x.mul(1) : x.clone();
      const res = outcome(c, () => {
        const v = y.index(...c.idx.map(item));
        inplace(c.on_base ? y : v, c.op);
        return v;
      });
      if (res === undefined) return;
      const [ey, ev] = c.out as Snap[];
      checkSnap(y, ey, 'base');
      checkSnap(res, ev, 'view');
      assert.deepEqual([y._version.value, res._version.value], c.version, 'versions');
      if (x.requires_grad) checkGrads(c, [y, res], [x]);
    });
  }
});

function resolve(v: unknown, inputs: Tensor[]): unknown {
  if (Array.isArray(v)) return v.map((e) => resolve(e, inputs));
  if (v !== null && typeof v === 'object' && 't' in v) return inputs[(v as { t: number }).t];
  if (v !== null && typeof v === 'object' && 'kw' in v) return (v as { kw: unknown }).kw;
  if (v !== null && typeof v === 'object') return item(v);
  return v;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- calls by name, as the fixture spells them */
function call(name: string, args: unknown[], inputs: Tensor[]): unknown {
  const [kind, fname] = name.split('.');
  const pos = args.map((a) => resolve(a, inputs)) as any[];
  if (kind === 'm') return (pos[0] as any)[fname](...pos.slice(1));
  return (torch as any)[fname](...pos);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe('select, narrow, index_select, masked_fill, masked_select, take, where, nonzero, index_put', () => {
  for (const c of fixture.cases) {
    const name = `${c.call} ${JSON.stringify(c.args)}`;
    test(`${c.dtype} ${name}`, { skip: KNOWN_OPS.has(`${c.dtype} ${name}`) }, () => {
      const nograd = c.op === 'nonzero' || (c.op === 'where' && c.args.length === 1);
      const inputs = c.inputs.map((x) => leaf(x, c.dtype, !nograd));
      const out = outcome(c, () => call(c.call, c.args, inputs));
      if (out === undefined) return;
      const outs = Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
      assert.equal(Array.isArray(out), c.multi, 'tuple result');
      (c.outputs as Snap[]).forEach((e, k) => checkSnap(outs[k], e, `output ${k}`));
      if (!nograd) checkGrads(c, outs, inputs);
    });
  }
});

test("seed 000's t.data[0] = 100, the tutorials' x[:, 1] = 0, w[:, 0].item(), features[batch_indices]", () => {
  const t1 = torch.tensor([10, 20], { requires_grad: true });
  const t2 = t1.detach();
  t1.data.setitem(0, 100); // t1.data[0] = 100
  const out = [String(t1), String(t2), String(t1._version.value), String(t2._version.value)];
  const x = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  x.setitem(torch.slice(), 1, 0); // x[:, 1] = 0
  out.push(String(x), String(x.index(':, 0')), x.index(':, 0').index(1).item().toFixed(1));
  const features = torch.arange(12).reshape(6, 2);
  const batch = torch.tensor([4n, 0n, 5n]);
  out.push(String(features.index(batch)), String(torch.tensor([1, 2, 3]).reshape(-1, 1)));
  assert.deepEqual(out, fixture.seed_000);
});

test('writes through strided views and their bases reach each other (x[:, 0][1] = 50, v = x[:, 1] ...)', () => {
  const x = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  x.index(':, 0').setitem(1, 50);
  const out = [String(x)];
  const v = x.index(':, 1');
  x.add_(1);
  out.push(String(v));
  v.mul_(10);
  out.push(String(x));
  const r = v.reshape(1, 2);
  r.add_(1);
  out.push(String(x), String(v));
  const s = x.index('::1, ::2');
  s.zero_();
  out.push(String(x), String(v), String(x._version.value), String(v._version.value));
  const y = torch.arange(6).reshape(2, 3).requires_grad_(true).mul(1);
  const w = y.index(':, 1:');
  w.setitem(0, torch.tensor([7, 8]));
  out.push(String(y), String(w), (y.grad_fn as torch.Node).name(), (w.grad_fn as torch.Node).name());
  assert.throws(() => torch.zeros(2, 3).setitem(0, [1, 2, 3]), (e: Error) => (out.push(e.message), e.name === 'ArgumentTypeError'));
  assert.deepEqual(out, fixture.views_in_step);
});

test("the string shorthand is Python's index written out", () => {
  const x = torch.arange(24).reshape(2, 3, 4);
  const same = (a: Tensor, b: Tensor): void => {
    assert.deepEqual([...a.shape], [...b.shape]);
    assert.deepEqual(Array.from(a.numpy()), Array.from(b.numpy()));
  };
  same(x.index(':, 1'), x.index(torch.slice(), 1));
  same(x.index('..., ::2'), x.index('...', torch.slice(null, null, 2)));
  same(x.index('None, 0, 1:, -1'), x.index(null, 0, torch.slice(1, null), -1));
  same(x.index('1, True'), x.index(1, true));
  same(x.index(' 0 , :2 , 3 '), x.index(0, torch.slice(2), 3));
  assert.throws(() => x.index('0, a'), /invalid index 'a'/);
  assert.throws(() => x.index('1:2:3:4'), /invalid index '1:2:3:4'/);
});
