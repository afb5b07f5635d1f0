// Python's float formatting, exactly: repr(x) and format(x, spec) for the f / e / g types.
// Python rounds the exact binary value half-to-even; JS toFixed rounds ties up, so digits come from BigInt.

/** x = D · 10^-scale exactly, with D a non-negative integer (x finite, sign dropped). */
function exactDecimal(x: number): { D: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2 = biased - 1075;
  if (biased === 0) e2 = -1074;
  else mantissa |= 1n << 52n;
  if (e2 >= 0) return { D: mantissa << BigInt(e2), scale: 0 };
  return { D: mantissa * 5n ** BigInt(-e2), scale: -e2 };
}

/** Round D·10^-scale to `keep` fewer digits, half to even. */
function roundDrop(D: bigint, drop: number): bigint {
  if (drop <= 0) return D * 10n ** BigInt(-drop);
  const unit = 10n ** BigInt(drop);
  const q = D / unit;
  const r = D % unit;
  const twice = 2n * r;
  return twice > unit || (twice === unit && q % 2n === 1n) ? q + 1n : q;
}

function special(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** `format(x, '.{precision}f')`. */
export function formatFixed(x: number, precision: number): string {
  const s = special(x);
  if (s !== null) return s;
  const { D, scale } = exactDecimal(x);
  const digits = roundDrop(D, scale - precision).toString().padStart(precision + 1, '0');
  const int = digits.slice(0, digits.length - precision);
  return signOf(x) + (precision === 0 ? int : `${int}.${digits.slice(digits.length - precision)}`);
}

/** Mantissa digits (precision + 1 of them) and decimal exponent of x rounded half-even. */
function expParts(x: number, precision: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(precision + 1), exp: 0 };
  const { D, scale } = exactDecimal(x);
  const n = D.toString().length;
  let exp = n - 1 - scale;
  let q = roundDrop(D, n - (precision + 1));
  if (q.toString().length > precision + 1) {
    q /= 10n;
    exp += 1;
  }
  return { digits: q.toString(), exp };
}

function expSuffix(exp: number): string {
  return `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** `format(x, '.{precision}e')`: `1.2346e+01`. */
export function formatExp(x: number, precision: number): string {
  const s = special(x);
  if (s !== null) return s;
  const { digits, exp } = expParts(x, precision);
  const mantissa = precision === 0 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return signOf(x) + mantissa + expSuffix(exp);
}

/** `format(x, '.{precision}g')`: fixed or scientific by the exponent, trailing zeros removed. */
export function formatGeneral(x: number, precision: number): string {
  const s = special(x);
  if (s !== null) return s;
  const p = precision === 0 ? 1 : precision;
  const { exp } = expParts(x, p - 1);
  const strip = (t: string): string => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (exp >= -4 && exp < p) return strip(formatFixed(x, p - 1 - exp));
  const [m, e] = formatExp(x, p - 1).split('e');
  return `${strip(m)}e${e}`;
}

/** Python's `repr(x)`: shortest round-trip digits, fixed for 1e-4 <= |x| < 1e16, else scientific. */
export function pyRepr(x: number): string {
  const s = special(x);
  if (s !== null) return s;
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [m, e] = Math.abs(x).toExponential().split('e');
  const exp = Number(e);
  const digits = m.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}${expSuffix(exp)}`;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac === '' ? '0' : frac}`;
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(\d+)?(?:\.(\d+))?([efg%])?$/;

/** Python's `format(x, spec)` for `[[fill]align][sign][width][.precision][type]`, types e, f, g, %. */
export function pyFormat(x: number, spec: string): string {
  const m = SPEC.exec(spec);
  if (m === null) throw new RangeError(`unsupported format spec '${spec}'`);
  const [, fill = ' ', align = '>', sign = '-', width, prec, type] = m;
  const precision = prec === undefined ? 6 : Number(prec);
  let body: string;
  if (type === 'f') body = formatFixed(x, precision);
  else if (type === 'e') body = formatExp(x, precision);
  else if (type === '%') body = `${formatFixed(x * 100, precision)}%`;
  else if (type === 'g') body = formatGeneral(x, precision);
  else body = prec === undefined ? pyRepr(x) : formatGeneral(x, precision);
  if (sign !== '-' && !body.startsWith('-')) body = (sign === '+' ? '+' : ' ') + body;
  const w = width === undefined ? 0 : Number(width);
  if (body.length >= w) return body;
  const pad = fill.repeat(w - body.length);
  if (align === '<') return body + pad;
  if (align === '^') return pad.slice(0, Math.floor(pad.length / 2)) + body + pad.slice(Math.floor(pad.length / 2));
  if (align === '=' && /^[-+ ]/.test(body)) return body[0] + pad + body.slice(1);
  return pad + body;
}

/** printf-style `'%.6f' % x` and `'%.4e' % x`. */
export function pyPercent(fmt: string, x: number): string {
  const m = /^%(\d*)(?:\.(\d+))?([efg])$/.exec(fmt);
  if (m === null) throw new RangeError(`unsupported printf format '${fmt}'`);
  return pyFormat(x, `${m[1]}.${m[2] ?? '6'}${m[3]}`);
}
