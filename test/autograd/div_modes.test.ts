// div's rounding modes ('trunc', 'floor'), floor_divide (Python's `//`) and true_divide against 400 PyTorch
// 1.13 cases (gen_div_modes.py): float32, float64 and integer dtypes, special values, broadcasting, Python
// numbers on either side; result dtypes, grad_fns (DivBackward2's zero gradient, floor_divide's
// NotImplemented) and errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { decodeNumber, readFixture, type EncodedNumber } from '../helpers/fixtures.js';

interface Case {
  dtype: torch.DType;
  mode: 'trunc' | 'floor' | null | 'floor_divide' | 'true_divide' | 'divide';
  kind: 'tt' | 'tn' | 'nt';
  a: EncodedNumber[];
  sa: number[];
  b: EncodedNumber[];
  sb: number[];
  scalar: number;
  requires_grad: boolean;
  out?: EncodedNumber[];
  shape?: number[];
  out_dtype?: string;
  grad_fn?: string | null;
  grad?: EncodedNumber[];
  backward_error?: string;
  error?: string;
}
const fixture = readFixture<{ cases: Case[]; errors: string[] }>('torch/div_modes.json');
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function run(c: Case): string | null {
  const a = torch.tensor(c.a.map(decodeNumber), { dtype: c.dtype }).reshape(c.sa);
  const b = torch.tensor(c.b.map(decodeNumber), { dtype: c.dtype }).reshape(c.sb);
  if (c.requires_grad) a.requires_grad_();
  const left: Tensor | number = c.kind === 'nt' ? c.scalar : a;
  const right: Tensor | number = c.kind === 'tt' ? b : c.kind === 'tn' ? c.scalar : a;
  let out: Tensor;
  try {
    if (c.mode === 'floor_divide') out = torch.floor_divide(left, right);
    else if (c.mode === 'true_divide') out = torch.true_divide(left, right);
    else if (c.mode === 'divide') out = torch.divide(left, right, { rounding_mode: 'floor' });
    else out = torch.div(left, right, { rounding_mode: c.mode });
  } catch (e) {
    return c.error === (e as Error).message ? null : `${c.error ?? 'no error'} vs ${(e as Error).message}`;
  }
  if (c.error !== undefined) return `PyTorch raised ${c.error}`;
  const got = Array.from(out.detach().flatten().numpy() as ArrayLike<number>);
  const want = (c.out ?? []).map(decodeNumber);
  if (!(got.length === want.length && got.every((v, i) => same(v, want[i])))) return `values ${want} vs ${got}`;
  if (JSON.stringify([...out.shape]) !== JSON.stringify(c.shape)) return `shape ${c.shape} vs ${out.shape}`;
  if (String(out.dtype).replace('torch.', '') !== c.out_dtype) return `dtype ${c.out_dtype} vs ${out.dtype}`;
  const gradFn = out.grad_fn === null ? null : out.grad_fn.name();
  if (gradFn !== c.grad_fn) return `grad_fn ${c.grad_fn} vs ${gradFn}`;
  if (out.requires_grad) {
    try {
      out.sum().backward();
    } catch (e) {
      return c.backward_error === (e as Error).message ? null : `backward: ${c.backward_error ?? 'no error'} vs ${(e as Error).message}`;
    }
    const g = Array.from(a.grad?.numpy() ?? []);
    const wantG = (c.grad ?? []).map(decodeNumber);
    if (!(g.length === wantG.length && g.every((v, i) => same(v, wantG[i])))) return `grad ${wantG} vs ${g}`;
  }
  return null;
}

test(`${fixture.cases.length} rounded divisions equal PyTorch's: values, dtypes, grad_fns, gradients and errors`, () => {
  assert.ok(fixture.cases.length >= 300);
  const wrong = fixture.cases.map((c, i) => {
    const m = run(c);
    return m === null ? null : `case ${i} ${c.dtype} ${c.mode} ${c.kind}: ${m}`;
  }).filter((m) => m !== null);
  assert.deepEqual(wrong, []);
});

test("div's own errors: an unknown rounding mode, an integer division by zero", () => {
  const [mode, zero, zeroTensor] = fixture.errors;
  assert.throws(() => torch.tensor([5.0]).div(2, { rounding_mode: 'round' as 'floor' }), { message: mode });
  assert.throws(() => torch.tensor([5n]).div(0, { rounding_mode: 'floor' }), { message: zero });
  assert.throws(() => torch.tensor([5n]).div(torch.tensor([0n]), { rounding_mode: 'trunc' }), { message: zeroTensor });
  // in place: floor_divide_ of a non-leaf records NotImplemented
  const x = torch.tensor([5.0, -7.0], { requires_grad: true }).mul(1);
  x.floor_divide_(2);
  assert.deepEqual(x.tolist(), [2, -4]);
  assert.equal(x.grad_fn?.name(), 'torch::autograd::NotImplemented');
});
