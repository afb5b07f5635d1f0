// NOTE: PyTorch's AVX2 kernels are built with -mfma and GCC contracts `x * scale + shift` into one FMA,
// so those steps are fused here too (fma32 / fma64).
// PyTorch 1.13's CPU sampling kernels over a Generator, filling flat storage in order
// (aten/src/ATen/native/cpu/DistributionTemplates.h, core/DistributionsHelper.h, core/TransformationHelper.h).

import type { Generator } from './generator.js';
import { fma32, fma64 } from '../math/fma.js';
import { log256, sincos256 } from './avx_mathfun.js';
import { sincosFast } from '../math/sincos_fast.js';
import { log } from '../math/glibc_log.js';

const f = Math.fround;
type Out = { length: number; [i: number]: number };
/** [sin, cos] of the current Box–Muller angle (sincosFast writes here: no allocation per draw). */
const SINCOS = new Float64Array(2);
/** Whether values are stored as float32 (arithmetic in float32, the 24-bit uniform). */
export type Precision = 'float32' | 'float64';

/** uniform_real_distribution<T>(from, to), T = float: float32 steps; T = double: 53 bits. */
export function uniformFill(g: Generator, out: Out, precision: Precision, from: number, to: number): void {
  if (precision === 'float32') {
    const lo = f(from);
    const range = f(f(to) - lo);
    for (let i = 0; i < out.length; i++) out[i] = fma32(g.nextFloat24(), range, lo);
  } else {
    const range = to - from;
    for (let i = 0; i < out.length; i++) out[i] = fma64(g.nextDouble53(), range, from);
  }
}

/**
 * normal_distribution<double>: Box–Muller over two 53-bit uniforms, the sine cached for the next call.
 * NOTE: glibc's log (ported, src/math/glibc_log.ts) of 1 - u2, as DistributionsHelper.h writes it (not
 * log1p), and correctly rounded sin/cos (src/math/sincos_fast.ts), as glibc's are but for rare arguments
 * (V8's Math.sin/cos differ from glibc's for ~3%; glibc's own is LGPL).
 */
export function normalDouble(g: Generator, mean: number, std: number): number {
  if (g.nextDoubleNormal !== null) {
    const v = g.nextDoubleNormal;
    g.nextDoubleNormal = null;
    return fma64(v, std, mean);
  }
  const u1 = g.nextDouble53();
  const u2 = g.nextDouble53();
  const r = Math.sqrt(-2.0 * log(1.0 - u2));
  sincosFast(2.0 * Math.PI * u1, SINCOS);
  g.nextDoubleNormal = r * SINCOS[0];
  return fma64(r * SINCOS[1], std, mean);
}

/**
 * normal_kernel: under 16 elements one cached Box–Muller draw each (in double, then stored); from 16 on,
 * normal_fill: all uniforms first, then Box–Muller on blocks of 16 (u1 from the first 8, u2 from the last
 * 8), and when the size is not a multiple of 16 the last 16 are drawn again and recomputed.
 */
export function normalFill(g: Generator, out: Out, precision: Precision, mean: number, std: number): void {
  const n = out.length;
  if (n < 16) {
    for (let i = 0; i < n; i++) out[i] = normalDouble(g, mean, std);
    return;
  }
  const block = precision === 'float32' ? normalBlock16Avx2 : normalBlock16Double;
  const m = precision === 'float32' ? f(mean) : mean;
  const s = precision === 'float32' ? f(std) : std;
  const draw = precision === 'float32' ? () => g.nextFloat24() : () => g.nextDouble53();
  for (let i = 0; i < n; i++) out[i] = draw();
  for (let i = 0; i + 16 <= n; i += 16) block(out, i, m, s);
  if (n % 16 !== 0) {
    const start = n - 16;
    for (let i = 0; i < 16; i++) out[start + i] = draw();
    block(out, start, m, s);
  }
}

/** normal_fill_16<double>: glibc's log (ported) and correctly rounded sin/cos (sincosFast), as glibc's are but rarely. */
function normalBlock16Double(d: Out, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - d[at + j];
    const u2 = d[at + j + 8];
    const radius = Math.sqrt(-2 * log(u1));
    sincosFast(2.0 * Math.PI * u2, SINCOS);
    d[at + j] = fma64(radius * SINCOS[1], std, mean);
    d[at + j + 8] = fma64(radius * SINCOS[0], std, mean);
  }
}

const TWO_PI_F = f(2 * Math.PI);

/** normal_fill_16_AVX2: float32 lanes, avx_mathfun's log and sincos, the result by one fused multiply-add. */
function normalBlock16Avx2(d: Out, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - d[at + j]);
    const u2 = d[at + j + 8];
    const radius = f(Math.sqrt(f(-2 * log256(u1))));
    const [sin, cos] = sincos256(f(TWO_PI_F * u2));
    d[at + j] = fma32(f(radius * cos), std, mean);
    d[at + j + 8] = fma32(f(radius * sin), std, mean);
  }
}

/**
 * random_(from, to): uniform_int_from_to_distribution, (draw % range) + from, with a 64-bit draw when the
 * range is 2^32 or more and a 32-bit one otherwise.
 */
export function randomFromToFill(g: Generator, out: Out, from: number, range: bigint): void {
  if (range >= 1n << 32n) {
    const base = BigInt(from);
    for (let i = 0; i < out.length; i++) out[i] = Number(g.random64() % range + base);
  } else {
    const r = Number(range);
    for (let i = 0; i < out.length; i++) out[i] = (g.random() % r) + from;
  }
}

/** random_() without bounds: [0, 2^24] for float32, [0, 2^53] for float64 (random64 % (2^53 + 1)). */
export function randomFullFill(g: Generator, out: Out, precision: Precision): void {
  if (precision === 'float32') {
    for (let i = 0; i < out.length; i++) out[i] = g.random() % 16777217;
  } else {
    const m = (1n << 53n) + 1n;
    for (let i = 0; i < out.length; i++) out[i] = Number(g.random64() % m);
  }
}

/** random_() of an int64 scalar: random64 % 2^63, exact as a bigint (RandomSampler's seed). */
export function randomInt64(g: Generator): bigint {
  return g.random64() & ((1n << 63n) - 1n);
}

/**
 * r % m for integers 0 <= r, m < 2^32, without `%` on doubles (a call to fmod in V8: most of a million-row
 * randperm's time). q·m is exact (< 2^53); the quotient, rounded, may be one off, which the tests correct.
 */
function uint32Mod(r: number, m: number): number {
  const z = r - Math.floor(r / m) * m;
  return z < 0 ? z + m : z >= m ? z - m : z;
}

/** randpermFill's block of draws. */
const DRAWS = new Uint32Array(4096);

/** Fisher-Yates steps i0..i0 + m of randperm_cpu, with the draws in DRAWS. */
function swaps(out: Out, n: number, i0: number, m: number): void {
  for (let k = 0; k < m; k++) {
    const i = i0 + k;
    const z = uint32Mod(DRAWS[k], n - i);
    const t = out[i];
    out[i] = out[z + i];
    out[z + i] = t;
  }
}

/**
 * randperm_cpu: for n < (2^32 - 1) / 20, identity then for i in [0, n-1) swap i with i + random() % (n - i);
 * beyond, the inside-out shuffle with random64() % (i + 1).
 */
export function randpermFill(g: Generator, out: Out, n: number): void {
  if (n < Math.floor(4294967295 / 20)) {
    for (let i = 0; i < n; i++) out[i] = i;
    // the draws made a block at a time (the same draws in the same order as one random() per swap)
    for (let i0 = 0; i0 < n - 1; i0 += DRAWS.length) {
      const m = Math.min(DRAWS.length, n - 1 - i0);
      g._randomFill(DRAWS, m);
      swaps(out, n, i0, m);
    }
    return;
  }
  // NOTE: the large-n kernel (the inside-out shuffle over random64) is recalled from PyTorch's source,
  // not checked against it: no fixture can hold 2^32 / 20 elements
  for (let i = 0; i < n; i++) {
    const z = Number(g.random64() % BigInt(i + 1));
    out[i] = out[z];
    out[z] = i;
  }
}

/** The draws randpermFill(g, ·, n) makes, without the permutation (one that is thrown away). */
export function skipRandperm(g: Generator, n: number): void {
  g._skip(n < Math.floor(4294967295 / 20) ? Math.max(0, n - 1) : 2 * n); // random() each, or random64()
}

/** bernoulli_(p) with a float p: bernoulli_distribution<double>, u53 < p. */
export function bernoulliScalarFill(g: Generator, out: Out, p: number): void {
  for (let i = 0; i < out.length; i++) out[i] = g.nextDouble53() < p ? 1 : 0;
}

/** bernoulli(probs): a 24-bit float draw against float32 probabilities, a 53-bit one against float64. */
export function bernoulliTensorFill(g: Generator, out: Out, probs: Out, precision: Precision): void {
  for (let i = 0; i < out.length; i++) {
    const u = precision === 'float32' ? g.nextFloat24() : g.nextDouble53();
    out[i] = u < probs[i] ? 1 : 0;
  }
}

/** exponential_(lambda): exponential_distribution<double>, -1/lambda · log(1 - u53) with glibc's log (ported). */
export function exponentialFill(g: Generator, out: Out, lambda: number): void {
  for (let i = 0; i < out.length; i++) out[i] = (-1.0 / lambda) * log(1.0 - g.nextDouble53());
}
