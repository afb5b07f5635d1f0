// glibc 2.36's erff (sysdeps/ieee754/flt-32/s_erff.c: Sun's fdlibm erf, converted to float by Ian Lance
// Taylor, Cygnus Support), which PyTorch's float32 calc_erfinv calls through std::erf: every step in
// float32, no fused multiply-adds (x86-64 glibc builds it without FMA), over glibc's expf.
// fdlibm: Copyright (C) 1993 by Sun Microsystems, Inc.; "Permission to use, copy, modify, and distribute
// this software is freely granted, provided that this notice is preserved."

import { expf } from './glibcf.js';

const fr = Math.fround;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

const TINY = fr(1e-30);
const ERX = fr(8.4506291151e-1);
const EFX = fr(1.2837916613e-1);
const PP = [1.2837916613e-1, -3.2504209876e-1, -2.8481749818e-2, -5.7702702470e-3, -2.3763017452e-5].map(fr);
const QQ = [0, 3.9791721106e-1, 6.5022252500e-2, 5.0813062117e-3, 1.3249473704e-4, -3.9602282413e-6].map(fr);
const PA = [-2.3621185683e-3, 4.1485610604e-1, -3.7220788002e-1, 3.1834661961e-1, -1.1089469492e-1, 3.5478305072e-2, -2.1663755178e-3].map(fr);
const QA = [0, 1.0642088205e-1, 5.4039794207e-1, 7.1828655899e-2, 1.2617121637e-1, 1.3637083583e-2, 1.1984500103e-2].map(fr);
const RA = [
  -9.8649440333e-3, -6.9385856390e-1, -1.0558626175e1, -6.2375331879e1, -1.6239666748e2, -1.8460508728e2, -8.1287437439e1, -9.8143291473,
].map(fr);
const SA = [0, 1.9651271820e1, 1.3765776062e2, 4.3456588745e2, 6.4538726807e2, 4.2900814819e2, 1.0863500214e2, 6.5702495575, -6.0424413532e-2].map(fr);
const RB = [-9.8649431020e-3, -7.9928326607e-1, -1.7757955551e1, -1.6063638306e2, -6.3756646729e2, -1.0250950928e3, -4.8351919556e2].map(fr);
const SB = [0, 3.0338060379e1, 3.2579251099e2, 1.5367296143e3, 3.1998581543e3, 2.5530502930e3, 4.7452853394e2, -2.2440952301e1].map(fr);

/** c[0] + s·(c[1] + s·(…)) in float32, Horner's rule as fdlibm writes it. */
function horner(c: readonly number[], s: number, from = 0): number {
  let v = c[c.length - 1];
  for (let i = c.length - 2; i >= from; i--) v = fr(c[i] + fr(s * v));
  return v;
}

/** 1 + s·(q[1] + s·(…)): fdlibm's denominators. */
function denominator(q: readonly number[], s: number): number {
  return fr(1 + fr(s * horner(q, s, 1)));
}

/** glibc's erff of a float32. */
export function erff(x0: number): number {
  f32[0] = x0;
  const x = f32[0];
  const hx = u32[0] | 0;
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7f800000) return fr((hx < 0 ? -1 : 1) + fr(1 / x));
  if (ix < 0x3f580000) {
    // |x| < 0.84375
    if (ix < 0x31800000) return ix < 0x04000000 ? fr(0.0625 * fr(fr(16 * x) + fr(fr(16 * EFX) * x))) : fr(x + fr(EFX * x));
    const z = fr(x * x);
    const y = fr(horner(PP, z) / denominator(QQ, z));
    return fr(x + fr(x * y));
  }
  if (ix < 0x3fa00000) {
    // 0.84375 <= |x| < 1.25
    const s = fr(Math.abs(x) - 1);
    const pq = fr(horner(PA, s) / denominator(QA, s));
    return hx >= 0 ? fr(ERX + pq) : fr(-ERX - pq);
  }
  if (ix >= 0x40c00000) return hx >= 0 ? fr(1 - TINY) : fr(TINY - 1);
  const ax = Math.abs(x);
  const s = fr(1 / fr(ax * ax));
  const tail = ix < 0x4036db6e;
  const R = horner(tail ? RA : RB, s);
  const S = denominator(tail ? SA : SB, s);
  f32[0] = ax;
  u32[0] &= 0xfffff000;
  const z = f32[0];
  const r = fr(expf(fr(fr(-z * z) - fr(0.5625))) * expf(fr(fr(fr(z - ax) * fr(z + ax)) + fr(R / S))));
  return hx >= 0 ? fr(1 - fr(r / ax)) : fr(fr(r / ax) - 1);
}
