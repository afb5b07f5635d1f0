// What the optimizers share: per-dtype arithmetic rounded where PyTorch's CPU kernels round, state
// tensors, Python's number formatting for messages, and PyTorch's argument checks.

import { IndexError, ValueError } from '../errors.js';
import { allocStorage, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { fma32, fma64 } from '../math/fma.js';
import { pyValue, type StateValue } from './optimizer.js';

export { pyPow } from './pow.js';

/**
 * The arithmetic of one dtype. PyTorch's kernels (AVX2 build) compute, per element:
 *   x.add(y, alpha=a)         fma(y, a, x)
 *   x.addcmul(t1, t2, value=v) fma(v·t1, t2, x)
 *   x.addcdiv(t1, t2, value=v) x + (v·t1) / t2   (no fusion through a division)
 *   x.mul(s), x / s, x.sqrt()  one rounding each
 * with a Python scalar first rounded to the tensor's dtype.
 */
export interface Arith {
  /** Round to the dtype: Math.fround for float32, nothing for float64. */
  readonly r: (x: number) => number;
  /** a·b + c rounded once to the dtype (operands already in the dtype). */
  readonly fma: (a: number, b: number, c: number) => number;
}

const identity = (x: number): number => x;

export const ARITH64: Arith = { r: identity, fma: fma64 };
export const ARITH32: Arith = { r: Math.fround, fma: fma32 };

export function arithOf(dtype: DType): Arith {
  return dtype === 'float32' ? ARITH32 : ARITH64;
}

/** A tensor of p's shape and dtype filled with `value` (torch.zeros_like / torch.full_like). */
export function fullLike(p: Tensor, value: number): Tensor {
  const data = allocStorage(p._dtype, p._data.length);
  if (value !== 0) data.fill(value);
  return new Tensor(data, p._shape.slice());
}

/** A 0-dim tensor: torch.tensor(0.) is float32 whatever the parameters' dtype. */
export function scalarTensor(value: number, dtype: DType = 'float32'): Tensor {
  const data = allocStorage(dtype, 1);
  data[0] = value;
  return new Tensor(data, []);
}

/** A state entry that must be a tensor (the optimizer made it so). */
export function stateTensor(state: Record<string, StateValue>, key: string): Tensor {
  const v = state[key];
  if (!(v instanceof Tensor)) throw new ValueError(`optimizer state has no tensor '${key}'`);
  return v;
}

/**
 * The per-parameter 'step' as a tensor, incremented: `step_t += 1` on a float32 0-dim tensor.
 * A plain number (an older state_dict) becomes torch.tensor(float(step)) first, as PyTorch's __setstate__ does.
 */
export function incrementStep(state: Record<string, StateValue>): number {
  let t = state.step;
  if (!(t instanceof Tensor)) {
    t = scalarTensor(typeof t === 'number' ? t : 0);
    state.step = t;
  }
  const data = t._data;
  // the storage rounds: float32 counts stop growing at 2^24, as PyTorch's do
  data[0] = data[0] + 1;
  return data[0];
}

/** Python's str() of a number as a PyTorch message shows a keyword argument: ints as ints, floats as repr. */
export function pyNumber(x: number): string {
  return pyValue(x);
}

/** PyTorch's `if not 0.0 <= value: raise ValueError("Invalid <what>: {}")` (nan is refused too). */
export function checkNonNegative(value: number, what: string): void {
  if (!(value >= 0)) throw new ValueError(`Invalid ${what}: ${pyNumber(value)}`);
}

/** `betas` as PyTorch indexes and checks it: two coefficients, each in [0, 1). */
export function checkBetas(betas: readonly number[]): void {
  if (betas.length < 2) throw new IndexError('tuple index out of range');
  if (betas.length > 2) throw new ValueError('too many values to unpack (expected 2)');
  for (let i = 0; i < 2; i++) {
    if (!(betas[i] >= 0 && betas[i] < 1)) throw new ValueError(`Invalid beta parameter at index ${i}: ${pyNumber(betas[i])}`);
  }
}

/**
 * Whether PyTorch's foreach path (foreach=True) adds the weight decay into p.grad itself:
 * `torch._foreach_add_(grads, params, alpha=weight_decay)`, on the negated copies when maximize.
 */
export function decaysGradInPlace(o: { foreach: boolean | null; weight_decay: number; maximize?: boolean }): boolean {
  return o.foreach === true && o.weight_decay !== 0 && o.maximize !== true;
}

/** Options PyTorch accepts but that only make sense on CUDA or with autograd through the step. */
export function refuseFlag(on: boolean | undefined, name: string, why: string): void {
  if (on === true) throw new ValueError(`${name}=True is not supported here: ${why}`);
}

/** A parameter's state, made by `init` (in PyTorch's key order) at its first step or when it is empty. */
export function lazyState(all: Map<Tensor, Record<string, StateValue>>, p: Tensor, init: () => Record<string, StateValue>): Record<string, StateValue> {
  let s = all.get(p);
  if (s === undefined || Object.keys(s).length === 0) {
    s = init();
    all.set(p, s);
  }
  return s;
}
