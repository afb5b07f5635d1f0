// Keyword options an op does not take are PyTorch's TypeError, never ignored: every torch.* function,
// Tensor method and in-place method of the registry, nn.functional, the creation functions and the
// optimizers. test/fixtures/torch/keywords.json (gen_keywords.py) holds PyTorch 1.13's message for each.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { registry } from '../../src/autograd/ops/registry.js';
import { KEYWORDS, POSITIONAL } from '../../src/autograd/ops/keywords.generated.js';
import { readFixture } from '../helpers/fixtures.js';

interface Case {
  kind: 'torch' | 'functional' | 'optimizer';
  name: string;
  message: string;
}

const fixture = readFixture<{ torch: string; cases: Case[] }>('torch/keywords.json');
const BOGUS = { no_such_option: 1 };

function typeError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof torch.ArgumentTypeError, `${String(e)} is not PyTorch's TypeError`);
    return (e as Error).message;
  }
  assert.fail('no error');
}

/** PyTorch's message where it is "NAME() got an unexpected keyword argument"; for an op PyTorch overloads it lists the signatures instead (README). */
function expected(c: Case): string {
  return c.message.includes('received an invalid combination of arguments') ? `${c.name}() got an unexpected keyword argument 'no_such_option'` : c.message;
}

test(`PyTorch ${fixture.torch}'s TypeError for an unknown option, ${fixture.cases.length} functions`, () => {
  assert.ok(fixture.cases.length >= 140);
  const ns = torch as unknown as Record<string, unknown>;
  const F = torch.nn.functional as unknown as Record<string, unknown>;
  const optim = torch.optim as unknown as Record<string, unknown>;
  const p = [torch.ones([1], { requires_grad: true })];
  const x = torch.ones(2, 2);
  let exact = 0;
  for (const c of fixture.cases) {
    let fn: () => unknown;
    if (c.kind === 'optimizer') fn = () => new (optim[c.name] as new (...a: unknown[]) => unknown)(p, { lr: 0.1, ...BOGUS });
    else {
      const f = (c.kind === 'torch' ? (c.name.startsWith('linalg_') ? (torch.linalg as unknown as Record<string, unknown>)[c.name.slice(7)] : ns[c.name]) : F[c.name]) as (...a: unknown[]) => unknown;
      assert.equal(typeof f, 'function', c.name);
      fn = () => f(x, BOGUS);
    }
    const name = c.name.startsWith('linalg_') ? c.name.slice(7) : c.name;
    const want = expected({ ...c, name: c.kind === 'optimizer' ? `${c.name}.__init__` : name });
    assert.equal(typeError(fn), want, `${c.kind} ${c.name}`);
    if (want === c.message) exact++;
  }
  assert.ok(exact >= 100, `${exact} exact`);
});

/** A method's TypeError for an unknown keyword: PyTorch's "Tensor.neg() takes no keyword arguments" for a method of no arguments. */
function unknownOption(p: { name: string; none?: true } | undefined, name: string): string {
  return p?.none === true ? `${p.name}() takes no keyword arguments` : `${p?.name ?? name}() got an unexpected keyword argument 'no_such_option'`;
}

test('every registry method and in-place method refuses an unknown option; known options still work', () => {
  const x = torch.tensor([[1, -2], [3, 4]]);
  for (const [name, entry] of Object.entries(registry)) {
    const keys = KEYWORDS[name] ?? {};
    if (entry.method !== null && !entry.property && keys.method !== null) {
      const m = (x as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      // a method written in Python is named by its qualified name (Tensor.unflatten), as Python does
      assert.equal(typeError(() => m.call(x, BOGUS)), unknownOption(POSITIONAL[name]?.method, name));
    }
    if (entry.inplace !== null && keys.inplace !== null) {
      const m = (x as unknown as Record<string, (...a: unknown[]) => unknown>)[`${name}_`];
      assert.equal(typeError(() => m.call(x.clone(), BOGUS)), unknownOption(POSITIONAL[name]?.inplace, `${name}_`));
    }
  }
  assert.equal(String(x.sum({ dim: 1, keepdim: true })), 'tensor([[-1.],\n        [ 7.]])');
  assert.equal(String(torch.nn.functional.mse_loss(x, x.neg(), { reduction: 'sum' })), 'tensor(120.)');
  assert.equal(typeError(() => torch.add(x, x, { out: x } as never)), "add() got an unexpected keyword argument 'out'");
  assert.equal(typeError(() => x.sum({ keepdims: true } as never)), "sum() got an unexpected keyword argument 'keepdims'");
});

test('creation and random functions refuse an unknown option', () => {
  const cases: Array<[string, () => unknown]> = [
    ['zeros', () => torch.zeros(2, { device: 'cuda' } as never)],
    ['ones', () => torch.ones([2], BOGUS as never)],
    ['full', () => torch.full([2], 1, BOGUS as never)],
    ['tensor', () => torch.tensor([1], BOGUS as never)],
    ['arange', () => torch.arange(0, 3, 1, BOGUS as never)],
    ['linspace', () => torch.linspace(0, 1, 3, BOGUS as never)],
    ['zeros_like', () => torch.zeros_like(torch.ones(1), BOGUS as never)],
    ['rand', () => torch.rand(2, BOGUS as never)],
    ['randn', () => torch.randn([2], BOGUS as never)],
    ['randint', () => torch.randint(0, 3, [2], BOGUS as never)],
    ['randperm', () => torch.randperm(3, BOGUS as never)],
  ];
  for (const [name, fn] of cases) {
    const key = name === 'zeros' ? 'device' : 'no_such_option';
    assert.equal(typeError(fn), `${name}() got an unexpected keyword argument '${key}'`);
  }
  assert.equal(torch.zeros(2, { dtype: torch.int64 }).dtype, torch.int64);
  assert.equal(torch.randn(2, { generator: new torch.Generator(1), dtype: torch.float64 }).dtype, torch.float64);
});
