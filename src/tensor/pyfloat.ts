// Python's float formatting, exactly: repr(x), format(x, spec) and printf-style '%.6f' % x.
// Python rounds the exact binary value half-to-even; JS toFixed rounds ties away from zero, so digits come from BigInt.

import { ArgumentTypeError, ValueError } from '../errors.js';

/** |x| = digits · 10^-scale exactly (x finite): every double is a dyadic rational, so a finite decimal. */
interface ExactDecimal {
  digits: bigint;
  scale: number;
}

function exactDecimal(x: number): ExactDecimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // value = mantissa · 2^e2; subnormals have no implicit leading bit and the minimum exponent
  let e2 = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    e2 = biased - 1075;
  }
  if (e2 >= 0) return { digits: mantissa << BigInt(e2), scale: 0 };
  // m · 2^-k = m · 5^k · 10^-k
  return { digits: mantissa * 5n ** BigInt(-e2), scale: -e2 };
}

/** digits · 10^-drop rounded to an integer, ties to even (drop <= 0 scales up exactly). */
function roundHalfEven(digits: bigint, drop: number): bigint {
  if (drop <= 0) return digits * 10n ** BigInt(-drop);
  const unit = 10n ** BigInt(drop);
  const q = digits / unit;
  const twice = 2n * (digits % unit);
  return twice > unit || (twice === unit && q % 2n === 1n) ? q + 1n : q;
}

/** Python's text for the non-finite values (a NaN's sign is never shown). */
function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

/** '-' for negative values including -0.0, as Python prints them. */
function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/**
 * Whether x · 10^places can be an exact tie (an odd multiple of 1/2): x · 10^places · 2 = x · 2^(places+1) · 5^places
 * with 5^places odd, so only when x · 2^(places+1) is an integer. Scaling by a power of two is exact.
 * Away from ties JS's toFixed / toExponential are correctly rounded, so they give Python's digits.
 */
function tieIsPossible(x: number, places: number): boolean {
  return places < 0 || Number.isInteger(x * 2 ** (places + 1));
}

/** `format(x, '.{precision}f')`, rounded half-even on the exact value. */
export function formatFixed(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  // NOTE: the fast path leaves out ties, -0.0 (toFixed drops its sign) and toFixed's limits; an integer has no tie
  const noTie = (Number.isInteger(x) && !Object.is(x, -0)) || !tieIsPossible(x, precision);
  if (Math.abs(x) < 1e21 && precision <= 100 && noTie) return x.toFixed(precision);
  const { digits, scale } = exactDecimal(x);
  const text = roundHalfEven(digits, scale - precision).toString().padStart(precision + 1, '0');
  const intPart = text.slice(0, text.length - precision);
  return signOf(x) + (precision === 0 ? intPart : `${intPart}.${text.slice(text.length - precision)}`);
}

/** The precision + 1 significant digits of |x| (rounded half-even) and its decimal exponent after rounding. */
function significant(x: number, precision: number): { text: string; exp: number } {
  if (x === 0) return { text: '0'.repeat(precision + 1), exp: 0 };
  const { digits, scale } = exactDecimal(x);
  const length = digits.toString().length;
  let rounded = roundHalfEven(digits, length - (precision + 1));
  let exp = length - 1 - scale;
  // rounding 9.99… up adds a digit: 10^(precision+1) becomes 1.00…·10^(exp+1)
  if (rounded.toString().length > precision + 1) {
    rounded /= 10n;
    exp += 1;
  }
  return { text: rounded.toString(), exp };
}

/** Python's exponent: a sign and at least two digits (`e+01`, `e-05`, `e+308`). */
function exponentSuffix(exp: number): string {
  return `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** `format(x, '.{precision}e')`: `1.2346e+01`. */
export function formatExp(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  if (x !== 0 && precision <= 100) {
    const fast = x.toExponential(precision);
    const exp = Number(fast.slice(fast.indexOf('e') + 1));
    // the kept digits end at 10^(exp - precision), or one place further right when rounding carried into exp
    if (!tieIsPossible(x, precision - exp + 1)) return fast.slice(0, fast.indexOf('e')) + exponentSuffix(exp);
  }
  const { text, exp } = significant(x, precision);
  const mantissa = precision === 0 ? text : `${text[0]}.${text.slice(1)}`;
  return signOf(x) + mantissa + exponentSuffix(exp);
}

function stripZeros(mantissa: string): string {
  return mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
}

/**
 * `format(x, '.{precision}g')`. With `addDot0` it is the spec without a type (`'.3'`): fixed notation keeps
 * a `.0` and scientific starts one exponent earlier (CPython's Py_DTSF_ADD_DOT_0).
 */
export function formatGeneral(x: number, precision: number, addDot0 = false): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const p = precision === 0 ? 1 : precision;
  const { exp } = significant(x, p - 1);
  const limit = addDot0 ? p - 1 : p;
  if (exp < -4 || exp >= limit) {
    const [mantissa, e] = formatExp(x, p - 1).split('e');
    return `${stripZeros(mantissa)}e${e}`;
  }
  const fixed = stripZeros(formatFixed(x, p - 1 - exp));
  return addDot0 && !fixed.includes('.') ? `${fixed}.0` : fixed;
}

/** Python's `repr(x)`: the shortest round-trip digits, fixed for 1e-4 <= |x| < 1e16, else scientific. */
export function pyRepr(x: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the same shortest round-trip digits as Python's dtoa mode 0
  const [mantissa, e] = Math.abs(x).toExponential().split('e');
  const exp = Number(e);
  const digits = mantissa.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${fraction}${exponentSuffix(exp)}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fraction = digits.slice(exp + 1);
  return `${sign}${intPart}.${fraction === '' ? '0' : fraction}`;
}

/** A parsed `[[fill]align][sign][0][width][.precision][type]`. */
interface FormatSpec {
  fill: string;
  align: string;
  sign: string;
  width: number;
  precision: number | null;
  type: string;
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(0)?(\d+)?(?:\.(\d+))?([eEfFgG%])?$/s;

function parseSpec(spec: string): FormatSpec {
  const m = SPEC.exec(spec);
  if (m === null) {
    throw new ValueError(`Invalid format specifier '${spec}' for object of type 'float' (supported: [[fill]align][sign][0][width][.precision][eEfFgG%])`);
  }
  const [, fill, align, sign, zero, width, precision, type] = m;
  // a '0' before the width means zero fill, and sign-aware padding when no alignment is given
  const zeroFill = zero !== undefined && fill === undefined;
  return {
    fill: fill ?? (zeroFill ? '0' : ' '),
    align: align ?? (zeroFill ? '=' : '>'),
    sign: sign ?? '-',
    width: width === undefined ? 0 : Number(width),
    precision: precision === undefined ? null : Number(precision),
    type: type ?? '',
  };
}

/** The number's text for a spec's type and precision, before sign option and padding. */
function formatBody(x: number, type: string, precision: number | null): string {
  const p = precision ?? 6;
  switch (type.toLowerCase()) {
    case 'f':
      return formatFixed(x, p);
    case 'e':
      return formatExp(x, p);
    case 'g':
      return formatGeneral(x, p);
    case '%':
      // NOTE: CPython multiplies by 100 in double precision first, then formats with 'f'
      return `${formatFixed(x * 100, p)}%`;
    default:
      return precision === null ? pyRepr(x) : formatGeneral(x, precision, true);
  }
}

function pad(body: string, spec: FormatSpec): string {
  const missing = spec.width - body.length;
  if (missing <= 0) return body;
  const filler = (n: number): string => spec.fill.repeat(n);
  switch (spec.align) {
    case '<':
      return body + filler(missing);
    case '^':
      return filler(Math.floor(missing / 2)) + body + filler(missing - Math.floor(missing / 2));
    case '=':
      return /^[-+ ]/.test(body) ? body[0] + filler(missing) + body.slice(1) : filler(missing) + body;
    default:
      return filler(missing) + body;
  }
}

/** Python's `format(x, spec)` for `[[fill]align][sign][0][width][.precision][type]`, types e E f F g G % or none. */
export function pyFormat(x: number, spec: string): string {
  const parsed = parseSpec(spec);
  let body = formatBody(x, parsed.type, parsed.precision);
  if (parsed.type === 'E' || parsed.type === 'F' || parsed.type === 'G') body = body.toUpperCase();
  if (parsed.sign !== '-' && !body.startsWith('-')) body = parsed.sign + body;
  return pad(body, parsed);
}

// flags, width, precision, conversion character (empty when the format ends after '%')
const CONVERSION = /%([-+ 0#]*)(\d*)(?:\.(\d*))?(.?)/gs;

/** One printf float conversion as a format spec: flags '-' left-align, '0' zero-pad, '+' and ' ' sign. */
function conversionSpec(flags: string, width: string, precision: string | undefined, type: string): string {
  if (flags.includes('#')) throw new ValueError("printf flag '#' is not supported");
  const align = flags.includes('-') ? '<' : '';
  const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const zero = flags.includes('0') && align === '' ? '0' : '';
  // '%.f' means precision 0
  const prec = precision === undefined ? '' : `.${precision === '' ? '0' : precision}`;
  return `${align}${sign}${zero}${width}${prec}${type}`;
}

/** `'%s' % x` / `'%r' % x`: repr(x), cut to the precision, space-padded (sign and zero flags do not apply). */
function stringConversion(x: number, flags: string, width: string, precision: string | undefined): string {
  let text = pyRepr(x);
  if (precision !== undefined) text = text.slice(0, Number(precision === '' ? '0' : precision));
  const w = width === '' ? 0 : Number(width);
  return flags.includes('-') ? text.padEnd(w, ' ') : text.padStart(w, ' ');
}

/** printf-style `fmt % x` with exactly one conversion (`'%.6f'`, `'w=%10.4e!'`); `%%` is a literal percent. */
export function pyPercent(fmt: string, x: number): string {
  let used = 0;
  const convert = (match: string, flags: string, width: string, precision: string | undefined, type: string, at: number): string => {
    if (type === '%') return '%';
    if (type === '') throw new ValueError('incomplete format');
    if (!'eEfFgGrs'.includes(type)) {
      const code = type.charCodeAt(0).toString(16);
      throw new ValueError(`unsupported format character '${type}' (0x${code}) at index ${at + match.length - 1}`);
    }
    used += 1;
    if (used > 1) return '';
    if (type === 's' || type === 'r') return stringConversion(x, flags, width, precision);
    return pyFormat(x, conversionSpec(flags, width, precision, type));
  };
  const out = fmt.replace(CONVERSION, convert);
  if (used === 0) throw new ArgumentTypeError('not all arguments converted during string formatting');
  if (used > 1) throw new ArgumentTypeError('not enough arguments for format string');
  return out;
}
