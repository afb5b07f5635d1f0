// pytorch/tutorials beginner_source/examples_autograd/polynomial_custom_function.py, line by line
// (the Python: test/fixtures/torch/tutorials/polynomial_custom_function.py).

import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { f, int, print } from './python.js';

/** P3(x) = 1/2 (5x^3 - 3x), with its own backward P3'(x) = 3/2 (5x^2 - 1). */
class LegendrePolynomial3 extends torch.autograd.Function {
  static override forward(ctx: torch.autograd.FunctionCtx, input: Tensor): Tensor {
    ctx.save_for_backward(input);
    return torch.mul(0.5, torch.mul(5, input.pow(3)).sub(torch.mul(3, input)));
  }

  static override backward(ctx: torch.autograd.FunctionCtx, grad_output: Tensor): Tensor {
    const [input] = ctx.saved_tensors as Tensor[];
    return grad_output.mul(1.5).mul(torch.mul(5, input.pow(2)).sub(1));
  }
}

export function main(): void {
  torch.manual_seed(0);

  const dtype = torch.float;

  const x = torch.linspace(-Math.PI, Math.PI, 2000, { dtype });
  const y = torch.sin(x);

  // y = a + b * P3(c + d * x)
  const a = torch.full([], 0.0, { dtype, requires_grad: true });
  const b = torch.full([], -1.0, { dtype, requires_grad: true });
  const c = torch.full([], 0.0, { dtype, requires_grad: true });
  const d = torch.full([], 0.3, { dtype, requires_grad: true });

  const learning_rate = 5e-6;
  for (let t = 0; t < 2000; t++) {
    const P3 = (input: Tensor): Tensor => LegendrePolynomial3.apply(input);

    const y_pred = a.add(b.mul(P3(c.add(d.mul(x)))));

    const loss = y_pred.sub(y).pow(2).sum();
    if (t % 100 === 99) print(int(t), loss.item());

    loss.backward();

    torch.no_grad(() => {
      a.sub_(torch.mul(learning_rate, a.grad!));
      b.sub_(torch.mul(learning_rate, b.grad!));
      c.sub_(torch.mul(learning_rate, c.grad!));
      d.sub_(torch.mul(learning_rate, d.grad!));

      a.grad = null;
      b.grad = null;
      c.grad = null;
      d.grad = null;
    });
  }

  print(f`Result: y = ${a.item()} + ${b.item()} * P3(${c.item()} + ${d.item()} x)`);
}
