// The float32 Box–Muller of PyTorch's AVX2 normal_fill (aten/src/ATen/native/cpu/avx_mathfun.h): Cephes
// log and sincos polynomials, evaluated lane by lane in float32 with the same steps and constants.

import { fma32 } from '../math/fma.js';

const f = Math.fround;
const bits = new Float32Array(1);
const ibits = new Int32Array(bits.buffer);

// GCC contracts avx_mathfun's mul/add pairs into FMAs (the AVX2 kernels are built with -mfma)
function mad(a: number, b: number, c: number): number {
  return fma32(a, b, c);
}

const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);

/** log256_ps for one lane x > 0. NOTE: GCC contracts the mul/add pairs into FMAs (built with -mfma). */
export function log256(x: number): number {
  if (x < 1.1754943508222875e-38) x = 1.1754943508222875e-38;
  bits[0] = x;
  const i = ibits[0];
  ibits[0] = (i & ~0x7f800000) | 0x3f000000;
  let m = bits[0];
  let e = f((i >>> 23) - 127 + 1);
  if (m < SQRTHF) {
    e = f(e - 1);
    m = f(f(m - 1) + m);
  } else {
    m = f(m - 1);
  }
  const z = f(m * m);
  let y = LOG_P[0];
  for (let k = 1; k < 9; k++) y = mad(y, m, LOG_P[k]);
  y = f(y * m);
  y = mad(y, z, f(e * LOG_Q1));
  y = mad(-z, 0.5, y);
  m = f(m + y);
  return mad(e, LOG_Q2, m);
}

const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);
const FOPI = f(1.27323954473516);

/** sincos256_ps for one lane: [sin x, cos x]. */
export function sincos256(x: number): [number, number] {
  const negative = x < 0 || Object.is(x, -0);
  let ax = Math.abs(x);
  let j = Math.trunc(f(ax * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  const sinFlip = ((j & 4) !== 0) !== negative;
  const cosFlip = (~(j - 2) & 4) !== 0;
  const polySin = (j & 2) === 0;
  ax = mad(y, DP1, ax);
  ax = mad(y, DP2, ax);
  ax = mad(y, DP3, ax);
  const z = f(ax * ax);
  let c = mad(COS_P[0], z, COS_P[1]);
  c = mad(c, z, COS_P[2]);
  c = f(c * z);
  c = mad(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = mad(SIN_P[0], z, SIN_P[1]);
  s = mad(s, z, SIN_P[2]);
  s = f(s * z);
  s = mad(s, ax, ax);
  let sinV = polySin ? s : c;
  let cosV = polySin ? c : s;
  if (sinFlip) sinV = -sinV;
  if (cosFlip) cosV = -cosV;
  return [sinV, cosV];
}

