// The fused multiply-add the optimizers use (PyTorch's AVX2 kernels fuse add(alpha=) and addcmul):
// float64 and float32 results against exact BigInt arithmetic, on seeded random and special operands.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decompose, fma32, fma64, fmaExact } from '../../src/math/fma.js';

/** xorshift64*: a seeded stream of 64-bit patterns. */
function bitsStream(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  };
}

const view = new DataView(new ArrayBuffer(8));

function doubleFromBits(b: bigint): number {
  view.setBigUint64(0, b);
  return view.getFloat64(0);
}

function float32FromBits(b: number): number {
  view.setUint32(0, b >>> 0);
  return view.getFloat32(0);
}

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** A double with a random sign and mantissa and an exponent in [lo, hi]. */
function randomDouble(next: () => bigint, lo: number, hi: number): number {
  const m = 1 + Number(next() >> 12n) / 2 ** 52;
  const e = lo + Number(next() % BigInt(hi - lo + 1));
  return (next() & 1n ? -1 : 1) * m * 2 ** e;
}

test('fma64 equals exact BigInt rounding: random bit patterns, wide exponents, cancellations', () => {
  const next = bitsStream(20240613n);
  let checked = 0;
  for (let i = 0; i < 60000; i++) {
    const kind = i % 4;
    const a = kind === 0 ? doubleFromBits(next()) : randomDouble(next, kind === 1 ? -1074 : -40, kind === 1 ? 1023 : 40);
    const b = kind === 0 ? doubleFromBits(next()) : randomDouble(next, kind === 1 ? -1074 : -40, kind === 1 ? 1023 : 40);
    // c near -a·b half of the time: the exact rest decides the rounding
    const c = i % 2 === 0 ? -(a * b) * (1 + randomDouble(next, -60, -20)) : randomDouble(next, -1074, 1023);
    if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || a === 0 || b === 0) continue;
    const expected = fmaExact(a, b, c);
    assert.ok(same(fma64(a, b, c), expected), `fma64(${a}, ${b}, ${c}) = ${fma64(a, b, c)}, exact ${expected}`);
    checked++;
  }
  assert.ok(checked > 50000);
});

test('fma64 special operands: IEEE semantics of one rounding', () => {
  const cases: Array<[number, number, number, number]> = [
    [Infinity, 0, 1, NaN],
    [Infinity, 2, -Infinity, NaN],
    [1e308, 10, -Infinity, -Infinity],
    [1e308, 2, -1e308, 1e308], // a·b overflows, the fused result does not
    [-0, 1, -0, -0],
    [0, -1, 0, 0],
    [1, 1, -1, 0],
    [5e-324, 0.5, 0, 0], // 2^-1075: a tie, to even (0)
    [5e-324, 1.5, 0, 1e-323], // 1.5 units: a tie, to even (2 units)
    [1e-200, 1e-200, 1e-320, 1e-320],
    [1e-200, 1e-200, -0, 0], // 1e-400 underflows to +0
    [-1e-200, 1e-200, 0, -0],
    [2 ** 600, 2 ** 500, -(2 ** 1023), Infinity],
    [1 + 2 ** -52, 1 - 2 ** -53, -1, 2 ** -53 - 2 ** -105],
    [0.1, 10, -1, 5.551115123125783e-17],
  ];
  for (const [a, b, c, expected] of cases) assert.ok(same(fma64(a, b, c), expected), `fma64(${a}, ${b}, ${c}) = ${fma64(a, b, c)}, expected ${expected}`);
});

/** Whether f is the float32 nearest to a·b + c (ties to even), by exact arithmetic on m·2^e. */
function isNearestFloat32(f: number, a: number, b: number, c: number): boolean {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ef = decompose(f)[1];
  const e = Math.min(ea + eb, ec, ef - 1);
  const exact = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  const at = (x: number): bigint => {
    const [m, k] = decompose(x);
    return m << BigInt(k - e);
  };
  view.setFloat32(0, f);
  const fb = view.getUint32(0);
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  const dist = abs(exact - at(f));
  for (const nb of [float32FromBits(fb + 1), float32FromBits(fb - 1)]) {
    if (!Number.isFinite(nb)) continue;
    const e2 = Math.min(e, decompose(nb)[1]);
    const scale = BigInt(e - e2);
    const d2 = abs((exact << scale) - (decompose(nb)[0] << BigInt(decompose(nb)[1] - e2)));
    const d1 = dist << scale;
    if (d2 < d1 || (d2 === d1 && (fb & 1) === 1)) return false;
  }
  return true;
}

test('fma32 rounds a·b + c once to float32 (the double sum would round twice)', () => {
  const next = bitsStream(7n);
  const f32 = (lo: number, hi: number): number => Math.fround(randomDouble(next, lo, hi));
  let checked = 0;
  for (let i = 0; i < 60000; i++) {
    const a = f32(-60, 60);
    const b = f32(-60, 60);
    const c = i % 2 === 0 ? Math.fround(-(a * b) * (1 + randomDouble(next, -30, -10))) : f32(-120, 120);
    if (c === 0) continue;
    const r = fma32(a, b, c);
    if (r === 0 || !Number.isFinite(r)) continue;
    assert.ok(isNearestFloat32(r, a, b, c), `fma32(${a}, ${b}, ${c}) = ${r}`);
    checked++;
  }
  assert.ok(checked > 50000);
});

test('fma32 at the ties the double sum cannot see', () => {
  // 641·6700417 = 2^32 + 1: a·b = 2^-24 + 2^-56, so 1 + a·b is just above the float32 tie 1 + 2^-24
  const a = 641 * 2 ** -10;
  const b = 6700417 * 2 ** -46;
  assert.equal(fma32(a, b, 1), 1 + 2 ** -23);
  assert.equal(Math.fround(a * b + 1), 1); // the double sum lands on the tie, which goes to even
  assert.ok(isNearestFloat32(1 + 2 ** -23, a, b, 1) && !isNearestFloat32(1, a, b, 1));
  // 65535·65537 = 2^32 - 1: just below the tie between 1 + 2^-23 and 1 + 2^-22
  const c = 65535 * 2 ** -28;
  const d = 65537 * 2 ** -28;
  assert.equal(fma32(c, d, 1 + 2 ** -23), 1 + 2 ** -23);
  assert.equal(Math.fround(c * d + (1 + 2 ** -23)), 1 + 2 ** -22);
  assert.ok(Number.isNaN(fma32(Infinity, 0, 1)));
  const big = Math.fround(3e38);
  assert.equal(fma32(big, 2, -big), big);
  assert.equal(fma32(big, 2, 0), Infinity);
});
