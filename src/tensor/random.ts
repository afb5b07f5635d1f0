// torch's random factories and in-place samplers (rand, randn, randint, randperm, normal, bernoulli,
// multinomial, uniform_, normal_, random_, bernoulli_, exponential_) over PyTorch's CPU kernels.

import { RuntimeError } from '../errors.js';
import { default_generator, Generator } from '../random/generator.js';
import {
  bernoulliScalarFill, bernoulliTensorFill, exponentialFill, normalFill, randomFromToFill, randomFullFill, randpermFill,
  uniformFill, type Precision,
} from '../random/distributions.js';
import { is_grad_enabled } from './autograd/grad_mode.js';
import { allocStorage, toDType, get_default_dtype, type DType } from './dtype.js';
import { broadcastShapes, numel } from './shape.js';
import { map2 } from './kernels.js';
import { Tensor } from './tensor.js';
import { TENSOR_OPTION_KEYS, type SizeArgs, type TensorOptions } from './factories.js';
import { checkKeywords } from './keywords.js';

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export interface GeneratorOption {
  generator?: Generator;
}

const RANDOM_KEYS: ReadonlySet<string> = new Set([...TENSOR_OPTION_KEYS, 'generator']);
const GENERATOR_KEYS: ReadonlySet<string> = new Set(['generator']);

function splitSize<O extends object>(args: SizeArgs<O>): { shape: number[]; options: O } {
  let options = {} as O;
  const shape: number[] = [];
  for (const a of args) {
    if (typeof a === 'number') shape.push(a);
    else if (Array.isArray(a)) shape.push(...(a as readonly number[]));
    else options = a as O;
  }
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${s}: [${shape.join(', ')}]`);
  }
  return { shape, options };
}

function genOf(options: GeneratorOption): Generator {
  const g = options.generator ?? default_generator;
  if (!(g instanceof Generator)) throw new globalThis.TypeError('generator must be a torch.Generator');
  return g;
}

function floatDtype(options: TensorOptions): DType {
  return options.dtype === undefined ? get_default_dtype() : toDType(options.dtype);
}

/** PyTorch's integer results are int64 unless a dtype is given. */
function indexDtype(options: TensorOptions): DType {
  return options.dtype !== undefined ? floatDtype(options) : 'int64';
}

function precisionOf(dtype: DType): Precision {
  return dtype === 'float32' ? 'float32' : 'float64';
}

function make(shape: readonly number[], dtype: DType, options: TensorOptions): Tensor {
  const t = new Tensor(allocStorage(dtype, numel(shape)), shape);
  if (options.requires_grad === true) t.requires_grad = true;
  return t;
}

/** The checks of an in-place op on `t` (PyTorch's wording), then the write and a version bump. */
function writeInPlace(t: Tensor, fill: (t: Tensor) => void): Tensor {
  if (is_grad_enabled() && t.requires_grad && t.is_leaf) {
    throw new RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.');
  }
  fill(t);
  t._version.value++;
  return t;
}

/** `torch.rand(*size)`: uniform in [0, 1), 24 random bits per float32, 53 per float64. */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  checkKeywords('rand', args, RANDOM_KEYS);
  const { shape, options } = splitSize(args);
  const t = make(shape, floatDtype(options), options);
  uniformFill(genOf(options), t._data, precisionOf(t._dtype), 0, 1);
  return t;
}

/** `torch.randn(*size)`: standard normal, by PyTorch's two paths (under 16 elements, and 16 or more). */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  checkKeywords('randn', args, RANDOM_KEYS);
  const { shape, options } = splitSize(args);
  const t = make(shape, floatDtype(options), options);
  normalFill(genOf(options), t._data, precisionOf(t._dtype), 0, 1);
  return t;
}

export function rand_like(t: Tensor, options: RandomOptions = {}): Tensor {
  checkKeywords('rand_like', [options], RANDOM_KEYS);
  return rand(t._shape, { dtype: t.dtype, ...options });
}

export function randn_like(t: Tensor, options: RandomOptions = {}): Tensor {
  checkKeywords('randn_like', [options], RANDOM_KEYS);
  return randn(t._shape, { dtype: t.dtype, ...options });
}

function checkRange(from: number, to: number): bigint {
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new globalThis.TypeError(`randint(): low and high must be integers, got ${from} and ${to}`);
  if (!(from < to)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
  return BigInt(to) - BigInt(from);
}

/**
 * `torch.randint(high, size)` or `torch.randint(low, high, size)`: (draw % (high - low)) + low, a 32-bit draw
 * for a range under 2^32 and a 64-bit one above.
 */
export function randint(low: number, high: number | readonly number[], size?: readonly number[] | RandomOptions, options: RandomOptions = {}): Tensor {
  checkKeywords('randint', [size, options], RANDOM_KEYS);
  let lo = 0;
  let hi: number;
  let shape: readonly number[];
  let opts = options;
  if (Array.isArray(high)) {
    hi = low;
    shape = high as readonly number[];
    if (size !== undefined && !Array.isArray(size)) opts = size as RandomOptions;
  } else {
    lo = low;
    hi = high as number;
    shape = (size as readonly number[] | undefined) ?? [];
  }
  const range = checkRange(lo, hi);
  const t = make(splitSize([shape]).shape, indexDtype(opts), opts);
  randomFromToFill(genOf(opts), t._data, lo, range);
  return t;
}

/** `torch.randperm(n)`: PyTorch's CPU shuffle (int64 in PyTorch; see indexDtype). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  checkKeywords('randperm', [options], RANDOM_KEYS);
  if (!Number.isInteger(n) || n < 0) throw new RuntimeError(`n must be non-negative, got${n}`);
  const t = make([n], indexDtype(options), options);
  randpermFill(genOf(options), t._data, n);
  return t;
}

/** `tensor.uniform_(from, to)`. */
export function uniform_(t: Tensor, from = 0, to = 1, options: GeneratorOption = {}): Tensor {
  checkKeywords('uniform_', [options], GENERATOR_KEYS);
  if (!(from <= to)) throw new RuntimeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  return writeInPlace(t, (x) => uniformFill(genOf(options), x._data, precisionOf(x._dtype), from, to));
}

/** `tensor.normal_(mean, std)`. */
export function normal_(t: Tensor, mean = 0, std = 1, options: GeneratorOption = {}): Tensor {
  checkKeywords('normal_', [options], GENERATOR_KEYS);
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  return writeInPlace(t, (x) => normalFill(genOf(options), x._data, precisionOf(x._dtype), mean, std));
}

/** `torch.normal(mean, std, size)` with float mean and std. */
/**
 * `torch.normal(mean, std, size)` with numbers; with a tensor mean and/or std, one draw per element of their
 * broadcast shape as 1.13's normal_out_impl makes it: N(0, 1) (N(0, std) for a number std), then `* std`
 * and `+ mean` in the result's dtype (mean's, or std's when mean is a number).
 */
export function normal(mean: number | Tensor, std: number | Tensor, size?: readonly number[] | RandomOptions, options: RandomOptions = {}): Tensor {
  if (mean instanceof Tensor || std instanceof Tensor) return normalTensors(mean, std, (Array.isArray(size) ? options : (size as RandomOptions | undefined)) ?? {});
  checkKeywords('normal', [options], RANDOM_KEYS);
  if (!Array.isArray(size)) throw new RuntimeError('normal(): with a number mean and std, the size is required');
  const t = make(splitSize([size as readonly number[]]).shape, floatDtype(options), {});
  normal_(t, mean, std, { generator: options.generator });
  if (options.requires_grad === true) t.requires_grad = true;
  return t;
}

function normalTensors(mean: number | Tensor, std: number | Tensor, options: RandomOptions): Tensor {
  checkKeywords('normal', [options], GENERATOR_KEYS);
  if (std instanceof Tensor && std._data.some((v) => !(v >= 0))) throw new RuntimeError('normal expects all elements of std >= 0.0');
  if (!(std instanceof Tensor) && !(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  const like = mean instanceof Tensor ? mean : (std as Tensor);
  const shape = mean instanceof Tensor && std instanceof Tensor ? broadcastShapes(mean._shape, std._shape) : like._shape.slice();
  const out = make(shape, like._dtype, {});
  const x = out._data;
  const r = like._dtype === 'float32' ? Math.fround : (v: number): number => v;
  normalFill(genOf(options), x, precisionOf(like._dtype), 0, std instanceof Tensor ? 1 : std);
  if (std instanceof Tensor) map2((z, s) => r(z * s), x, shape, std._data, std._shape, shape, x);
  if (mean instanceof Tensor) map2((z, m) => r(z + m), x, shape, mean._data, mean._shape, shape, x);
  else for (let i = 0; i < x.length; i++) x[i] = r(x[i] + mean);
  return out;
}

/** `tensor.random_()`, `random_(to)`, `random_(from, to)`. */
export function random_(t: Tensor, from?: number, to?: number, options: GeneratorOption = {}): Tensor {
  checkKeywords('random_', [options], GENERATOR_KEYS);
  return writeInPlace(t, (x) => {
    if (from === undefined) randomFullFill(genOf(options), x._data, precisionOf(x._dtype));
    else if (to === undefined) randomFromToFill(genOf(options), x._data, 0, checkRange(0, from));
    else randomFromToFill(genOf(options), x._data, from, checkRange(from, to));
  });
}

/** `tensor.bernoulli_(p)` with a float p: one 53-bit uniform per element against p. */
export function bernoulli_(t: Tensor, p = 0.5, options: GeneratorOption = {}): Tensor {
  checkKeywords('bernoulli_', [options], GENERATOR_KEYS);
  if (!(p >= 0 && p <= 1)) throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  return writeInPlace(t, (x) => bernoulliScalarFill(genOf(options), x._data, p));
}

/** `torch.bernoulli(probs)`: 0/1 of probs' shape and dtype, each from a uniform of probs' precision. */
export function bernoulli(probs: Tensor, options: GeneratorOption = {}): Tensor {
  checkKeywords('bernoulli', [options], GENERATOR_KEYS);
  const p = probs._data;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) throw new RuntimeError('Expected p_in >= 0 && p_in <= 1 to be true, but got false.');
  }
  const out = make(probs._shape, probs._dtype, {});
  bernoulliTensorFill(genOf(options), out._data, p, precisionOf(probs._dtype));
  return out;
}

/** `tensor.exponential_(lambd)`: -1/λ · log(1 - u) over 53-bit uniforms. */
export function exponential_(t: Tensor, lambd = 1, options: GeneratorOption = {}): Tensor {
  checkKeywords('exponential_', [options], GENERATOR_KEYS);
  if (!(lambd >= 0)) throw new RuntimeError(`exponential_ expects lambda >= 0.0, but found lambda=${lambd}`);
  return writeInPlace(t, (x) => exponentialFill(genOf(options), x._data, lambd));
}
