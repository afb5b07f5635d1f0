// The interpreter of the differential tester's program language (written by
// test/fixtures/torch/gen_programs.py, which also runs each program in PyTorch 1.13), and the
// comparison of its outcomes with PyTorch's, check by check.

import assert from 'node:assert/strict';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

type Num = number | string;
type Arg = { t: string } | { kw: Record<string, unknown> } | number | string | boolean | null | Num[] | Arg[];
export type Stmt =
  | ['leaf', string, unknown, 'float32' | 'float64', boolean]
  | ['op', string, string, Arg[], boolean]
  | ['ip', string, string, Arg[], boolean]
  | ['backward', string, boolean, string | null]
  | ['grad', string, string[], boolean, boolean]
  | ['retain_grad', string]
  | ['requires_grad_', string, boolean]
  | ['detach_', string]
  | ['clear_grad', string];

type Guarded<T> = T | { err: [string, string] };

export interface Snap {
  v: Num[];
  s: number[];
  d: string;
  f: Guarded<string | null>;
  rg: boolean;
  leaf: Guarded<boolean>;
  p?: Guarded<string>;
}

export interface GradSnap {
  v: Num[];
  s: number[];
  p?: string;
}

export type Event =
  | { err: [string, string] }
  /** An op's result that is not a tensor (allclose's boolean), as Python's type name and value. */
  | { py: string; value: unknown }
  | Snap
  | { grads: Record<string, GradSnap | null> }
  | { res: Array<Snap | null>; grads: Record<string, GradSnap | null> };

export interface Program {
  id: string;
  stmts: Stmt[];
  events: Event[];
  final: Record<string, Snap & { g: GradSnap | null }>;
}

export function decodeNum(v: Num): number {
  if (typeof v === 'number') return v;
  if (v === '-0') return -0;
  return Number(v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
}

function decodeNested(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeNested);
  return decodeNum(v as Num);
}

export function encodeNum(v: number): Num {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0 && 1 / v < 0) return '-0';
  return v;
}

function guarded<T>(fn: () => T): Guarded<T> {
  try {
    return fn();
  } catch (e) {
    return { err: errorOf(e) };
  }
}

/** PyTorch's exception class names; the library's ArgumentTypeError is Python's TypeError. */
function errorOf(e: unknown): [string, string] {
  if (e instanceof Error) return [e.name === 'ArgumentTypeError' ? 'TypeError' : e.name, e.message];
  return ['unknown', String(e)];
}

function values(t: Tensor): Num[] {
  return Array.from(t.detach().numpy(), encodeNum);
}

export function snap(t: Tensor, printed = false): Snap {
  const s: Snap = {
    v: values(t),
    s: t.shape.slice(),
    d: t.dtype.name,
    // Python's type(grad_fn).__name__: name() without C++'s namespace (torch::autograd::CopySlices)
    f: guarded(() => t.grad_fn?.name().replace('torch::autograd::', '') ?? null),
    rg: t.requires_grad,
    leaf: guarded(() => t.is_leaf),
  };
  if (printed) s.p = guarded(() => String(t));
  return s;
}

function gradOf(t: Tensor, printed = false): GradSnap | null {
  const g = t.grad;
  if (g === null) return null;
  const s: GradSnap = { v: values(g), s: g.shape.slice() };
  if (printed) s.p = String(g);
  return s;
}

type Env = Map<string, Tensor>;

/** gen_programs_index.py's index items: {"s": [a, b, c]} slice(a, b, c), {"long"|"bool": data} a tensor. */
function indexItem(a: Record<string, unknown>): unknown {
  if ('s' in a) {
    const [start, stop, step] = a.s as Array<number | null>;
    return new torch.Slice(start, stop, step);
  }
  if ('long' in a) return torch.tensor(a.long as torch.NestedArray, { dtype: 'int64' });
  if ('bool' in a) return torch.tensor(a.bool as torch.NestedArray, { dtype: 'bool' });
  return a;
}

function arg(env: Env, a: Arg): unknown {
  if (a !== null && typeof a === 'object' && 'kw' in a) {
    // an options object: its values may name tensors too
    const kw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((a as { kw: Record<string, Arg> }).kw)) kw[k] = arg(env, v);
    return { kw };
  }
  // a list may hold tensors (torch.cat's)
  if (Array.isArray(a)) return (a as Arg[]).map((e) => arg(env, e));
  if (a !== null && typeof a === 'object' && !('t' in a)) return indexItem(a as Record<string, unknown>);
  if (a !== null && typeof a === 'object' && !Array.isArray(a)) {
    const t = env.get(a.t);
    if (t === undefined) throw new Error(`unbound ${a.t}`);
    return t;
  }
  return a;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the interpreter calls ops by name */
const UNARY = new Set(['exp', 'log', 'neg', 'sigmoid', 'tanh', 'relu', 'sqrt', 'abs', 'sin', 'cos', 'reciprocal', 'square', 'tan', 'atan', 'expm1', 'log1p', 'rsqrt', 'sign', 'log2', 'log10', 'sinh', 'cosh', 'asin', 'acos', 'exp2']);
const BINARY = new Set(['add', 'sub', 'mul', 'div', 'pow']);

/** A generic call's arguments: a trailing `{ kw: {...} }` becomes the options object; "torch.X" is torch.X. */
function genericArgs(args: any[]): any[] {
  // "torch.X" is torch.X; "inf", "-inf" and "nan" are those numbers (JSON has no spelling for them)
  const conv = (v: any): any => {
    if (typeof v === 'string' && v.startsWith('torch.')) return (torch as any)[v.slice(6)];
    if (v === 'inf' || v === '-inf' || v === 'nan') return decodeNum(v);
    return v;
  };
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && !Array.isArray(last) && 'kw' in last) {
    const kw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(last.kw as Record<string, unknown>)) kw[k] = conv(v);
    return [...args.slice(0, -1).map(conv), kw];
  }
  return args.map(conv);
}

/** 'm.NAME' is the method a[0].NAME(...rest), 'f.NAME' torch.NAME(...a), 'F.NAME' torch.nn.functional.NAME(...a); '#k' takes output k. */
function runGeneric(name: string, a: any[]): Tensor {
  const [kind, rest] = [name.slice(0, 1), name.slice(2)];
  const [fname, k] = rest.split('#');
  const pos = genericArgs(a);
  let out: any;
  if (kind === 'p') out = pos[0][fname];
  else if (kind === 'm') out = pos[0][fname](...pos.slice(1));
  else if (kind === 'f') out = fname.split('.').reduce((o: any, part) => o[part], torch)(...pos); // f.linalg.norm too
  else out = (torch.nn.functional as any)[fname](...pos);
  if (k === undefined) return out;
  if (Number(k) >= out.length) throw new torch.IndexError('tuple index out of range'); // Python's tuple[k]
  return out[Number(k)];
}

export function runOp(name: string, a: any[]): Tensor {
  const x = a[0];
  if (/^[mfFp]\./.test(name)) return runGeneric(name, a);
  if (UNARY.has(name)) return x[name]();
  if (BINARY.has(name)) {
    // a number first (`2 - x` in Python is the r-op, generated as its own name): torch.<name>(a, b)
    if (typeof x === 'number') return (torch as any)[name](x, a[1]);
    return x[name](a[1]);
  }
  switch (name) {
    case 'radd':
      return torch.add(a[1], x);
    case 'rsub_num':
      return torch.sub(a[1], x);
    case 'rmul':
      return torch.mul(a[1], x);
    case 'rdiv':
      return torch.div(a[1], x);
    case 'rpow':
      return torch.pow(a[1], x);
    case 'rsub':
      return torch.rsub(x, a[1]);
    case 'add_alpha':
      return torch.add(x, a[1], { alpha: a[2] });
    case 'sub_alpha':
      return torch.sub(x, a[1], { alpha: a[2] });
    case 'sum':
    case 'mean':
      if (a.length === 1) return x[name]();
      if (a.length === 2) return x[name](a[1]);
      return x[name]({ dim: a[1], keepdim: a[2] });
    case 'max':
    case 'min':
    case 'norm':
    case 't':
    case 'clone':
    case 'detach':
    case 'double':
    case 'float':
      return x[name]();
    case 'matmul':
      return x.matmul(a[1]);
    case 'mm':
      return x.mm(a[1]);
    case 'reshape':
    case 'view':
      return x[name](a[1]);
    case 'unsqueeze':
      return x.unsqueeze(a[1]);
    case 'squeeze':
      return a.length === 1 ? x.squeeze() : x.squeeze(a[1]);
    case 'transpose':
      return x.transpose(a[1], a[2]);
    case 'to':
      return x.to(a[1]);
    case 'linear':
      return torch.nn.functional.linear(x, a[1], a.length > 2 ? a[2] : null);
    case 'mse_loss':
      return torch.nn.functional.mse_loss(x, a[1], a[2]);
    default:
      throw new Error(`interpreter: unknown op ${name}`);
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function maybeNoGrad<T>(ng: boolean, fn: () => T): T {
  return ng ? torch.no_grad(fn) : fn();
}

function allGrads(env: Env): Record<string, GradSnap | null> {
  const out: Record<string, GradSnap | null> = {};
  for (const [k, t] of env) out[k] = gradOf(t);
  return out;
}

function need(env: Env, name: string): Tensor {
  const t = env.get(name);
  if (t === undefined) throw new torch.KeyError(`'${name}'`); // Python's env[name]
  return t;
}

function runStmt(env: Env, s: Stmt): Event {
  switch (s[0]) {
    case 'leaf': {
      const t = torch.tensor(decodeNested(s[2]) as torch.NestedArray, { dtype: s[3], requires_grad: s[4] });
      env.set(s[1], t);
      return snap(t);
    }
    case 'op': {
      const [, out, name, args, ng] = s;
      const t: unknown = maybeNoGrad(ng, () => runOp(name, args.map((a) => arg(env, a))));
      if (typeof t === 'boolean') return { py: 'bool', value: t };
      // numel()/element_size()'s Python int
      if (typeof t === 'number') return { py: Number.isInteger(t) ? 'int' : 'float', value: Number.isInteger(t) ? t : encodeNum(t) };
      env.set(out, t as Tensor);
      return snap(t as Tensor);
    }
    case 'ip': {
      const [, target, name, args, ng] = s;
      const t = need(env, target);
      const real = args.map((a) => arg(env, a));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- called by name
      maybeNoGrad(ng, () => (t as any)[name](...real));
      return snap(t);
    }
    case 'backward': {
      const g = s[3] === null ? null : need(env, s[3]);
      need(env, s[1]).backward(g, { retain_graph: s[2] });
      return { grads: allGrads(env) };
    }
    case 'grad': {
      const res = torch.autograd.grad(need(env, s[1]), s[2].map((n) => need(env, n)), null, { retain_graph: s[3], allow_unused: s[4] });
      return { res: res.map((g) => (g === null ? null : snap(g))), grads: allGrads(env) };
    }
    case 'retain_grad':
      need(env, s[1]).retain_grad();
      return snap(need(env, s[1]));
    case 'requires_grad_':
      need(env, s[1]).requires_grad_(s[2]);
      return snap(need(env, s[1]));
    case 'detach_':
      need(env, s[1]).detach_();
      return snap(need(env, s[1]));
    case 'clear_grad':
      need(env, s[1]).grad = null;
      return snap(need(env, s[1]));
  }
}

export interface Outcome {
  events: Event[];
  final: Record<string, Snap & { g: GradSnap | null }>;
}

export function runProgram(p: Program): Outcome {
  const previous = torch.setWarningHandler(() => {}); // mse_loss's broadcasting warning
  try {
    return interpret(p);
  } finally {
    torch.setWarningHandler(previous);
  }
}

function interpret(p: Program): Outcome {
  const env: Env = new Map();
  const events: Event[] = [];
  for (const s of p.stmts) {
    try {
      events.push(runStmt(env, s));
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('interpreter:')) throw e;
      events.push({ err: errorOf(e) });
    }
  }
  const final: Record<string, Snap & { g: GradSnap | null }> = {};
  for (const [k, t] of env) final[k] = { ...snap(t, true), g: gradOf(t, true) };
  return { events, final };
}

// ---- comparison ----

export const CHECKS = ['values', 'grads', 'grad_fn', 'flags', 'printing', 'errors'] as const;
export type Check = (typeof CHECKS)[number];

export interface Mismatch {
  check: Check;
  where: string;
  torch: unknown;
  ours: unknown;
}

function close(a: Num, b: Num, dtype: string): boolean {
  if (a === b) return true;
  if (typeof a !== 'number' || typeof b !== 'number') {
    // -0 against 0 is a value difference PyTorch makes visible only through printing; compare it there
    return (a === '-0' && b === 0) || (a === 0 && b === '-0');
  }
  // float32 maths here is float64 rounded once: allow a few float32 ulps (see README)
  const tol = dtype === 'float64' ? 1e-12 : 2e-6;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-30);
}

function sameValues(a: Num[], b: Num[], dtype: string): boolean {
  return a.length === b.length && a.every((v, i) => close(v, b[i], dtype));
}

function json(v: unknown): string {
  return JSON.stringify(v);
}

class Comparer {
  readonly out: Mismatch[] = [];
  add(check: Check, where: string, torchV: unknown, ours: unknown): void {
    this.out.push({ check, where, torch: torchV, ours });
  }

  snap(where: string, a: Snap, b: Snap): void {
    if (json(a.s) !== json(b.s) || a.d !== b.d || !sameValues(a.v, b.v, a.d)) this.add('values', where, [a.s, a.d, a.v], [b.s, b.d, b.v]);
    if (json(a.f) !== json(b.f)) this.add('grad_fn', where, a.f, b.f);
    if (a.rg !== b.rg || json(a.leaf) !== json(b.leaf)) this.add('flags', where, [a.rg, a.leaf], [b.rg, b.leaf]);
    if (a.p !== undefined && json(a.p) !== json(b.p)) this.add('printing', where, a.p, b.p);
  }

  grad(where: string, a: GradSnap | null, b: GradSnap | null, dtype: string): void {
    if (a === null || b === null) {
      if (a !== b) this.add('grads', where, a, b);
      return;
    }
    if (json(a.s) !== json(b.s) || !sameValues(a.v, b.v, dtype)) this.add('grads', where, a, b);
    else if (a.p !== undefined && a.p !== b.p) this.add('printing', `${where}.grad`, a.p, b.p);
  }

  grads(where: string, a: Record<string, GradSnap | null>, b: Record<string, GradSnap | null>): void {
    for (const k of Object.keys(a)) this.grad(`${where}:${k}.grad`, a[k], b[k] ?? null, 'float32');
    for (const k of Object.keys(b)) if (!(k in a) && b[k] !== null) this.add('grads', `${where}:${k}.grad`, null, b[k]);
  }
}

/** Every difference between PyTorch's recorded outcome and ours. */
export function compare(p: Program, ours: Outcome): Mismatch[] {
  const c = new Comparer();
  p.events.forEach((te, i) => {
    const oe = ours.events[i];
    const where = `${i}:${p.stmts[i][0]}${p.stmts[i][0] === 'op' || p.stmts[i][0] === 'ip' ? `.${p.stmts[i][2] as string}` : ''}`;
    const tErr = 'err' in te ? te.err : null;
    const oErr = 'err' in oe ? oe.err : null;
    if (tErr !== null || oErr !== null) {
      if (json(tErr) !== json(oErr)) c.add('errors', where, tErr, oErr);
      return;
    }
    if ('py' in te || 'py' in oe) {
      if (json(te) !== json(oe)) c.add('values', where, te, oe);
      return;
    }
    if ('grads' in te && 'grads' in oe) {
      c.grads(where, te.grads, oe.grads);
      if ('res' in te && 'res' in oe) {
        te.res.forEach((g, j) => {
          const og = oe.res[j] ?? null;
          if (g === null || og === null) {
            if (g !== og) c.add('grads', `${where}:res${j}`, g, og);
          } else if (!sameValues(g.v, og.v, g.d) || json(g.s) !== json(og.s)) c.add('grads', `${where}:res${j}`, g, og);
        });
      }
      return;
    }
    c.snap(where, te as Snap, oe as Snap);
  });
  for (const [k, a] of Object.entries(p.final)) {
    const b = ours.final[k];
    if (b === undefined) {
      c.add('values', `final:${k}`, 'bound', 'unbound');
      continue;
    }
    c.snap(`final:${k}`, a, b);
    c.grad(`final:${k}.grad`, a.g, b.g, a.d);
  }
  return c.out;
}

/** The agreement table, check by check and for whole programs (DIFFERENTIAL_REPORT prints it). */
function agreementTable(results: Map<string, Mismatch[]>): string {
  const n = results.size;
  const pct = (k: number): string => `${((100 * k) / n).toFixed(1)}%`;
  const lines = ['| check | programs that agree |', '|---|---|'];
  for (const check of CHECKS) {
    let agree = 0;
    for (const ms of results.values()) if (!ms.some((m) => m.check === check)) agree++;
    lines.push(`| ${check} | ${pct(agree)} |`);
  }
  let whole = 0;
  for (const ms of results.values()) if (ms.length === 0) whole++;
  lines.push(`| whole programs | ${pct(whole)} (${whole} of ${n}) |`);
  return lines.join('\n');
}

/**
 * Runs every program and asserts that each one not in `known` agrees with PyTorch on every check, and
 * that `known` (named `knownFile` in messages) lists no program that now agrees.
 */
export function assertPrograms(programs: readonly Program[], known: Record<string, string>, knownFile: string): void {
  const results = new Map<string, Mismatch[]>();
  for (const p of programs) results.set(p.id, compare(p, runProgram(p)));
  if (process.env.DIFFERENTIAL_REPORT) console.log(agreementTable(results));
  const unexpected: string[] = [];
  for (const [id, ms] of results) {
    if (ms.length === 0 || id in known) continue;
    const m = ms[0];
    unexpected.push(`${id} ${m.check} at ${m.where}: torch ${JSON.stringify(m.torch)}, ours ${JSON.stringify(m.ours)}`);
  }
  assert.deepEqual(unexpected.slice(0, 20), [], `${unexpected.length} programs differ from PyTorch:\n${agreementTable(results)}`);
  // a program listed as differing that now agrees is taken off the list (it stays exact from then on)
  const stale = Object.keys(known).filter((id) => results.get(id)?.length === 0);
  assert.deepEqual(stale, [], `${knownFile} lists programs that now agree with PyTorch: remove them`);
}
