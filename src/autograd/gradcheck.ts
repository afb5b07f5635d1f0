// gradcheck: analytical Jacobians (one backward per output element) against central differences.

import { AutogradError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { warn } from '../warnings.js';
import { grad } from './grad.js';
import { no_grad } from '../tensor/autograd/grad_mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raise_exception?: boolean;
}

/** PyTorch's GradcheckError. */
export class GradcheckError extends AutogradError {
  constructor(message: string) {
    super(message, 'runtime');
  }
}

type Fn = (...inputs: Tensor[]) => Tensor;

/** d out / d input as a [out.numel, input.numel] matrix, by central differences (PyTorch's default). */
function numericalJacobian(fn: Fn, inputs: Tensor[], which: number, eps: number, outSize: number): Float64Array {
  const x = inputs[which]._data;
  const jac = new Float64Array(outSize * x.length);
  for (let j = 0; j < x.length; j++) {
    const orig = x[j];
    x[j] = orig - eps;
    const lo = no_grad(() => fn(...inputs))._data.slice();
    x[j] = orig + eps;
    const hi = no_grad(() => fn(...inputs))._data.slice();
    x[j] = orig;
    for (let i = 0; i < outSize; i++) jac[i * x.length + j] = (hi[i] - lo[i]) / (2 * eps);
  }
  return jac;
}

function analyticalJacobian(fn: Fn, inputs: Tensor[], which: number, outSize: number): Float64Array {
  const n = inputs[which].numel();
  const jac = new Float64Array(outSize * n);
  for (let i = 0; i < outSize; i++) {
    const out = fn(...inputs);
    const seed = new Tensor(new (out._data.constructor as Float64ArrayConstructor)(outSize), out.shape);
    seed._data[i] = 1;
    const [g] = grad(out, [inputs[which]], seed, { allow_unused: true });
    if (g !== null) for (let j = 0; j < n; j++) jac[i * n + j] = g._data[j];
  }
  return jac;
}

/**
 * Compare analytical and numerical Jacobians of `fn` for every input that requires grad.
 * Returns true, or throws GradcheckError naming the output and input (false with raise_exception: false).
 */
export function gradcheck(fn: Fn, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const outSize = no_grad(() => fn(...inputs)).numel();
  for (let k = 0; k < inputs.length; k++) {
    const input = inputs[k];
    if (!input.requires_grad) continue;
    if (input.dtype !== 'float64') {
      warn(`Input #${k} requires gradient and is not a double precision floating point. As a result, gradcheck may not work well.`);
    }
    const numerical = numericalJacobian(fn, inputs, k, eps, outSize);
    const analytical = analyticalJacobian(fn, inputs, k, outSize);
    for (let i = 0; i < numerical.length; i++) {
      const a = analytical[i];
      const b = numerical[i];
      if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
        if (options.raise_exception === false) return false;
        throw new GradcheckError(
          `Jacobian mismatch for output 0 with respect to input ${k},\nnumerical:${b}\nanalytical:${a}\n` +
            `(at output element ${Math.floor(i / input.numel())}, input element ${i % input.numel()})`,
        );
      }
    }
  }
  return true;
}
