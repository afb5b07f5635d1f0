// PyTorch's float32 elementary functions, bit for bit. PyTorch 1.13 on x86-64 (CPU capability AVX2)
// evaluates exp, sigmoid's exp and the like through SLEEF 3.5's AVX2 kernels (Sleef_expf8_u10, ...),
// whose results differ from the correctly rounded value in the last bit for a few percent of inputs.
// These are the same algorithms in float32 steps: each multiply and add rounded with Math.fround, and
// each of SLEEF's fused multiply-adds (vmla on AVX2 is vfmadd) rounded once, as the hardware does.
// SLEEF is Copyright Naoki Shibata and contributors, distributed under the Boost Software License 1.0;
// the algorithms and their polynomial coefficients are SLEEF's.

const fr = Math.fround;

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/**
 * a·b + c with one rounding to float32 (a fused multiply-add), for float32 a, b, c. The product is exact
 * in float64; the sum is rounded to odd there (exact enough that rounding it again to float32 is the
 * single correct rounding), then to float32.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s)) return fr(s);
  const v = s - p;
  const err = p - (s - v) + (c - v);
  if (err === 0) return fr(s);
  f64[0] = s;
  if ((u64[0] & 1n) === 0n) {
    // an even last bit: step one unit toward the exact sum (round to odd)
    u64[0] += err > 0 === s > 0 ? 1n : -1n;
    return fr(f64[0]);
  }
  return fr(s);
}

/** Round half to even, as the CPU's cvtps2dq does under the default rounding mode. */
export function rintf(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 2^q as a float32, for q in the normal exponent range (SLEEF's vpow2i). */
function pow2i(q: number): number {
  i32[0] = (q + 0x7f) << 23;
  return f32[0];
}

/** d·2^e in two float32 multiplications (SLEEF's vldexp2). */
function ldexp2(d: number, e: number): number {
  const h = e >> 1;
  return fr(fr(d * pow2i(h)) * pow2i(e - h));
}

const R_LN2F = fr(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = fr(0.693145751953125);
const L2LF = fr(1.428606765330187045e-6);
const EXP_POLY = [
  0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359, 0.0416664853692054748535156,
  0.166666671633720397949219, 0.5,
].map(fr);

/** PyTorch's float32 exp (SLEEF's xexpf, 1-ulp): Cody–Waite reduction by ln 2, a degree-7 polynomial. */
export function expf(d: number): number {
  if (d !== d) return NaN;
  if (d > 100) return Infinity;
  if (d < -104) return 0;
  const q = rintf(fr(d * R_LN2F));
  let s = fmaf(q, -L2UF, d);
  s = fmaf(q, -L2LF, s);
  let u = EXP_POLY[0];
  for (let i = 1; i < EXP_POLY.length; i++) u = fmaf(u, s, EXP_POLY[i]);
  u = fr(1 + fmaf(fr(s * s), u, s));
  return ldexp2(u, q);
}

/** PyTorch's float32 sigmoid: 1 / (1 + exp(-x)), each step in float32 (its vectorised CPU kernel). */
export function sigmoidf(x: number): number {
  return fr(1 / fr(1 + expf(fr(0 - x))));
}

/** PyTorch's float32 rsqrt: 1 / sqrt(x) with both steps rounded to float32. */
export function rsqrtf(x: number): number {
  return fr(1 / fr(Math.sqrt(x)));
}
