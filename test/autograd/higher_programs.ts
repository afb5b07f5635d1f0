// The interpreter of higher_order.json's programs (test/fixtures/python/gen_higher_order.py: gradients
// of gradients, grad_outputs, backward(create_graph / inputs), hooks, retain_grad) and the comparison
// of their outcomes with PyTorch 1.13's, statement by statement.

import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { AccumulateGrad, type Node } from '../../src/tensor/autograd/node.js';
import { decodeNum, encodeNum, runOp } from './programs.js';

type Num = number | string;
type Arg = { t: string } | number | string | boolean | null | Num[];
type HookSpec = ['mul', number] | ['add', number] | ['log', string] | ['none'];

export type Stmt =
  | ['leaf', string, unknown, 'float32' | 'float64', boolean]
  | ['op', string, string, Arg[]]
  | ['ip', string, string, Arg[]]
  | ['grad', string[], string[], Array<string | null> | null, { rg: boolean | null; cg: boolean; au: boolean }, string[]]
  | ['backward', string, string | null, { rg: boolean | null; cg: boolean; inputs: string[] | null }]
  | ['getgrad', string, string]
  | ['hook', string, HookSpec, string]
  | ['fnhook', string, 'pre' | 'post', HookSpec, string]
  | ['remove', string]
  | ['retain_grad', string]
  | ['clear_grad', string];

export interface Snap {
  v: Num[];
  s: number[];
  d: string;
  f: string | null;
  rg: boolean;
  leaf: boolean;
  gs: string;
}

export interface Event {
  err?: [string, string];
  warn?: string[];
  log?: unknown[];
  res?: Array<Snap | null>;
  grads?: Record<string, Snap | null>;
  v?: Num[];
}

export interface Program {
  id: string;
  stmts: Stmt[];
  events: Array<Event & Partial<Snap>>;
  final: Record<string, Snap & { g: Snap | null }>;
}

function decodeNested(v: unknown): unknown {
  return Array.isArray(v) ? v.map(decodeNested) : decodeNum(v as Num);
}

function values(t: Tensor): Num[] {
  return Array.from(t.detach().numpy(), encodeNum);
}

class Interpreter {
  readonly env = new Map<string, Tensor>();
  readonly handles = new Map<string, { remove(): void }>();
  log: unknown[] = [];

  /** Leaves by tensor, and the grad_fns of bound variables (the first name wins, as in the generator). */
  names(): [Map<Tensor, string>, Map<Node, string>] {
    const leaves = new Map<Tensor, string>();
    const fns = new Map<Node, string>();
    for (const [k, t] of this.env) {
      if (!leaves.has(t)) leaves.set(t, k);
      const fn = t.grad_fn;
      if (fn !== null && !fns.has(fn)) fns.set(fn, k);
    }
    return [leaves, fns];
  }

  /** The graph below fn; a node that is a bound variable's grad_fn is shown as V:name, not expanded. */
  graph(fn: Node | null, names: [Map<Tensor, string>, Map<Node, string>], depth = 0, budget = { n: 40 }): string {
    if (fn === null) return '_';
    budget.n--;
    const name = fn.name().replace('torch::autograd::', '');
    if (fn instanceof AccumulateGrad) return `A:${names[0].get(fn.variable as Tensor) ?? '?'}`;
    const bound = names[1].get(fn);
    if (depth > 0 && bound !== undefined) return `V:${bound}`;
    if (depth >= 6 || budget.n <= 0) return `${name}(..)`;
    return `${name}(${fn.next_functions.map(([n]) => this.graph(n, names, depth + 1, budget)).join(', ')})`;
  }

  snap(t: Tensor | null): Snap | null {
    if (t === null) return null;
    return { v: values(t), s: t.shape.slice(), d: t.dtype.name, f: t.grad_fn?.name().replace('torch::autograd::', '') ?? null, rg: t.requires_grad, leaf: t.is_leaf, gs: this.graph(t.grad_fn, this.names()) };
  }

  grads(): Record<string, Snap | null> {
    const out: Record<string, Snap | null> = {};
    for (const [k, t] of this.env) out[k] = this.snap(t.grad);
    return out;
  }

  need(name: string): Tensor {
    const t = this.env.get(name);
    if (t === undefined) throw new Error(`interpreter: unbound ${name}`);
    return t;
  }

  arg(a: Arg): unknown {
    return a !== null && typeof a === 'object' && !Array.isArray(a) ? this.need(a.t) : a;
  }

  hook(spec: HookSpec): (g: Tensor) => Tensor | undefined {
    return (g) => {
      if (spec[0] === 'log') {
        this.log.push([spec[1], values(g), g.dtype]);
        return undefined;
      }
      if (spec[0] === 'mul') return g.mul(spec[1]);
      if (spec[0] === 'add') return g.add(spec[1]);
      return undefined;
    };
  }

  fnhook(node: Node, kind: 'pre' | 'post', spec: HookSpec): { remove(): void } {
    const inner = this.hook(spec);
    if (kind === 'pre') {
      return node.register_prehook((gs: Tensor[]) => {
        const r = inner(gs[0]);
        return r === undefined ? undefined : [r];
      });
    }
    return node.register_hook((gi: Array<Tensor | null>, go: Tensor[]) => {
      if (spec[0] === 'log') {
        this.log.push([spec[1], gi.map((g) => (g === null ? null : values(g))), values(go[0])]);
        return undefined;
      }
      return gi.map((g) => (g === null ? null : inner(g) ?? null));
    });
  }

  run(s: Stmt): Event {
    switch (s[0]) {
      case 'leaf': {
        const t = torch.tensor(decodeNested(s[2]) as torch.NestedArray, { dtype: s[3], requires_grad: s[4] });
        this.env.set(s[1], t);
        return this.snap(t) as Event;
      }
      case 'op': {
        const args = s[3].map((a) => this.arg(a));
        /* eslint-disable @typescript-eslint/no-explicit-any -- ops called by name */
        const a = args as any[];
        const t =
          s[2] === 'bce_logits'
            ? torch.nn.functional.binary_cross_entropy_with_logits(a[0], a[1], { reduction: a[2] })
            : s[2] === 'sum' || s[2] === 'mean'
              ? a.length === 1 ? a[0][s[2]]() : a[0][s[2]]({ dim: a[1], keepdim: a[2] })
              : runOp(s[2], a);
        /* eslint-enable @typescript-eslint/no-explicit-any */
        this.env.set(s[1], t);
        return this.snap(t) as Event;
      }
      case 'ip': {
        const t = this.need(s[1]);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- called by name
        (t as any)[s[2]](...s[3].map((a) => this.arg(a)));
        return this.snap(t) as Event;
      }
      case 'grad': {
        const [, outs, ins, gouts, o, binds] = s;
        const go = gouts === null ? null : gouts.map((g) => (g === null ? null : this.need(g)));
        const res = torch.autograd.grad(outs.map((n) => this.need(n)), ins.map((n) => this.need(n)), go, { retain_graph: o.rg, create_graph: o.cg, allow_unused: o.au });
        res.forEach((g, i) => {
          if (g !== null) this.env.set(binds[i], g);
        });
        return { res: res.map((g) => this.snap(g)), grads: this.grads() };
      }
      case 'backward': {
        const [, v, g, o] = s;
        this.need(v).backward(g === null ? null : this.need(g), { retain_graph: o.rg, create_graph: o.cg, inputs: o.inputs === null ? null : o.inputs.map((n) => this.need(n)) });
        return { grads: this.grads() };
      }
      case 'getgrad': {
        const g = this.need(s[2]).grad;
        if (g === null) throw new torch.RuntimeError('None');
        this.env.set(s[1], g);
        return this.snap(g) as Event;
      }
      case 'hook':
        this.handles.set(s[3], this.need(s[1]).register_hook(this.hook(s[2])));
        return {};
      case 'fnhook':
        this.handles.set(s[4], this.fnhook(this.need(s[1]).grad_fn as Node, s[2], s[3]));
        return {};
      case 'remove':
        this.handles.get(s[1])?.remove();
        return {};
      case 'retain_grad':
        this.need(s[1]).retain_grad();
        return this.snap(this.need(s[1])) as Event;
      case 'clear_grad':
        this.need(s[1]).grad = null;
        return this.snap(this.need(s[1])) as Event;
    }
  }
}

/** Python's exception class names for the library's typed errors. */
function errorOf(e: unknown): [string, string] {
  if (e instanceof Error) return [e.name === 'ArgumentTypeError' ? 'TypeError' : e.name, e.message];
  return ['unknown', String(e)];
}

export interface Outcome {
  events: Event[];
  final: Record<string, Snap & { g: Snap | null }>;
}

export function runProgram(p: Program): Outcome {
  const it = new Interpreter();
  const events: Event[] = [];
  let warnings: string[] = [];
  const previous = torch.setWarningHandler((m) => warnings.push(m));
  try {
    for (const s of p.stmts) {
      warnings = [];
      torch.resetWarnings();
      it.log = [];
      let ev: Event;
      try {
        ev = it.run(s);
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('interpreter:')) throw e;
        ev = { err: errorOf(e) };
      }
      const shown = warnings.filter((w) => !w.startsWith('Using backward() with create_graph=True'));
      if (shown.length > 0) ev.warn = shown;
      if (it.log.length > 0) ev.log = it.log;
      events.push(ev);
    }
  } finally {
    torch.setWarningHandler(previous);
  }
  const final: Outcome['final'] = {};
  for (const [k, t] of it.env) final[k] = { ...(it.snap(t) as Snap), g: it.snap(t.grad) };
  return { events, final };
}

// ---- comparison ----

export interface Mismatch {
  where: string;
  what: string;
  torch: unknown;
  ours: unknown;
}

function close(a: Num, b: Num, dtype: string): boolean {
  if (a === b) return true;
  if (typeof a !== 'number' || typeof b !== 'number') return (a === '-0' && b === 0) || (a === 0 && b === '-0');
  // float32 results may differ in the last bits where sums or products are reordered
  const tol = dtype === 'float64' ? 1e-10 : 1e-5;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-30) || Math.abs(a - b) < (dtype === 'float64' ? 1e-300 : 1e-38);
}

function json(v: unknown): string {
  return JSON.stringify(v);
}

class Comparer {
  readonly out: Mismatch[] = [];

  /** `graph`: compare the graph below the node too (not for forward ops: their fused nodes are the library's, see README). */
  snap(where: string, a: Snap | null, b: Snap | null, graph = true): void {
    if (a === null || b === null) {
      if (a !== b) this.out.push({ where, what: 'presence', torch: a, ours: b });
      return;
    }
    if (json(a.s) !== json(b.s) || a.d !== b.d) this.out.push({ where, what: 'shape/dtype', torch: [a.s, a.d], ours: [b.s, b.d] });
    else if (a.v.length !== b.v.length || !a.v.every((v, i) => close(v, b.v[i], a.d))) this.out.push({ where, what: 'values', torch: a.v, ours: b.v });
    if (a.f !== b.f) this.out.push({ where, what: 'grad_fn', torch: a.f, ours: b.f });
    else if (graph && a.gs !== b.gs) this.out.push({ where, what: 'graph', torch: a.gs, ours: b.gs });
    if (a.rg !== b.rg || a.leaf !== b.leaf) this.out.push({ where, what: 'flags', torch: [a.rg, a.leaf], ours: [b.rg, b.leaf] });
  }

  record(where: string, a: Record<string, Snap | null>, b: Record<string, Snap | null>): void {
    for (const k of Object.keys(a)) this.snap(`${where}:${k}.grad`, a[k], b[k] ?? null);
  }

  log(where: string, a: unknown[] | undefined, b: unknown[] | undefined): void {
    const norm = (l: unknown[] | undefined): string => json((l ?? []).map((e) => JSON.parse(json(e), (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(5)) : v)) as unknown));
    if (norm(a) !== norm(b)) this.out.push({ where, what: 'hook log', torch: a, ours: b });
  }
}

export function compare(p: Program, ours: Outcome): Mismatch[] {
  const c = new Comparer();
  p.events.forEach((te, i) => {
    const oe = ours.events[i];
    const s = p.stmts[i];
    const where = `${i}:${s[0]}${s[0] === 'op' || s[0] === 'ip' ? `.${s[2] as string}` : ''}`;
    if (json(te.warn ?? []) !== json(oe.warn ?? [])) c.out.push({ where, what: 'warnings', torch: te.warn, ours: oe.warn });
    c.log(where, te.log, oe.log);
    if (te.err !== undefined || oe.err !== undefined) {
      if (json(te.err) !== json(oe.err)) c.out.push({ where, what: 'error', torch: te.err, ours: oe.err });
      return;
    }
    if (te.res !== undefined) te.res.forEach((g, j) => c.snap(`${where}:res${j}`, g, oe.res?.[j] ?? null));
    if (te.grads !== undefined) c.record(where, te.grads, oe.grads ?? {});
    if (te.v !== undefined) c.snap(where, te as Snap, oe as Snap, s[0] === 'getgrad');
  });
  const gradients = new Set<string>();
  for (const s of p.stmts) {
    if (s[0] === 'grad') for (const b of s[5]) gradients.add(b);
    if (s[0] === 'getgrad') gradients.add(s[1]);
  }
  for (const [k, a] of Object.entries(p.final)) {
    const b = ours.final[k];
    if (b === undefined) {
      c.out.push({ where: `final:${k}`, what: 'binding', torch: 'bound', ours: 'unbound' });
      continue;
    }
    c.snap(`final:${k}`, a, b, gradients.has(k));
    c.snap(`final:${k}.grad`, a.g, b.g);
  }
  return c.out;
}
