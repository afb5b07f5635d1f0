// torch.Size: a tensor's shape as Python sees it, a tuple of ints that prints as `torch.Size([3, 4])`.

import { ArgumentTypeError } from '../errors.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const PY_TYPE: Record<string, string> = { number: 'float', string: 'str', undefined: 'NoneType' };

/**
 * `x.shape` and `x.size()`: a frozen array of the sizes (index it, spread it, iterate it, `length` is the
 * number of dims) that prints as PyTorch's `torch.Size([3, 4])`. Array methods (map, slice, …) give plain arrays.
 */
export class Size extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** `new torch.Size([3, 4])`: sizes are integers, as Python's tuple of ints. */
  constructor(sizes: Iterable<number> = []) {
    super();
    for (const s of sizes as Iterable<unknown>) {
      if (typeof s === 'bigint') this.push(Number(s));
      else if (typeof s === 'boolean') this.push(s ? 1 : 0); // Python's bool is an int
      else if (typeof s === 'number' && Number.isInteger(s)) this.push(s);
      else throw new ArgumentTypeError(`torch.Size() takes an iterable of 'int' (item ${this.length} is '${PY_TYPE[typeof s] ?? typeof s}')`);
    }
    Object.freeze(this);
  }

  /** The number of elements a tensor of this size holds. */
  numel(): number {
    let n = 1;
    for (let i = 0; i < this.length; i++) n *= this[i];
    return n;
  }

  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** A Size of these sizes (already integers), made without the constructor's checks: a tensor's `shape`. */
export function asSize(sizes: readonly number[]): Size {
  return Object.freeze(Object.setPrototypeOf(sizes.slice(), Size.prototype) as Size);
}
