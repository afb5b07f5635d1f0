// pytorch/tutorials beginner_source/examples_autograd/polynomial_autograd.py, line by line
// (the Python: test/fixtures/torch/tutorials/polynomial_autograd.py).

import * as torch from '../../src/index.js';
import { f, int, print } from './python.js';

export function main(): void {
  torch.manual_seed(0);

  const dtype = torch.float;

  const x = torch.linspace(-Math.PI, Math.PI, 2000, { dtype });
  const y = torch.sin(x);

  // y = a + b x + c x^2 + d x^3
  const a = torch.randn([], { dtype, requires_grad: true });
  const b = torch.randn([], { dtype, requires_grad: true });
  const c = torch.randn([], { dtype, requires_grad: true });
  const d = torch.randn([], { dtype, requires_grad: true });

  const learning_rate = 1e-6;
  for (let t = 0; t < 2000; t++) {
    const y_pred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));

    const loss = y_pred.sub(y).pow(2).sum();
    if (t % 100 === 99) print(int(t), loss.item());

    loss.backward();

    torch.no_grad(() => {
      a.sub_(torch.mul(learning_rate, a.grad!));
      b.sub_(torch.mul(learning_rate, b.grad!));
      c.sub_(torch.mul(learning_rate, c.grad!));
      d.sub_(torch.mul(learning_rate, d.grad!));

      // Manually zero the gradients after updating weights
      a.grad = null;
      b.grad = null;
      c.grad = null;
      d.grad = null;
    });
  }

  print(f`Result: y = ${a.item()} + ${b.item()} x + ${c.item()} x^2 + ${d.item()} x^3`);
}
