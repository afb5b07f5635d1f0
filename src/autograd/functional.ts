// torch.autograd.functional: vjp, jvp (by the double-backward trick), jacobian (one backward per
// output element, stacked), hessian (the jacobian of the jacobian), vhp and hvp, written as
// torch/autograd/functional.py 1.13 writes them, with its argument checks, strict-mode errors and
// tuple conventions (a JavaScript array stands for a Python tuple).

import { ArgumentTypeError, RuntimeError } from '../errors.js';
import { zeros_like } from '../tensor/factories.js';
import { sizeStr, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { enable_grad, is_grad_enabled, set_grad_enabled } from '../tensor/autograd/grad_mode.js';
import { grad } from './grad.js';
import { reshape, squeeze, view } from './ops/shape.js';
import { select, stack } from './ops/select.js';

type Tensors = readonly Tensor[];
type In = Tensor | Tensors;
type Func = (...inputs: Tensor[]) => unknown;
type Stage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';

export interface FunctionalOptions {
  create_graph?: boolean;
  strict?: boolean;
}

export interface JacobianOptions extends FunctionalOptions {
  vectorize?: boolean;
  strategy?: 'reverse-mode' | 'forward-mode';
}

export interface HessianOptions extends FunctionalOptions {
  vectorize?: boolean;
  outer_jacobian_strategy?: 'reverse-mode' | 'forward-mode';
}

/** _as_tuple: whether `inp` was a tuple, and it as one, every element a Tensor. */
function asTuple(inp: unknown, argName: string, fnName: string): [boolean, Tensor[]] {
  const isTuple = Array.isArray(inp);
  const list: unknown[] = isTuple ? (inp as unknown[]) : [inp];
  list.forEach((el, i) => {
    if (el instanceof Tensor) return;
    const where = isTuple ? `the value at index ${i}` : `the given ${argName}`;
    throw new ArgumentTypeError(`The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but ${where} has type ${typeName(el)}.`);
  });
  return [isTuple, list as Tensor[]];
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  return `<class '${typeof v}'>`;
}

/** _grad_preprocess: new tensor objects, in the graph only when create_graph asks for it. */
function gradPreprocess(inputs: Tensors, createGraph: boolean, needGraph: boolean): Tensor[] {
  return inputs.map((inp) => (createGraph && inp.requires_grad ? view(inp, inp._shape) : inp.detach().requires_grad_(needGraph)));
}

/** _grad_postprocess: no history returned unless create_graph. */
function gradPostprocess<T extends Tensor | Tensors>(xs: readonly T[], createGraph: boolean): T[] {
  return xs.map((x) => (x instanceof Tensor ? (createGraph ? x : x.detach()) : gradPostprocess(x as Tensors, createGraph))) as T[];
}

/** _tuple_postprocess: undo _as_tuple on results (two levels for jacobian and hessian). */
function untuple(res: unknown[], outer: boolean, inner?: boolean): unknown {
  let r: unknown[] | unknown = res;
  if (inner === false) r = (r as unknown[][]).map((el) => el[0]);
  return outer ? r : (r as unknown[])[0];
}

function validateV(v: Tensors, other: Tensors, isOtherTuple: boolean): void {
  if (v.length !== other.length) {
    if (isOtherTuple) throw new RuntimeError(`v is a tuple of invalid length: should be ${other.length} but got ${v.length}.`);
    throw new RuntimeError('The given v should contain a single Tensor.');
  }
  v.forEach((el, i) => {
    if (!sameShape(el._shape, other[i]._shape)) {
      const prepend = isOtherTuple ? `Entry ${i} in ` : '';
      throw new RuntimeError(`${prepend}v has invalid size: should be ${sizeStr(other[i]._shape)} but got ${sizeStr(el._shape)}.`);
    }
  });
}

/** _check_requires_grad, in strict mode only. */
function checkRequiresGrad(inputs: ReadonlyArray<Tensor | null>, kind: 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian', strict: boolean): void {
  if (!strict) return;
  inputs.forEach((inp, i) => {
    if (inp === null) throw new RuntimeError(`The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (inp.requires_grad) return;
    switch (kind) {
      case 'hessian':
        throw new RuntimeError(
          `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. ` +
            'You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.',
        );
      case 'jacobian':
        throw new RuntimeError(
          `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. ` +
            'This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the ' +
            'inputs (this would be violated by a linear function for example).',
        );
      case 'grad_inputs':
        throw new RuntimeError(`The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`);
      default:
        throw new RuntimeError(
          `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
        );
    }
  });
}

/** _autograd_grad: autograd.grad over the outputs that require grad (None for every input when none does). */
function autogradGrad(outputs: ReadonlyArray<Tensor | null>, inputs: Tensors, gradOutputs: ReadonlyArray<Tensor | null> | null, createGraph: boolean, retainGraph: boolean | null = null): Array<Tensor | null> {
  const outs: Tensor[] = [];
  const gos: Array<Tensor | null> = [];
  outputs.forEach((out, i) => {
    if (out !== null && out.requires_grad) {
      outs.push(out);
      gos.push(gradOutputs?.[i] ?? null);
    }
  });
  if (outs.length === 0) return inputs.map(() => null);
  return grad(outs, inputs, gos, { allow_unused: true, create_graph: createGraph, retain_graph: retainGraph });
}

const FILL_ERRORS: Record<Stage, (i: number) => string> = {
  back: (i) => `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
  back_trick: (i) =>
    `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`,
  double_back: (i) => `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
  double_back_trick: (i) =>
    `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`,
};

/** _fill_in_zeros: zeros for the inputs a gradient did not reach, or strict mode's errors. */
function fillInZeros(grads: ReadonlyArray<Tensor | null>, refs: Tensors, strict: boolean, createGraph: boolean, stage: Stage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) throw new RuntimeError(FILL_ERRORS[stage](i));
      return zeros_like(refs[i]);
    }
    if (strict && createGraph && !g.requires_grad) {
      const what = stage.includes('double') ? 'hessian' : 'jacobian';
      throw new RuntimeError(`The ${what} of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
    }
    return g;
  });
}

/** The last step of vjp, vhp and hvp: grad mode on for create_graph, else as the caller has it. */
function finalGrads<T>(createGraph: boolean, fn: () => T): T {
  return set_grad_enabled(createGraph ? true : is_grad_enabled(), fn);
}

/** The vector v checked against `like` (or allowed to be absent for a single one-element tensor). */
function vectorFor(v: In | null | undefined, like: Tensors, likeIsTuple: boolean, createGraph: boolean, fnName: string, none: string): Tensor[] | null {
  if (v === null || v === undefined) {
    if (like.length !== 1 || like[0].numel() !== 1) throw new RuntimeError(none);
    return null;
  }
  const [, vs] = asTuple(v, 'v', fnName);
  const out = gradPreprocess(vs, createGraph, false);
  validateV(out, like, likeIsTuple);
  return out;
}

const NONE_INPUT = 'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.';

/** `vjp(func, inputs, v)`: [func(inputs), vᵀ·J]. */
export function vjp(func: Func, inputs: In, v: In | null = null, options: FunctionalOptions = {}): [unknown, unknown] {
  const createGraph = options.create_graph ?? false;
  const strict = options.strict ?? false;
  const [isInputsTuple, inputsT, isOutputsTuple, outputs, vs] = enable_grad(() => {
    const [isIn, raw] = asTuple(inputs, 'inputs', 'vjp');
    const ins = gradPreprocess(raw, createGraph, true);
    const [isOut, outs] = asTuple(func(...ins), 'outputs of the user-provided function', 'vjp');
    checkRequiresGrad(outs, 'outputs', strict);
    const vv = vectorFor(v, outs, isOut, createGraph, 'vjp', 'The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    return [isIn, ins, isOut, outs, vv] as const;
  });
  const res = finalGrads(createGraph, () => fillInZeros(autogradGrad(outputs, inputsT, vs, createGraph), inputsT, strict, createGraph, 'back'));
  return [untuple(gradPostprocess(outputs, createGraph), isOutputsTuple), untuple(gradPostprocess(res, createGraph), isInputsTuple)];
}

/** `jvp(func, inputs, v)`: [func(inputs), J·v], by differentiating a vector-Jacobian product in its vector. */
export function jvp(func: Func, inputs: In, v: In | null = null, options: FunctionalOptions = {}): [unknown, unknown] {
  const createGraph = options.create_graph ?? false;
  const strict = options.strict ?? false;
  const [isOutputsTuple, outputs, vs, gradInputs, gradOutputs] = enable_grad(() => {
    const [isIn, raw] = asTuple(inputs, 'inputs', 'jvp');
    const ins = gradPreprocess(raw, createGraph, true);
    const vv = vectorFor(v, ins, isIn, createGraph, 'jvp', NONE_INPUT);
    const [isOut, outs] = asTuple(func(...ins), 'outputs of the user-provided function', 'jvp');
    checkRequiresGrad(outs, 'outputs', strict);
    // the backward is linear in grad_outputs: their value does not matter, only that they are finite
    const gos = outs.map((out) => zeros_like(out, { requires_grad: true }));
    const gi = autogradGrad(outs, ins, gos, true);
    checkRequiresGrad(gi, 'grad_inputs', strict);
    return [isOut, outs, vv, gi, gos] as const;
  });
  const run = (): Tensor[] => fillInZeros(autogradGrad(gradInputs, gradOutputs, vs, createGraph), outputs, strict, createGraph, 'back_trick');
  const res = createGraph ? enable_grad(run) : run();
  return [untuple(gradPostprocess(outputs, createGraph), isOutputsTuple), untuple(gradPostprocess(res, createGraph), isOutputsTuple)];
}

/** `jacobian(func, inputs)`: d func / d inputs, one tensor of shape out.shape + in.shape per pair. */
export function jacobian(func: Func, inputs: In, options: JacobianOptions = {}): unknown {
  const createGraph = options.create_graph ?? false;
  const strict = options.strict ?? false;
  if ((options.strategy ?? 'reverse-mode') === 'forward-mode') {
    if (createGraph) {
      throw new RuntimeError(
        'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.',
      );
    }
    throw new RuntimeError('torch.autograd.functional.jacobian: `strategy="forward-mode"` needs forward-mode AD, which this library does not have');
  }
  return enable_grad(() => {
    const [isIn, raw] = asTuple(inputs, 'inputs', 'jacobian');
    const ins = gradPreprocess(raw, createGraph, true);
    const [isOut, outs] = asTuple(func(...ins), 'outputs of the user-provided function', 'jacobian');
    checkRequiresGrad(outs, 'outputs', strict);
    if (options.vectorize === true) {
      if (strict) {
        throw new RuntimeError(
          'torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.',
        );
      }
      throw new RuntimeError('torch.autograd.functional.jacobian: `vectorize=True` needs vmap, which this library does not have; use vectorize=False');
    }
    const jac = outs.map((out, i) => {
      const rows: Tensor[][] = ins.map(() => []);
      const flat = reshape(out, [-1]);
      for (let j = 0; j < out.numel(); j++) {
        const vj = autogradGrad([select(flat, 0, j)], ins, null, createGraph, true);
        vj.forEach((el, k) => {
          if (el !== null) {
            if (strict && createGraph && !el.requires_grad) {
              throw new RuntimeError(`The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
            }
            rows[k].push(el);
          } else {
            if (strict) throw new RuntimeError(`Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
            rows[k].push(zeros_like(ins[k]));
          }
        });
      }
      return rows.map((r, k) => view(stack(r, 0), [...out._shape, ...ins[k]._shape]));
    });
    return untuple(gradPostprocess(jac, createGraph), isOut, isIn);
  });
}

/** `hessian(func, inputs)`: the jacobian of the jacobian of a function returning one element. */
export function hessian(func: Func, inputs: In, options: HessianOptions = {}): unknown {
  const strict = options.strict ?? false;
  const [isIn] = asTuple(inputs, 'inputs', 'hessian');
  const single = (...inp: Tensor[]): Tensor => {
    const out = func(...inp);
    const [isOutTuple, t] = asTuple(out, 'outputs of the user-provided function', 'hessian');
    checkRequiresGrad(t, 'outputs', strict);
    if (isOutTuple || !(out instanceof Tensor)) throw new RuntimeError('The function given to hessian should return a single Tensor');
    if (out.numel() !== 1) throw new RuntimeError('The Tensor returned by the function given to hessian should contain a single element');
    return squeeze(out);
  };
  const jacFunc = (...inp: Tensor[]): unknown => {
    const jac = jacobian(single, inp, { create_graph: true });
    checkRequiresGrad(jac as Tensor[], 'jacobian', strict);
    return jac;
  };
  const res = jacobian(jacFunc, inputs, {
    create_graph: options.create_graph,
    strict,
    vectorize: options.vectorize,
    strategy: options.outer_jacobian_strategy,
  });
  if (isIn) return res;
  return (res as Tensor[])[0];
}

/** The shared start of vhp and hvp: preprocessed inputs, v, the one-element output and its gradient (with a graph). */
function secondOrderStart(func: Func, inputs: In, v: In | null, createGraph: boolean, strict: boolean, fnName: 'vhp' | 'hvp') {
  const [isIn, raw] = asTuple(inputs, 'inputs', fnName);
  const ins = gradPreprocess(raw, createGraph, true);
  const vs = vectorFor(v, ins, isIn, createGraph, fnName, NONE_INPUT);
  const out = func(...ins);
  const [isOut, outs] = asTuple(out, 'outputs of the user-provided function', fnName);
  checkRequiresGrad(outs, 'outputs', strict);
  if (isOut || !(outs[0] instanceof Tensor)) throw new RuntimeError(`The function given to ${fnName} should return a single Tensor`);
  if (outs[0].numel() !== 1) throw new RuntimeError(`The Tensor returned by the function given to ${fnName} should contain a single element`);
  const jac = autogradGrad(outs, ins, null, true);
  checkRequiresGrad(jac, 'jacobian', strict);
  return { isIn, isOut, ins, vs, outs, jac };
}

/** `vhp(func, inputs, v)`: [func(inputs), vᵀ·H]. */
export function vhp(func: Func, inputs: In, v: In | null = null, options: FunctionalOptions = {}): [unknown, unknown] {
  const createGraph = options.create_graph ?? false;
  const strict = options.strict ?? false;
  const s = enable_grad(() => secondOrderStart(func, inputs, v, createGraph, strict, 'vhp'));
  const res = finalGrads(createGraph, () => fillInZeros(autogradGrad(s.jac, s.ins, s.vs, createGraph), s.ins, strict, createGraph, 'double_back'));
  return [untuple(gradPostprocess(s.outs, createGraph), s.isOut), untuple(gradPostprocess(res, createGraph), s.isIn)];
}

/** `hvp(func, inputs, v)`: [func(inputs), H·v], by the double-backward trick. */
export function hvp(func: Func, inputs: In, v: In | null = null, options: FunctionalOptions = {}): [unknown, unknown] {
  const createGraph = options.create_graph ?? false;
  const strict = options.strict ?? false;
  const [s, gradJac, doubleBack] = enable_grad(() => {
    const start = secondOrderStart(func, inputs, v, createGraph, strict, 'hvp');
    const gj = start.ins.map((inp) => zeros_like(inp, { requires_grad: true }));
    const db = autogradGrad(start.jac, start.ins, gj, true);
    checkRequiresGrad(start.jac, 'hessian', strict);
    return [start, gj, db] as const;
  });
  const res = finalGrads(createGraph, () => fillInZeros(autogradGrad(doubleBack, gradJac, s.vs, createGraph), s.ins, strict, createGraph, 'double_back_trick'));
  return [untuple(gradPostprocess(s.outs, createGraph), s.isOut), untuple(gradPostprocess(res, createGraph), s.isIn)];
}
