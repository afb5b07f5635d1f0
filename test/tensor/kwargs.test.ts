// Every parameter can be a keyword, as in Python: test/fixtures/torch/kwargs.json (gen_kwargs.py) holds,
// for each op of the registry (torch.* function, method, in-place method, nn.functional, torch.linalg)
// and the creation and random functions, PyTorch 1.13's results of a call with its positional
// parameters given by keyword and of the mixed form (values, shape, dtype, grad_fn), and its errors for a
// keyword that repeats a positional argument and for an unknown keyword. The same calls run here.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { POSITIONAL, PUBLIC_POSITIONAL } from '../../src/autograd/ops/keywords.generated.js';
import { registry } from '../../src/autograd/ops/registry.js';

type Encoded = number | string | boolean | null | Encoded[] | { tensor: string } | { dtype: string } | { float: number | string } | { tuple: Encoded[] };

interface Result {
  shape?: number[];
  dtype?: string;
  data?: Array<number | string | boolean>;
  grad_fn?: string | null;
  list?: Result[];
  value?: number | string | boolean;
  repr?: string;
}

interface Case {
  ns: 'method' | 'inplace' | 'torch' | 'F' | 'linalg';
  name: string;
  self: string | null;
  args: Encoded[];
  kwargs: Record<string, Encoded>;
  expect: { result: Result } | { error: string };
}

interface Fixture {
  torch: string;
  inputs: Record<string, { data: Encoded; dtype: string; requires_grad: boolean }>;
  cases: Case[];
  skipped: string[];
}

const fixture = readFixture<Fixture>('torch/kwargs.json');

function num(v: number | string): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
}

function decode(v: Encoded, env: Record<string, Tensor>): unknown {
  if (Array.isArray(v)) return v.map((x) => decode(x, env));
  if (v !== null && typeof v === 'object') {
    if ('tensor' in v) return env[v.tensor];
    if ('dtype' in v) return v.dtype;
    if ('float' in v) return num(v.float);
    if ('tuple' in v) return v.tuple.map((x) => decode(x, env));
  }
  return v;
}

function inputs(inplaceSelf: string | null): Record<string, Tensor> {
  const env: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(fixture.inputs)) {
    env[name] = torch.tensor(decode(spec.data, {}) as never, { dtype: spec.dtype as torch.DType, requires_grad: spec.requires_grad });
  }
  if (inplaceSelf !== null) {
    const t = env[inplaceSelf];
    env[inplaceSelf] = t.detach().clone().requires_grad_(fixture.inputs[inplaceSelf].requires_grad).clone();
  }
  return env;
}

function describe(r: unknown): Result {
  if (r instanceof torch.Tensor) {
    const flat = r.detach().reshape([-1]).tolist() as Array<number | bigint | boolean>;
    const data = flat.map((v) => (typeof v === 'bigint' ? Number(v) : r.dtype === torch.bool ? Boolean(v) : v));
    return { shape: [...r.shape], dtype: r.dtype.name, data: data as Array<number | boolean>, grad_fn: r.grad_fn === null ? null : r.grad_fn.name() };
  }
  if (r instanceof torch.ReturnTypes) return { list: [describe(r.values), describe(r.indices)] };
  if (Array.isArray(r)) return { list: r.map(describe) };
  if (typeof r === 'boolean' || typeof r === 'number') return { value: r };
  return { repr: String(r) };
}

/**
 * The ops whose values may be an ulp or two from PyTorch's (README "Differences from PyTorch": V8's
 * Math.log, Math.atan2, Math.acos, Math.expm1 and 2 ** x are not correctly rounded, nor are PyTorch's
 * vectorised float32 functions (SLEEF, logaddexp, the log1p of BCE-with-logits, vector_norm's pow), and
 * its float64 tan of a subnormal is not the argument itself): compared within two ulps of their dtype (a
 * subnormal within 1e-13 relative); everything else bit for bit.
 */
const ULP = new Set(['atan2', 'arctan2', 'logaddexp', 'logaddexp2', 'log', 'tan', 'acos', 'arccos', 'atan', 'arctan', 'sinh', 'expm1', 'exp2', 'erfc', 'binary_cross_entropy_with_logits', 'linalg_vector_norm']);

function ulps(a: number, b: number, dtype: string): number {
  if (Object.is(a, b)) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const bits = (v: number): bigint => {
    if (dtype === 'float32') {
      const i = new Int32Array(new Float32Array([v]).buffer)[0];
      return BigInt(i < 0 ? -2147483648 - i : i);
    }
    const i = new BigInt64Array(new Float64Array([v]).buffer)[0];
    return i < 0n ? -9223372036854775808n - i : i;
  };
  const d = bits(a) - bits(b);
  return Number(d < 0n ? -d : d);
}

function same(got: Result, want: Result, where: string, tolerant = false): void {
  if (want.list !== undefined) {
    assert.ok(got.list !== undefined && got.list.length === want.list.length, `${where}: ${JSON.stringify(got).slice(0, 200)}`);
    want.list.forEach((w, i) => same(got.list![i], w, `${where}[${i}]`, tolerant));
    return;
  }
  if (want.value !== undefined) {
    assert.ok(got.value !== undefined, `${where}: not a value`);
    assert.ok(Object.is(got.value, typeof want.value === 'string' ? num(want.value) : want.value), `${where}: ${got.value} vs ${want.value}`);
    return;
  }
  assert.deepEqual(got.shape, want.shape, `${where}: shape`);
  assert.equal(got.dtype, want.dtype, `${where}: dtype`);
  assert.equal(got.grad_fn, want.grad_fn, `${where}: grad_fn`);
  const w = want.data!.map((v) => (typeof v === 'string' ? num(v) : v));
  assert.equal(got.data!.length, w.length, `${where}: numel`);
  for (let i = 0; i < w.length; i++) {
    const ok = Object.is(got.data![i], w[i]) || (tolerant && (ulps(got.data![i] as number, w[i] as number, want.dtype!) <= 2 || Math.abs((got.data![i] as number) - (w[i] as number)) <= 1e-13 * Math.abs(w[i] as number)));
    assert.ok(ok, `${where}: element ${i}: ${got.data![i]} vs ${w[i]}`);
  }
}

function target(c: Case, env: Record<string, Tensor>): (...a: unknown[]) => unknown {
  const pick = (ns: unknown, name: string) => (ns as Record<string, (...a: unknown[]) => unknown>)[name];
  switch (c.ns) {
    case 'method': return (...a) => pick(env[c.self!], c.name).call(env[c.self!], ...a);
    case 'inplace': return (...a) => pick(env[c.self!], `${c.name}_`).call(env[c.self!], ...a);
    case 'torch': return pick(torch, c.name);
    case 'F': return pick(torch.nn.functional, c.name);
    default: return pick(torch.linalg, c.name.slice('linalg_'.length));
  }
}

/** PyTorch's text; where PyTorch lists an overloaded builtin's signatures instead, the one-signature text (README). */
function expectedError(c: Case, message: string): string {
  if (/got an unexpected keyword argument|got multiple values for argument|takes no keyword arguments/.test(message)) return message;
  // PyTorch's parser answers some of these with another complaint (argsort's "takes from 1 to 0 positional
  // arguments", unflatten's "argument 'dim' (position 2) must be"): here the keyword's own error
  const key = Object.keys(c.kwargs)[0];
  const fn = message.slice(0, message.search(/[(:]/));
  return key === 'no_such_option' ? `${fn}() got an unexpected keyword argument '${key}'` : `${fn}() got multiple values for argument '${key}'`;
}

const SEEDED = new Set(['rand', 'randn', 'rand_like', 'randn_like', 'randint', 'randint_like', 'randperm', 'normal', 'bernoulli', 'multinomial', 'uniform_', 'normal_', 'random_', 'exponential_', 'bernoulli_']);

test(`PyTorch ${fixture.torch}'s keywords for positional parameters: ${fixture.cases.length} calls`, () => {
  assert.ok(fixture.cases.length >= 1000);
  const failures: string[] = [];
  for (const c of fixture.cases) {
    const where = `${c.ns} ${c.name}(${JSON.stringify(c.args).slice(0, 60)}, ${JSON.stringify(c.kwargs).slice(0, 80)})`;
    const env = inputs(c.ns === 'inplace' || (c.ns === 'method' && c.name.endsWith('_')) ? c.self : null);
    const f = target(c, env);
    const args = c.args.map((a) => decode(a, env));
    const kwargs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.kwargs)) kwargs[k] = decode(v, env);
    const call = Object.keys(kwargs).length > 0 ? [...args, kwargs] : args;
    if (SEEDED.has(c.name) && (c.ns === 'torch' || c.ns === 'method')) torch.manual_seed(7);
    try {
      let got: unknown;
      let error: unknown = null;
      try {
        got = f(...call);
      } catch (e) {
        error = e;
      }
      if ('error' in c.expect) {
        assert.ok(error !== null, `${where}: no error, PyTorch: ${c.expect.error}`);
        const message = (error as Error).message;
        const want = c.expect.error;
        if (!/^\w+Error: /.test(want)) {
          assert.ok(error instanceof torch.ArgumentTypeError, `${where}: ${String(error)} is not PyTorch's TypeError`);
          assert.equal(message, expectedError(c, want), `${where}: ${message} | PyTorch: ${want}`);
        } else assert.equal(message, want.slice(want.indexOf(': ') + 2), `${where}: ${message} | PyTorch: ${want}`);
      } else {
        if (error !== null) throw error;
        same(describe(got), c.expect.result, where, ULP.has(c.name));
      }
    } catch (e) {
      failures.push(`${where}: ${(e as Error).message.split('\n')[0].slice(0, 300)}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} calls differ from PyTorch's:\n${failures.join('\n')}`);
});

test('every registry spelling with positional parameters has keyword calls in the fixture', () => {
  const covered = new Set(fixture.cases.filter((c) => Object.keys(c.kwargs).some((k) => k !== 'no_such_option')).map((c) => `${c.ns} ${c.name}`));
  const missing: string[] = [];
  for (const [op, table] of Object.entries(POSITIONAL)) {
    for (const [spelling, p] of Object.entries(table)) {
      if (p === undefined || p.overloads.length === 0) continue;
      if (spelling === 'fn' && !registry[op as keyof typeof registry].torch && !op.startsWith('linalg_')) continue; // no torch.<op>: nn.functional's spelling is checked
      const ns = spelling === 'fn' ? (op.startsWith('linalg_') ? 'linalg' : 'torch') : spelling === 'functional' ? 'F' : spelling;
      // PyTorch's stubs name stride's parameter `_int` (its parser says dim), uniform_'s and random_'s `from_`
      // (its parser says from): no name to take a keyword by
      if (!covered.has(`${ns} ${op}`) && !['method stride', 'method uniform_', 'method random_'].includes(`${ns} ${op}`)) missing.push(`${ns} ${op}`);
    }
  }
  for (const name of Object.keys(PUBLIC_POSITIONAL)) {
    const key = name.startsWith('F_') ? `F ${name.slice(2)}` : `torch ${name}`;
    // torch.empty(_like)'s values are whatever memory held; from_numpy takes a NumPy array
    if (!covered.has(key) && !['empty', 'empty_like', 'from_numpy'].includes(name)) missing.push(key);
  }
  assert.deepEqual(missing, []);
});
