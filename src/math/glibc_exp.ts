// glibc 2.36's double exp (Szabolcs Nagy's, sysdeps/ieee754/dbl-64/e_exp.c) as x86-64 glibc runs it on an
// FMA-capable CPU (the __exp_fma ifunc variant: the same C compiled with -mfma, a·b + c fused): PyTorch's
// scalar loops call it through std::exp, and so does glibc's erf. Its table of 2^(k/128) is computed here
// (integer roots), not copied.

import { hexFloat } from './hexfloat.js';
import { fma } from './sleef.js';

const N = 128;
const TABLE_BITS = 7;

/** floor(2^(k/N) · 2^p) for 0 <= k < N, by an integer N-th root. */
function exp2Scaled(k: number, p: bigint): bigint {
  const n = BigInt(N);
  const a = 1n << (n * p + BigInt(k));
  let x = BigInt(Math.floor(2 ** (k / N) * 2 ** 52)) << (p - 52n);
  for (let i = 0; i < 200; i++) {
    const next = ((n - 1n) * x + a / x ** (n - 1n)) / n;
    if (next >= x - 1n && next <= x + 1n) {
      x = next;
      break;
    }
    x = next;
  }
  while (x ** n > a) x -= 1n;
  while ((x + 1n) ** n <= a) x += 1n;
  return x;
}

/** [bits of T[k] (the relative tail), bits of H[k] (2^(k/N) rounded) - (k << 52)/N], e_exp_data.c's layout. */
function tableEntry(k: number): [bigint, bigint] {
  const p = 128n;
  const x = exp2Scaled(k, p);
  const drop = p - 52n;
  const h = (x + (1n << (drop - 1n))) >> drop; // H·2^52, a 53-bit integer
  const num = x - (h << drop);
  const tail = Number((num << 120n) / (h << drop)) * 2 ** -120;
  const f = new Float64Array([tail]);
  const tailBits = new BigUint64Array(f.buffer)[0];
  const hBits = 0x3ff0000000000000n + (h - (1n << 52n));
  return [tailBits, hBits - ((BigInt(k) << 52n) / BigInt(N))];
}

// NOTE: built on first use, not at load: its integer roots take ~50 ms, which every CLI start would pay
let TAB: readonly bigint[] | null = null;

function table(): readonly bigint[] {
  TAB ??= Array.from({ length: N }, (_, k) => tableEntry(k)).flat();
  return TAB;
}

const INVLN2N = hexFloat('0x1.71547652b82fep+0') * N;
const NEGLN2HIN = hexFloat('-0x1.62e42fefa0000p-8');
const NEGLN2LON = hexFloat('-0x1.cf79abc9e3b3ap-47');
const SHIFT = hexFloat('0x1.8p+52');
const C2 = hexFloat('0x1.ffffffffffdbdp-2');
const C3 = hexFloat('0x1.555555555543cp-3');
const C4 = hexFloat('0x1.55555cf172b91p-5');
const C5 = hexFloat('0x1.1111167a4d017p-7');

const d64 = new Float64Array(1);
const b64 = new BigUint64Array(d64.buffer);

function asDouble(bits: bigint): number {
  b64[0] = BigInt.asUintN(64, bits);
  return d64[0];
}

function top12(x: number): number {
  d64[0] = x;
  return Number(b64[0] >> 52n);
}

/** scale·(1 + tmp) where the scale's exponent over- or underflowed (e_exp.c's specialcase). */
function specialCase(tmp: number, sbits: bigint, ki: bigint): number {
  if ((ki & 0x80000000n) === 0n) {
    const scale = asDouble(sbits - (1009n << 52n));
    return 2 ** 1009 * (scale + scale * tmp);
  }
  const scale = asDouble(sbits + (1022n << 52n));
  let y = scale + scale * tmp;
  if (y < 1.0) {
    let lo = scale - y + scale * tmp;
    const hi = 1.0 + y;
    lo = 1.0 - hi + y + lo;
    y = hi + lo - 1.0;
    if (y === 0) y = 0;
  }
  return 2 ** -1022 * y;
}

/** glibc's exp. */
export function exp(x: number): number {
  let abstop = top12(x) & 0x7ff;
  if (abstop - 0x3c9 >= 0x408 - 0x3c9 || abstop < 0x3c9) {
    if (abstop < 0x3c9) return 1.0 + x;
    if (abstop >= 0x409) {
      if (x === -Infinity) return 0;
      if (abstop >= 0x7ff) return 1.0 + x;
      return x < 0 ? 0 : Infinity;
    }
    abstop = 0;
  }
  const z = INVLN2N * x;
  d64[0] = z + SHIFT;
  const ki = b64[0];
  const kd = d64[0] - SHIFT;
  const r = fma(kd, NEGLN2LON, fma(kd, NEGLN2HIN, x));
  const idx = Number(2n * (ki % BigInt(N)));
  const top = BigInt.asUintN(64, ki << BigInt(52 - TABLE_BITS));
  const tab = table();
  const tail = asDouble(tab[idx]);
  const sbits = BigInt.asUintN(64, tab[idx + 1] + top);
  const r2 = r * r;
  const tmp = fma(r2 * r2, fma(r, C5, C4), fma(r2, fma(r, C3, C2), tail + r));
  if (abstop === 0) return specialCase(tmp, sbits, ki);
  const scale = asDouble(sbits);
  return fma(scale, tmp, scale);
}
