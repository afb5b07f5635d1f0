// Python's keyword arguments are option objects here (`x.sum({ dim: 1, keepdim: true })`). An option
// that the op does not take is PyTorch's TypeError, never silently ignored: `{ out: y }` or a misspelt
// `{ keepdims: true }` would otherwise leave a program computing something else than it says.

import { ArgumentTypeError } from '../errors.js';

/** A plain object literal: what an options argument is (tensors, arrays and typed arrays are not). */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** PyTorch's TypeError for the first key of an options argument that `allowed` does not hold. */
export function checkKeywords(name: string, args: ArrayLike<unknown>, allowed: ReadonlySet<string>): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!isOptionsObject(a)) continue;
    for (const key of Object.keys(a)) {
      if (!allowed.has(key)) throw new ArgumentTypeError(`${name}() got an unexpected keyword argument '${key}'`);
    }
  }
}

type AnyFn = (...args: never[]) => unknown;

/** `fn` checking its options against `keys` before it runs (`fn` itself when keys is null: not checked). */
export function withKeywordCheck<F extends AnyFn>(name: string, fn: F, keys: readonly string[] | null | undefined): F {
  if (keys === null || keys === undefined) return fn;
  const allowed = new Set(keys);
  const call = fn as unknown as (...a: unknown[]) => unknown;
  const checked = (...args: unknown[]): unknown => {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (typeof a === 'object' && a !== null && isOptionsObject(a)) checkKeywords(name, [a], allowed);
    }
    return call(...args);
  };
  return checked as unknown as F;
}
