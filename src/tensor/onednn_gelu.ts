// float32 GELU('none') as PyTorch 1.13 runs it for a contiguous float32 tensor of more than one element:
// through oneDNN (MKL-DNN v2.6's jit_uni_eltwise_injector on AVX2), not ATen's kernel. erf is
// Abramowitz–Stegun 7.1.26 over oneDNN's own exp (floor-based reduction, a degree-5 polynomial), every
// step a float32 operation or one fused multiply-add, as its JIT code emits them.

import { fmaf } from '../math/sleef.js';

const fr = Math.fround;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function fromBits(b: number): number {
  u32[0] = b >>> 0;
  return f32[0];
}

const LOG2EF = fromBits(0x3fb8aa3b);
const LN2F = fromBits(0x3f317218);
const LN_FLT_MAX = fromBits(0x42b17218);
const LN_FLT_MIN = fromBits(0xc2aeac50);
/** exp_pol p1..p5. */
const EXP_POL = [0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce].map(fromBits);
const ERF_P = fromBits(0x3ea7ba05);
const ONE_OVER_SQRT_TWO = fromBits(0x3f3504f3);
const ONE_OVER_SQRT_PI = fromBits(0x3f106eba);
/** gelu_erf_pol p1..p5. */
const ERF_POL = [0x3e827906, 0xbe91a98e, 0x3fb5f0e3, 0xbfba00e3, 0x3f87dc22].map(fromBits);

/** vminps / vmaxps: the second operand when either is NaN. */
const vmin = (a: number, b: number): number => (a < b ? a : b);
const vmax = (a: number, b: number): number => (a > b ? a : b);

/** oneDNN's exp_compute_vector_fwd: 0 below ln(FLT_MIN), the argument clamped to [ln FLT_MIN, ln FLT_MAX]. */
function onednnExp(x0: number): number {
  const zero = x0 < LN_FLT_MIN;
  const x = vmax(vmin(x0, LN_FLT_MAX), LN_FLT_MIN);
  const n = Math.floor(fr(fr(x * LOG2EF) + 0.5));
  const r = fmaf(-n, LN2F, x);
  const scale = zero ? 0 : fromBits((n + 127) << 23);
  let y = EXP_POL[4];
  for (let i = 3; i >= 0; i--) y = fmaf(y, r, EXP_POL[i]);
  y = fmaf(y, r, 1);
  return fr(y * scale);
}

/** erf(x) = sign(x)·(1 - r(t)·t·exp(-x²)), t = 1/(p|x| + 1), from q = -exp(-x²) (both passes share it). */
function erfFromNegExp(x: number, q: number): number {
  const t = fr(1 / fmaf(ERF_P, Math.abs(x), 1));
  const v = fr(q * t);
  let r = ERF_POL[4];
  for (let i = 3; i >= 0; i--) r = fmaf(r, t, ERF_POL[i]);
  const e = fmaf(v, r, 1);
  return x < 0 || Object.is(x, -0) ? -e : e;
}

/** gelu_erf_compute_vector_fwd: S + S·erf(s/√2) with S = 0.5·s. */
export function geluErfOnednn(s: number): number {
  const x = fr(s * ONE_OVER_SQRT_TWO);
  const erf = erfFromNegExp(x, -onednnExp(-fr(x * x)));
  const half = fr(s * 0.5);
  return fmaf(erf, half, half);
}

/** gelu_erf_compute_vector_bwd: d/ds = 0.5 + 0.5·erf(R) + R/√π·exp(-R²), R = s/√2. */
export function geluErfDerivativeOnednn(s: number): number {
  const R = fr(s * ONE_OVER_SQRT_TWO);
  const q = onednnExp(-fr(R * R));
  const T = fr(fr(R * ONE_OVER_SQRT_PI) * q);
  const erf = erfFromNegExp(R, -q);
  return fmaf(erf, 0.5, fr(T + 0.5));
}
