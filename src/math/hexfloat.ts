// C's hexadecimal floating literals (`0x1.8p+52`), for constants quoted from C sources exactly.

/** The double a C hex float literal denotes (its significand must fit 53 bits). */
export function hexFloat(literal: string): number {
  const m = /^(-?)0x([0-9a-f]+)\.?([0-9a-f]*)p([+-]?\d+)$/i.exec(literal);
  if (m === null) throw new Error(`bad hex float ${literal}`);
  const digits = BigInt(`0x${m[2]}${m[3]}`);
  const v = Number(digits) * 2 ** (Number(m[4]) - 4 * m[3].length);
  return m[1] === '-' ? -v : v;
}
