// The one-column products (sgemm_n1.ts, rows.wat's SIMD kernels) give blas_order.ts's values bit for bit
// (which test/autograd/matmul_order.test.ts checks against PyTorch): odd sizes, k blocks past 320 and
// split as on two threads, C already holding values, and the sums the kernels must leave to JavaScript.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sgemm, type MatView } from '../../src/kernels/blas_order.js';
import { sgemmN1Stats } from '../../src/kernels/sgemm_n1.js';
import { inEachFmaMode } from '../helpers/fma_modes.js';
import { setFastKernels } from '../../src/kernels/select.js';
import { fma32 } from '../../src/math/fma.js';

function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const sign = s & 1 ? -1 : 1;
    return (s & 6) === 0 ? sign * 2 ** 20 : sign * (s / 2 ** 32) * 2 ** -((s >>> 3) % 12);
  });
}

interface Product {
  A: MatView;
  B: MatView;
  M: number;
  K: number;
  N: number;
  C: Float32Array;
}

/** sgemm with the kernels and without: the same bits; returns whether the kernels kept the product. */
function compare(p: Product, label: string): boolean {
  const fast = p.C.slice();
  const before = { ...sgemmN1Stats };
  sgemm(p.A, p.B, p.M, p.K, p.N, fast, 0);
  const kept = sgemmN1Stats.products > before.products;
  const js = p.C.slice();
  const previous = setFastKernels(false);
  try {
    sgemm(p.A, p.B, p.M, p.K, p.N, js, 0);
  } finally {
    setFastKernels(previous);
  }
  assert.deepEqual(new Uint32Array(fast.buffer), new Uint32Array(js.buffer), label);
  return kept;
}

/** x [M, K] · wᵀ (w [1, K]) + C: linear's forward with one output. */
function forward(M: number, K: number, seed: number, withC: boolean): Product {
  const x = values(M * K, seed);
  const w = values(K, seed + 1);
  const C = withC ? values(M, seed + 2) : new Float32Array(M);
  return { A: { data: x, offset: 0, rs: K, cs: 1 }, B: { data: w, offset: 0, rs: 1, cs: K }, M, K, N: 1, C };
}

/** gᵀ [1, K] · x [K, N]: the weight gradient of linear with one output. */
function weightGrad(K: number, N: number, seed: number, withC: boolean): Product {
  const g = values(K, seed);
  const x = values(K * N, seed + 1);
  const C = withC ? values(N, seed + 2) : new Float32Array(N);
  return { A: { data: g, offset: 0, rs: 1, cs: 1 }, B: { data: x, offset: 0, rs: N, cs: 1 }, M: 1, K, N, C };
}

describe('one-column products in the SIMD kernels', () => {
  // with rows_fma.wat's kernels (where this machine has them) and with rows.wat's emulation
  inEachFmaMode((hardware) => {

  const shapes: [string, Product][] = [
    ['forward 1024×100', forward(1024, 100, 1, false)],
    ['forward 37×401 with C (k in 200 + 201)', forward(37, 401, 2, true)],
    ['forward 1024×401 (201 + 200, as on two threads)', forward(1024, 401, 3, true)],
    ['forward 13×1000 (320, 320, 184 + 176)', forward(13, 1000, 4, false)],
    ['weight gradient 1024 rows × 100', weightGrad(1024, 100, 5, false)],
    ['weight gradient 700 rows × 13 with C (320, 192 + 188)', weightGrad(700, 13, 6, true)],
    ['weight gradient 3500 rows × 100 (310 + 310, as on two threads)', weightGrad(3500, 100, 7, false)],
    ['weight gradient 333 rows × 15', weightGrad(333, 15, 8, true)],
    // past the 2^22 float32 of scratch: the rows in two blocks
    ['forward 50,000×100 with C', forward(50_000, 100, 12, true)],
  ];
  for (const [label, p] of shapes) {
    test(`the same bits as blas_order.ts's loops: ${label}`, () => {
      assert.equal(compare(p, label), true, 'the kernels kept the product');
    });
  }

  test('a float32 midpoint, special values and tiny factors: the same bits (the kernels decline where they must)', () => {
    // row 3 of x: 1, then a; w: c, then b: fma(a, b, c) lands where float32(a·b + c) rounds twice
    const a = 1 + 2 ** -23;
    const b = Math.fround(2 ** -24 - 2 ** -47);
    const c = 1 + 2 ** -23;
    assert.notEqual(Math.fround(a * b + c), fma32(a, b, c));
    const mid = forward(64, 80, 9, true);
    mid.A.data[3 * 80] = 1;
    mid.A.data[3 * 80 + 1] = a;
    mid.B.data[0] = c;
    mid.B.data[1] = b;
    const before = sgemmN1Stats.declined;
    // the hardware's fma rounds once: the kernels keep the product, with the same bits
    assert.equal(compare(mid, 'midpoint'), hardware);
    assert.equal(sgemmN1Stats.declined, before + (hardware ? 0 : 1), hardware ? 'the kernels kept it' : 'the kernels tried and declined');
    for (const v of [0, -0, Infinity, -Infinity, NaN, 1e-45, 1e-40, 3e38]) {
      const p = forward(64, 80, 10, true);
      p.A.data[5 * 80 + 7] = v;
      p.A.data[9 * 80 + 2] = -v;
      compare(p, `forward with ${v}`);
      const q = weightGrad(300, 20, 11, true);
      q.A.data[17] = v;
      q.B.data[40 * 20 + 19] = v;
      compare(q, `weight gradient with ${v}`);
    }
  });
  });
});
