// PyTorch's float32 log1p on its vector lanes: SLEEF 3.5's Sleef_log1pf8_u10 (xlog1pf, AVX2 with FMA), in
// float32 steps. SLEEF is Copyright Naoki Shibata and contributors, distributed under the Boost Software
// License 1.0; the algorithm and its coefficients are SLEEF's.

import { addF2F, addF2F2, addFF, divF2F2, fmaf, mulF2F, type F2 } from './sleef.js';

const fr = Math.fround;
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

const FLT_MIN = fr(1.17549435e-38);
const LN2_F2: F2 = [fr(0.69314718246459960938), fr(-1.904654323148236017e-9)];
const C0 = fr(0.3027294874);
const C1 = fr(0.3996108174);
const C2 = fr(0.666669488);

/** The unbiased exponent of a normal float32 (vilogb2k). */
function ilogb2k(d: number): number {
  f32[0] = d;
  return ((i32[0] >>> 23) & 0xff) - 0x7f;
}

/** 2^q as a float32 (vldexp3 of 1). */
function pow2f(q: number): number {
  i32[0] = (q + 0x7f) << 23;
  return f32[0];
}

/** xlog1pf: log of m·2^e, m = (1 + d)·2^-e by one fused multiply-add; inf above 1e38. */
export function log1pf(d: number): number {
  if (d !== d || d < -1) return NaN;
  if (d === -1) return -Infinity;
  if (Object.is(d, -0)) return -0;
  if (d > 1e38) return Infinity;
  let dp1 = fr(d + 1);
  const tiny = dp1 < FLT_MIN;
  if (tiny) dp1 = fr(dp1 * 2 ** 64);
  let e = ilogb2k(fr(dp1 * fr(1 / 0.75)));
  const t = pow2f(-e);
  const m = fmaf(d, t, fr(t - 1));
  if (tiny) e -= 64;
  let s = mulF2F(LN2_F2, e);
  const x = divF2F2([m, 0], addFF(2, m));
  const x2 = fr(x[0] * x[0]);
  const p = fmaf(fmaf(C0, x2, C1), x2, C2);
  s = addF2F2(s, [fr(x[0] * 2), fr(x[1] * 2)]);
  s = addF2F(s, fr(fr(x2 * x[0]) * p));
  return fr(s[0] + s[1]);
}
