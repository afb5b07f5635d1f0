// Python's keyword arguments are option objects here (`x.sum({ dim: 1, keepdim: true })`). An option
// that the op does not take is PyTorch's TypeError, never silently ignored: `{ out: y }` or a misspelt
// `{ keepdims: true }` would otherwise leave a program computing something else than it says.
//
// Every parameter can be a keyword, as in Python: a trailing options object's keys that name one of
// PyTorch's positional parameters (`torch.cat(ts, { dim: 1 })`, `t.transpose({ dim0: 0, dim1: 1 })`) fill
// those positions; the keys the op takes as options stay options. The names and their positions come from
// PyTorch itself (scripts/positional.mjs, test/fixtures/torch/signatures.json → keywords.generated.ts).

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

/**
 * PyTorch's positional parameters of one spelling (generated: keywords.generated.ts): for each of
 * PyTorch's overloads, the name at each TS position (after self for a method; null: none) and how many
 * are required; and the positions where the TS function takes an options object.
 */
export interface Positional {
  /** The name PyTorch's messages give: 'softmax', 'Tensor.split'. */
  readonly name: string;
  readonly overloads: ReadonlyArray<readonly [ReadonlyArray<string | null>, number]>;
  readonly options: readonly number[];
  /** A method of no arguments: any keyword is "Tensor.neg() takes no keyword arguments". */
  readonly none?: true;
}

/** A Positional with its names gathered once, when the function is made. */
interface Binder extends Positional {
  readonly names: ReadonlySet<string>;
}

function binder(p: Positional | undefined): Binder | null {
  if (p === undefined) return null;
  const names = new Set<string>();
  for (const [list] of p.overloads) for (const n of list) if (n !== null) names.add(n);
  return { ...p, names };
}

function unexpected(name: string, key: string): ArgumentTypeError {
  return new ArgumentTypeError(`${name}() got an unexpected keyword argument '${key}'`);
}

function multiple(name: string, key: string): ArgumentTypeError {
  return new ArgumentTypeError(`${name}() got multiple values for argument '${key}'`);
}

/** Whether any argument is an options object: the check every op call makes, small enough to be inlined. */
export function hasOptions(args: readonly unknown[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a === 'object' && a !== null && isOptionsObject(a)) return true;
  }
  return false;
}

/**
 * The arguments as the TS function takes them: `args` itself unless its last argument is an options object
 * with keys that name positional parameters, which then move to their positions (Python's rules: a keyword
 * for a position already given is "got multiple values"). Unknown keys are the TypeError.
 */
export function bindKeywords(name: string, args: unknown[], allowed: ReadonlySet<string>, b: Binder | null): unknown[] {
  const n = args.length;
  if (n === 0) return args;
  for (let i = 0; i < n - 1; i++) {
    const a = args[i];
    if (typeof a === 'object' && a !== null && isOptionsObject(a)) checkKeywords(b?.name ?? name, [a], allowed);
  }
  const last = args[n - 1];
  if (typeof last !== 'object' || last === null || !isOptionsObject(last)) return args;
  const shown = b?.name ?? name;
  if (b === null) {
    for (const key in last) if (!allowed.has(key)) throw unexpected(shown, key);
    return args;
  }
  if (b.none === true && Object.keys(last).length > 0) throw new ArgumentTypeError(`${b.name}() takes no keyword arguments`);
  const given = n - 1;
  let move = false;
  let allPositional = true;
  for (const key in last) {
    const option = allowed.has(key);
    if (!b.names.has(key)) {
      if (!option) throw unexpected(shown, key);
      allPositional = false;
    } else if (!option) move = true;
    else if (given > 0 && givenPositionally(b, key, given)) throw multiple(shown, key);
  }
  // after positional arguments, keywords that all name positions go there (`t.clamp(-1, { max: 2 })`):
  // the TS functions take options in place of the positional arguments, not after some of them
  if (!move && !(allPositional && given > 0)) return args;
  return moveKeywords(shown, args, last, allowed, b, allPositional && given > 0);
}

/** `key` is a parameter before `given` in every overload that has it positionally: a keyword for a position already given. */
function givenPositionally(b: Binder, key: string, given: number): boolean {
  let found = false;
  for (const [list] of b.overloads) {
    const at = list.indexOf(key);
    if (at >= given) return false;
    if (at >= 0) found = true;
  }
  return found;
}

function moveKeywords(shown: string, args: unknown[], options: Record<string, unknown>, allowed: ReadonlySet<string>, b: Binder, all: boolean): unknown[] {
  const given = args.length - 1;
  const keys = all ? Object.keys(options) : Object.keys(options).filter((k) => !allowed.has(k));
  if (keys.length === 0) return args;
  // PyTorch's overload that these keywords fit: all of them its parameters, none at a given position, the required ones present
  let chosen: ReadonlyArray<string | null> | null = null;
  let fallback: ReadonlyArray<string | null> | null = null;
  let twice: string | null = null;
  for (const [list, required] of b.overloads) {
    let fits = true;
    for (const key of keys) {
      const at = list.indexOf(key);
      if (at < 0) { fits = false; break; }
      if (at < given) { twice ??= key; fits = false; break; }
    }
    if (!fits) continue;
    fallback ??= list;
    let complete = true;
    for (let i = given; i < required; i++) {
      const r = list[i];
      if (r !== null && !Object.hasOwn(options, r)) { complete = false; break; }
    }
    if (complete) { chosen = list; break; }
  }
  chosen ??= fallback;
  // the options too only where one overload has them all; else they stay options
  if (chosen === null && all) return moveKeywords(shown, args, options, allowed, b, false);
  if (chosen === null) {
    if (twice !== null) throw multiple(shown, twice);
    // keywords of different overloads (max's other with keepdim): the first that the first overload lacks
    const first = b.overloads.find(([list]) => list.includes(keys[0]))?.[0] ?? [];
    throw unexpected(shown, keys.find((k) => !first.includes(k)) ?? keys[0]);
  }
  const out = args.slice(0, given);
  let rest: Record<string, unknown> | null = null;
  for (const key of Object.keys(options)) {
    if (allowed.has(key) && !all) {
      (rest ??= {})[key] = options[key];
      continue;
    }
    const at = chosen.indexOf(key);
    while (out.length < at) out.push(undefined);
    out[at] = options[key];
  }
  if (rest !== null) {
    let at = out.length;
    for (const slot of b.options) if (slot >= out.length) { at = slot; break; }
    while (out.length < at) out.push(undefined);
    out[at] = rest;
  }
  return out;
}

type AnyFn = (...args: never[]) => unknown;

/**
 * `fn` checking its options against `keys` and binding PyTorch's keywords for positional parameters
 * (`positional`) before it runs (`fn` itself when keys is null: not checked).
 */
export function withKeywordCheck<F extends AnyFn>(name: string, fn: F, keys: readonly string[] | null | undefined, positional?: Positional): F {
  if (keys === null || keys === undefined) return fn;
  const allowed = new Set(keys);
  const b = binder(positional);
  const call = fn as unknown as (...a: unknown[]) => unknown;
  const checked = (...args: unknown[]): unknown => {
    if (hasOptions(args)) return call(...bindKeywords(name, args, allowed, b));
    return call(...args);
  };
  return checked as unknown as F;
}

/** The binder of a method (methods.ts): bindKeywords with its names gathered once. */
export function methodBinder(positional: Positional | undefined): Binder | null {
  return binder(positional);
}
