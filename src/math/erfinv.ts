// The inverse error function as PyTorch 1.13's CPU kernel computes it: calc_erfinv of
// aten/src/ATen/native/Math.h (Gary L. Pavlis' translation of MATLAB 2.0's erfinv: a rational first
// guess, then two Newton steps with std::erf and std::exp), in double for float64 and in float for float32
// (glibc's erff, expf and logf). The kernel is built with -mfma for AVX2, so GCC fuses the polynomials'
// a·z + b steps.

import { erf } from './erf.js';
import { exp } from './glibc_exp.js';
import { log } from './glibc_log.js';
import { erff } from './glibc_erff.js';
import { logf } from './glibc_logf.js';
import { expf } from './glibcf.js';
import { fma32, fma64 } from './fma.js';

const fr = Math.fround;
const A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
const B = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
const C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
const D = [3.5438892, 1.6370678];
const A32 = A.map(fr);
const B32 = B.map(fr);
const C32 = C.map(fr);
const D32 = D.map(fr);

/** The arithmetic of one precision: rounding, fused multiply-add and the C library calls. */
interface Arith {
  r(v: number): number;
  fma(a: number, b: number, c: number): number;
  erf(v: number): number;
  exp(v: number): number;
  log(v: number): number;
  a: number[];
  b: number[];
  c: number[];
  d: number[];
  central: number;
  /** 2/√π as `T(2.0) / T(std::sqrt(c10::pi<double>))`. */
  k: number;
}

const DOUBLE: Arith = { r: (v) => v, fma: fma64, erf, exp, log, a: A, b: B, c: C, d: D, central: 0.7, k: 2 / Math.sqrt(Math.PI) };
const FLOAT: Arith = {
  r: fr, fma: fma32, erf: erff, exp: expf, log: logf, a: A32, b: B32, c: C32, d: D32, central: fr(0.7), k: fr(2 / fr(Math.sqrt(Math.PI))),
};

function calcErfinv(t: Arith, y: number): number {
  const yAbs = Math.abs(y);
  if (yAbs > 1) return NaN;
  if (yAbs === 1) return y > 0 ? Infinity : -Infinity;
  const { r, fma, a, b, c, d } = t;
  let x: number;
  if (yAbs <= t.central) {
    const z = r(y * y);
    const num = fma(fma(fma(a[3], z, a[2]), z, a[1]), z, a[0]);
    const dem = fma(fma(fma(fma(b[3], z, b[2]), z, b[1]), z, b[0]), z, 1);
    x = r(r(y * num) / dem);
  } else {
    const z = r(Math.sqrt(-t.log(r(r(1 - yAbs) / 2))));
    const num = fma(fma(fma(c[3], z, c[2]), z, c[1]), z, c[0]);
    const dem = fma(fma(d[1], z, d[0]), z, 1);
    // copysign(num, y); y is not ±0 here, and a NaN y has made num NaN already
    x = r((y < 0 ? -Math.abs(num) : Math.abs(num)) / dem);
  }
  x = r(x - r(r(t.erf(x) - y) / r(t.k * t.exp(r(-x * x)))));
  x = r(x - r(r(t.erf(x) - y) / r(t.k * t.exp(r(-x * x)))));
  return x;
}

/** PyTorch's erfinv of a double. */
export function erfinv(y: number): number {
  return calcErfinv(DOUBLE, y);
}

/** PyTorch's erfinv of a float32 (calc_erfinv<float>). */
export function erfinvf(y: number): number {
  return calcErfinv(FLOAT, fr(y));
}
