// What the tutorial programs' Python prints, for their translations: `print(a, b)` joins str() of its
// arguments with spaces, and f`...` is an f-string (`${x}` is format(x, '')). JavaScript has one number
// type, so the README's convention holds here too: a number is a Python float (repr: `12.0`, `1e-06`), a
// bigint a Python int. Tensors print through the library's own String(t).

import { Size, Tensor } from '../../src/index.js';
import { pyFormat, pyRepr } from '../../src/tensor/pyfloat.js';

/** Python's type(x) for print: `<class 'float'>`. */
export class PyType {
  constructor(readonly name: string) {}
  toString(): string {
    return `<class '${this.name}'>`;
  }
}

export function pytype(x: unknown): PyType {
  if (typeof x === 'number') return new PyType('float');
  if (typeof x === 'bigint') return new PyType('int');
  if (typeof x === 'string') return new PyType('str');
  if (typeof x === 'boolean') return new PyType('bool');
  if (x instanceof Tensor) return new PyType('torch.Tensor');
  throw new TypeError(`pytype: no Python type for ${String(x)}`);
}

/** Python's int(x) for a loop counter: a bigint, so that it prints as an int. */
export function int(x: number): bigint {
  return BigInt(x);
}

/** range(start, stop): evaluated once, as Python evaluates its arguments once. */
export function* range(start: number, stop: number, step = 1): Generator<number> {
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) yield i;
}

/** numpy's str of a 1-d float array whose values are all integral (`[2. 2. 2.]`), the only kind printed here. */
function numpyStr(a: Float32Array | Float64Array): string {
  const items = Array.from(a, (v) => {
    if (!Number.isInteger(v) || Math.abs(v) >= 1e16) throw new TypeError('numpyStr: only integral values are formatted');
    return `${Object.is(v, -0) ? '-0' : String(v)}.`;
  });
  const width = Math.max(0, ...items.map((s) => s.length));
  return `[${items.map((s) => s.padStart(width)).join(' ')}]`;
}

/** Python's repr(x), for the items of a list. */
function repr(x: unknown): string {
  return typeof x === 'string' ? `'${x}'` : str(x);
}

/** Python's str(x). */
export function str(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return pyRepr(x);
  if (typeof x === 'bigint') return String(x);
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (x === null || x === undefined) return 'None';
  if (x instanceof Float32Array || x instanceof Float64Array) return numpyStr(x);
  if (x instanceof Size) return String(x); // torch.Size([3, 4])
  if (Array.isArray(x)) return `[${x.map(repr).join(', ')}]`;
  return String(x);
}

/** format(x, spec), as f'{x:spec}' calls it for a float. */
export function format(x: number, spec: string): string {
  return pyFormat(x, spec);
}

/** An f-string: each `${value}` is str(value); a value already formatted with format() is a string. */
export function f(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => out + str(values[i - 1]) + s);
}

let sink: string[] | null = null;

/** print(*args): str() of each, joined by spaces, one line (or several when the text holds newlines). */
export function print(...args: unknown[]): void {
  const text = args.map(str).join(' ');
  if (sink === null) console.log(text);
  else sink.push(...text.split('\n'));
}

/** Run `program` and return the lines it printed, split at newlines as Python's stdout would be read. */
export function capturePrinted(program: () => void): string[] {
  const previous = sink;
  sink = [];
  try {
    program();
    return sink;
  } finally {
    sink = previous;
  }
}
