// torch.finfo and torch.iinfo: a floating or integer dtype's limits, with Python's attributes and repr
// (`finfo(resolution=1e-06, min=-3.40282e+38, ..., dtype=float32)`, each value as '{:g}' formats it).
// int64's limits are bigints (a JavaScript number cannot hold 2^63 - 1).

import { ArgumentTypeError } from '../errors.js';
import { get_default_dtype, type DType } from './dtype.js';
import { pyFormat } from './pyfloat.js';

/** A dtype's name without `torch.`, whether given as a string or (after the dtype refactor) an object. */
function dtypeName(dtype: DType | { toString(): string }): string {
  return String(dtype).replace(/^torch\./, '');
}

const g = (v: number | bigint): string => pyFormat(Number(v), 'g');

/** torch.finfo(dtype): bits, eps, max, min, tiny (= smallest_normal), resolution and the dtype's name. */
export class FInfo {
  readonly bits: number;
  readonly eps: number;
  readonly max: number;
  readonly min: number;
  readonly tiny: number;
  readonly smallest_normal: number;
  readonly resolution: number;
  readonly dtype: string;

  constructor(type: DType | { toString(): string } = get_default_dtype()) {
    const name = dtypeName(type);
    if (name !== 'float32' && name !== 'float64') {
      throw new ArgumentTypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
    }
    const single = name === 'float32';
    this.bits = single ? 32 : 64;
    this.eps = single ? 2 ** -23 : Number.EPSILON;
    this.max = single ? (2 - 2 ** -23) * 2 ** 127 : Number.MAX_VALUE;
    this.min = -this.max;
    this.tiny = single ? 2 ** -126 : 2 ** -1022;
    this.smallest_normal = this.tiny;
    // 10 ** -floor(digits), digits = floor(log10(2) · mantissa bits): 6 and 15 digits
    this.resolution = single ? 1e-6 : 1e-15;
    this.dtype = name;
  }

  toString(): string {
    return `finfo(resolution=${g(this.resolution)}, min=${g(this.min)}, max=${g(this.max)}, eps=${g(this.eps)}, smallest_normal=${g(this.smallest_normal)}, tiny=${g(this.tiny)}, dtype=${this.dtype})`;
  }
}

const INTEGER_BITS: Record<string, number> = { int64: 64, int32: 32, int16: 16, int8: 8, uint8: 8 };

/** torch.iinfo(dtype): bits, max and min (bigints for int64) and the dtype's name. */
export class IInfo {
  readonly bits: number;
  readonly max: number | bigint;
  readonly min: number | bigint;
  readonly dtype: string;

  constructor(type?: DType | { toString(): string }) {
    if (type === undefined) throw new ArgumentTypeError('iinfo() missing 1 required positional arguments: "type"');
    const name = dtypeName(type);
    if (name === 'bool') throw new ArgumentTypeError('torch.bool is not supported by torch.iinfo');
    const bits = INTEGER_BITS[name];
    if (bits === undefined) throw new ArgumentTypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
    this.bits = bits;
    if (name === 'int64') {
      this.max = 2n ** 63n - 1n;
      this.min = -(2n ** 63n);
    } else {
      this.max = name === 'uint8' ? 255 : 2 ** (bits - 1) - 1;
      this.min = name === 'uint8' ? 0 : -(2 ** (bits - 1));
    }
    this.dtype = name;
  }

  toString(): string {
    return `iinfo(min=${g(this.min)}, max=${g(this.max)}, dtype=${this.dtype})`;
  }
}

/** `torch.finfo(dtype=torch.get_default_dtype())`, callable as in Python (no `new`). */
export function finfo(type?: DType | { toString(): string }): FInfo {
  return new FInfo(type);
}

/** `torch.iinfo(dtype)`. */
export function iinfo(type: DType | { toString(): string }): IInfo {
  return new IInfo(type);
}
