// The WebAssembly GEMM kernels against the JavaScript loops they replace: bit for bit, on shapes that
// exercise every tail (rows, inner and output sizes not multiples of 4), strides and offsets.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gemm, type MatView } from '../../src/autograd/ops/matmul.js';
import { wasmAvailable, wasmDot, wasmRows } from '../../src/kernels/gemm.js';
import { setFastKernels } from '../../src/kernels/select.js';
import { Generator } from '../../src/random/generator.js';

/** float32 values spread over many magnitudes and both signs, so that rounding differences would show. */
function values(gen: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (gen.random() - 0.5) * 10 ** (gen.random() * 8 - 4);
  return a;
}

function both(A: MatView, B: MatView, m: number, k: number, n: number): [Float32Array, Float32Array] {
  const js = new Float32Array(m * n + 3);
  const fast = new Float32Array(m * n + 3);
  const previous = setFastKernels(false);
  gemm(A, B, m, k, n, js, 1);
  setFastKernels(true);
  gemm(A, B, m, k, n, fast, 1);
  setFastKernels(previous);
  return [js, fast];
}

function assertSameBits(js: Float32Array, fast: Float32Array, what: string): void {
  for (let i = 0; i < js.length; i++) {
    if (!Object.is(js[i], fast[i])) assert.fail(`${what}: element ${i} is ${fast[i]} with wasm, ${js[i]} in JavaScript`);
  }
}

const SHAPES: Array<[number, number, number]> = [
  [1024, 100, 1], [64, 10, 1], [37, 101, 3], [5, 7, 130], [130, 3, 5], [4, 4, 256], [257, 33, 2], [1, 4096, 1], [3, 1, 2000],
];

describe('WebAssembly GEMM kernels', () => {
  test('are available on Node 20 (WebAssembly SIMD)', () => {
    assert.equal(wasmAvailable(), true);
  });

  test('dot kernel (A rows and B columns contiguous, as in linear forward) equals gemmDot bit for bit', () => {
    const gen = new Generator(5);
    for (const [m, k, n] of SHAPES) {
      const ars = k + 2; // padded rows: a stride larger than k
      const a = values(gen, 3 + m * ars);
      const b = values(gen, 1 + n * k);
      const [js, fast] = both({ data: a, offset: 3, rs: ars, cs: 1 }, { data: b, offset: 1, rs: 1, cs: k }, m, k, n);
      assertSameBits(js, fast, `dot ${m}x${k}x${n}`);
    }
  });

  test('rows kernel (B rows contiguous, as in the weight gradient) equals gemmRows bit for bit', () => {
    const gen = new Generator(6);
    for (const [m, k, n] of SHAPES) {
      const a = values(gen, m * k); // read transposed: A[i, p] at p·m + i
      const b = values(gen, 2 + k * n);
      const [js, fast] = both({ data: a, offset: 0, rs: 1, cs: m }, { data: b, offset: 2, rs: n, cs: 1 }, m, k, n);
      assertSameBits(js, fast, `rows ${m}x${k}x${n}`);
    }
  });

  test('large operands are split (dot) or left to JavaScript (rows) and still give the same values', () => {
    const gen = new Generator(7);
    const m = 3000;
    const k = 130;
    const a = values(gen, m * k);
    const b = values(gen, k);
    const [js, fast] = both({ data: a, offset: 0, rs: k, cs: 1 }, { data: b, offset: 0, rs: 1, cs: k }, m, k, 1);
    assertSameBits(js, fast, 'dot in row blocks');
    const big = new Float32Array(3_000_000);
    assert.equal(wasmRows(big, 0, 1, 1, big, 0, 1, 1, 3_000_000, 1, new Float32Array(1), 0), false);
  });

  test('the kernels report that they ran', () => {
    const out = new Float32Array(4);
    assert.equal(wasmDot(Float32Array.of(1, 2), 0, 1, Float32Array.of(3, 4), 0, 1, 2, 1, 2, out, 0), true);
    assert.deepEqual(Array.from(out), [3, 4, 6, 8]); // [1, 2]ᵀ·[3, 4]
  });
});
