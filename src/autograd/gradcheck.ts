// gradcheck: analytical Jacobians (one backward per output element) against central differences;
// gradgradcheck: the same for the gradients themselves (PyTorch's construction: gradcheck of the
// function inputs -> autograd.grad(outputs, inputs, grad_outputs, create_graph=True)).

import { AutogradError, RuntimeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { empty } from '../tensor/factories.js';
import { uniform_ } from '../tensor/random.js';
import { warn } from '../warnings.js';
import { grad } from './grad.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raise_exception?: boolean;
}

export interface GradgradcheckOptions extends GradcheckOptions {
  /** Accepted for PyTorch's signature; every tensor here is contiguous. */
  gen_non_contig_grad_outputs?: boolean;
}

/** PyTorch's GradcheckError. */
export class GradcheckError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(out: Tensor | readonly Tensor[]): readonly Tensor[] {
  return out instanceof Tensor ? [out] : out;
}

/** d out[o] / d input as a [out.numel, input.numel] matrix, by central differences (PyTorch's default). */
function numericalJacobians(fn: Fn, inputs: Tensor[], which: number, eps: number, sizes: readonly number[]): Float64Array[] {
  const x = inputs[which]._data;
  const jacs = sizes.map((n) => new Float64Array(n * x.length));
  for (let j = 0; j < x.length; j++) {
    const orig = x[j];
    x[j] = orig - eps;
    // NOTE: not under no_grad: gradgradcheck's function differentiates inside (PyTorch does not disable grad either)
    const lo = outputsOf(fn(...inputs)).map((t) => t._data.slice());
    x[j] = orig + eps;
    const hi = outputsOf(fn(...inputs)).map((t) => t._data.slice());
    x[j] = orig;
    sizes.forEach((n, o) => {
      for (let i = 0; i < n; i++) jacs[o][i * x.length + j] = (hi[o][i] - lo[o][i]) / (2 * eps);
    });
  }
  return jacs;
}

function analyticalJacobian(fn: Fn, inputs: Tensor[], which: number, o: number, outSize: number): Float64Array {
  const n = inputs[which].numel();
  const jac = new Float64Array(outSize * n);
  for (let i = 0; i < outSize; i++) {
    const out = outputsOf(fn(...inputs))[o];
    if (!out.requires_grad) continue;
    const seed = new Tensor(new (out._data.constructor as Float64ArrayConstructor)(outSize), out._shape);
    seed._data[i] = 1;
    const [g] = grad(out, [inputs[which]], seed, { allow_unused: true });
    if (g !== null) for (let j = 0; j < n; j++) jac[i * n + j] = g._data[j];
  }
  return jac;
}

/**
 * Compare analytical and numerical Jacobians of `fn` (one output or several) for every input that
 * requires grad. Returns true, or throws GradcheckError naming the output and input (false with
 * raise_exception: false).
 */
export function gradcheck(fn: Fn, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  if (!inputs.some((t) => t instanceof Tensor && t.requires_grad)) {
    throw new RuntimeError('gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');
  }
  const sizes = outputsOf(fn(...inputs)).map((t) => t.numel());
  for (let k = 0; k < inputs.length; k++) {
    const input = inputs[k];
    if (!input.requires_grad) continue;
    if (input._dtype !== 'float64') {
      warn(`Input #${k} requires gradient and is not a double precision floating point. As a result, gradcheck may not work well.`);
    }
    const numerical = numericalJacobians(fn, inputs, k, eps, sizes);
    for (let o = 0; o < sizes.length; o++) {
      const analytical = analyticalJacobian(fn, inputs, k, o, sizes[o]);
      for (let i = 0; i < analytical.length; i++) {
        const a = analytical[i];
        const b = numerical[o][i];
        if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
          if (options.raise_exception === false) return false;
          throw new GradcheckError(
            `Jacobian mismatch for output ${o} with respect to input ${k},\nnumerical:${b}\nanalytical:${a}\n` +
              `(at output element ${Math.floor(i / input.numel())}, input element ${i % input.numel()})`,
          );
        }
      }
    }
  }
  return true;
}

/**
 * Check second derivatives: gradcheck of (inputs, grad_outputs) -> autograd.grad(fn(inputs), inputs,
 * grad_outputs, create_graph). Without grad_outputs they are random in [-1, 1), drawn from the default
 * generator as torch.testing.make_tensor draws them, and differentiated too.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], grad_outputs: Tensor | readonly Tensor[] | null = null, options: GradgradcheckOptions = {}): boolean {
  const outs = outputsOf(fn(...inputs)).filter((t) => t.requires_grad);
  const gradOutputs = grad_outputs === null ? outs.map((o) => uniform_(empty(o._shape.slice(), { dtype: o.dtype }), -1, 1).requires_grad_(true)) : outputsOf(grad_outputs).slice();
  const diffInputs = inputs.map((t) => t.requires_grad);
  const n = inputs.length;
  const gradsOf = (...args: Tensor[]): Tensor[] => {
    const xs = args.slice(0, n);
    const differentiated = xs.filter((_, i) => diffInputs[i]);
    const outputs = outputsOf(fn(...xs)).filter((t) => t.requires_grad);
    const gs = grad(outputs, differentiated, args.slice(n), { create_graph: true, allow_unused: true });
    return gs.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(gradsOf, [...inputs, ...gradOutputs], options);
}
