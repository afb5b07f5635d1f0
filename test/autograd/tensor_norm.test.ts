// torch.norm / x.norm(p, dim, keepdim) against 300 PyTorch 1.13 cases (gen_tensor_norm.py): every order
// (1, 2, 3, 0.5, 1.5, 0, ±inf, 'fro'), dims and keepdim, special values, float32 and float64; values,
// gradients, grad_fns (NormBackward1, frobenius_norm's SqrtBackward0) and errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { decodeNumber, readFixture, type EncodedNumber } from '../helpers/fixtures.js';

interface Case {
  dtype: torch.DType;
  shape: number[];
  x: EncodedNumber[];
  p: number | string;
  dim: number | number[] | null;
  keepdim: boolean;
  out?: EncodedNumber[];
  out_shape?: number[];
  grad_fn?: string;
  grad?: EncodedNumber[] | null;
  error?: string;
}
const fixture = readFixture<{ cases: Case[] }>('torch/tensor_norm.json');
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
// the orders' last bits (README, Differences from PyTorch): float64 norms add in order where PyTorch's
// reduction vectorises, and float32 pow(|x|, p - 1) of p < 1's gradient can round one ulp away
let exact = 0;
let close = 0;
function equal(got: ArrayLike<number>, want: EncodedNumber[], dtype: torch.DType): boolean {
  if (got.length !== want.length) return false;
  const tol = dtype === 'float32' ? 4e-7 : 4e-16;
  let allExact = true;
  for (let i = 0; i < want.length; i++) {
    const w = decodeNumber(want[i]);
    if (same(got[i], w)) continue;
    allExact = false;
    if (!(Number.isFinite(w) && Math.abs(got[i] - w) <= tol * Math.abs(w))) return false;
  }
  if (allExact) exact++;
  else close++;
  return true;
}

function run(c: Case): string | null {
  const x = torch.tensor(c.x.map(decodeNumber), { dtype: c.dtype }).reshape(c.shape).requires_grad_();
  const p = c.p === 'inf' ? Infinity : c.p === '-inf' ? -Infinity : c.p;
  let y: Tensor;
  try {
    if (p === 'default') y = c.dim === null ? x.norm() : x.norm({ dim: c.dim, keepdim: c.keepdim });
    else y = x.norm(p as number, c.dim, c.keepdim);
    y.sum().backward();
  } catch (e) {
    const got = `${(e as Error).name}: ${(e as Error).message}`;
    return got === c.error ? null : `${c.error ?? 'no error'} vs ${got}`;
  }
  if (c.error !== undefined) return `PyTorch raised ${c.error}`;
  if (!equal(y.detach().flatten().numpy() as ArrayLike<number>, c.out ?? [], c.dtype)) return `values ${c.out} vs ${y.detach().flatten().tolist()}`;
  if (JSON.stringify([...y.shape]) !== JSON.stringify(c.out_shape)) return `shape ${c.out_shape} vs ${y.shape}`;
  if (y.grad_fn?.name() !== c.grad_fn) return `grad_fn ${c.grad_fn} vs ${y.grad_fn?.name()}`;
  const g = x.grad === null ? null : (x.grad.flatten().numpy() as ArrayLike<number>);
  if ((g === null) !== (c.grad === null) || (g !== null && !equal(g, c.grad ?? [], c.dtype))) return `grad ${c.grad} vs ${g === null ? null : Array.from(g)}`;
  return null;
}

test(`${fixture.cases.length} calls of x.norm(p, dim, keepdim) equal PyTorch's`, () => {
  assert.ok(fixture.cases.length >= 200);
  const wrong = fixture.cases.map((c, i) => {
    const m = run(c);
    return m === null ? null : `case ${i} ${c.dtype} p=${c.p} dim=${JSON.stringify(c.dim)} keepdim=${c.keepdim}: ${m}`;
  }).filter((m) => m !== null);
  assert.deepEqual(wrong, []);
  // nearly all bit for bit: values and gradients compared, the few others within 2 ulps
  assert.ok(close <= exact / 15, `${exact} exact, ${close} within the tolerance`);
});
