// glibc 2.36's logf (sysdeps/ieee754/flt-32/e_logf.c, Szabolcs Nagy's code from ARM's optimized-routines,
// MIT licensed there) as x86-64 glibc runs it on an FMA-capable CPU: the __logf_fma ifunc variant, the
// same C compiled with -mfma, its a·b + c steps fused. Evaluated in double, rounded once to float.
// Checked against libm.so.6 (test/fixtures/c/glibc_libm.json). PyTorch's float32 calc_erfinv calls it.

import { hexFloat } from './hexfloat.js';
import { fma64 as fma } from './fma.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** e_logf_data.c: for 16 subintervals of [0x1.66p-1, 0x1.66p0), invc ≈ 1/c and logc = log(c). */
const INVC = [
  '0x1.661ec79f8f3bep+0', '0x1.571ed4aaf883dp+0', '0x1.49539f0f010bp+0', '0x1.3c995b0b80385p+0', '0x1.30d190c8864a5p+0',
  '0x1.25e227b0b8eap+0', '0x1.1bb4a4a1a343fp+0', '0x1.12358f08ae5bap+0', '0x1.0953f419900a7p+0', '0x1p+0',
  '0x1.e608cfd9a47acp-1', '0x1.ca4b31f026aap-1', '0x1.b2036576afce6p-1', '0x1.9c2d163a1aa2dp-1', '0x1.886e6037841edp-1',
  '0x1.767dcf5534862p-1',
].map(hexFloat);
const LOGC = [
  '-0x1.57bf7808caadep-2', '-0x1.2bef0a7c06ddbp-2', '-0x1.01eae7f513a67p-2', '-0x1.b31d8a68224e9p-3', '-0x1.6574f0ac07758p-3',
  '-0x1.1aa2bc79c81p-3', '-0x1.a4e76ce8c0e5ep-4', '-0x1.1973c5a611cccp-4', '-0x1.252f438e10c1ep-5', '0x0p+0',
  '0x1.aa5aa5df25984p-5', '0x1.c5e53aa362eb4p-4', '0x1.526e57720db08p-3', '0x1.bc2860d22477p-3', '0x1.1058bc8a07ee1p-2',
  '0x1.4043057b6ee09p-2',
].map(hexFloat);
const LN2 = hexFloat('0x1.62e42fefa39efp-1');
const A = ['-0x1.00ea348b88334p-2', '0x1.5575b0be00b6ap-2', '-0x1.ffffef20a4123p-2'].map(hexFloat);
const OFF = 0x3f330000;

/** glibc's logf of a float32. */
export function logf(x0: number): number {
  f32[0] = x0;
  let ix = u32[0];
  if (ix === 0x3f800000) return 0;
  if ((ix - 0x00800000) >>> 0 >= 0x7f800000 - 0x00800000) {
    // below 2^-126, negative, inf or nan
    if ((ix & 0x7fffffff) === 0) return -Infinity;
    if (ix === 0x7f800000) return Infinity;
    if (ix & 0x80000000 || (ix & 0x7fffffff) > 0x7f800000) return NaN;
    // subnormal: scale by 2^23 and take 23 off the exponent
    f32[0] = f32[0] * 2 ** 23;
    ix = u32[0] - (23 << 23);
  }
  // x = 2^k·z with z in [OFF, 2·OFF), subinterval i
  const tmp = (ix - OFF) | 0;
  const i = (tmp >>> 19) & 15;
  const k = tmp >> 23;
  u32[0] = (ix - (tmp & (0x1ff << 23))) >>> 0;
  const z = f32[0];
  const r = fma(z, INVC[i], -1);
  const y0 = fma(k, LN2, LOGC[i]);
  const r2 = r * r;
  let y = fma(A[1], r, A[2]);
  y = fma(A[0], r2, y);
  y = fma(y, r2, y0 + r);
  return Math.fround(y);
}
