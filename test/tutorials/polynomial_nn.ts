// pytorch/tutorials beginner_source/examples_nn/polynomial_nn.py, line by line
// (the Python: test/fixtures/torch/tutorials/polynomial_nn.py).

import * as torch from '../../src/index.js';
import { f, int, print } from './python.js';

export function main(): void {
  torch.manual_seed(0);

  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  // The tensor (x, x^2, x^3), of shape (2000, 3) by broadcasting
  const p = torch.tensor([1n, 2n, 3n]);
  const xx = x.unsqueeze(-1).pow(p);

  const model = new torch.nn.Sequential(
    new torch.nn.Linear(3, 1),
    new torch.nn.Flatten(0, 1),
  );

  const loss_fn = new torch.nn.MSELoss({ reduction: 'sum' });

  const learning_rate = 1e-6;
  for (let t = 0; t < 2000; t++) {
    const y_pred = model.forward(xx);

    const loss = loss_fn.forward(y_pred, y);
    if (t % 100 === 99) print(int(t), loss.item());

    model.zero_grad();

    loss.backward();

    torch.no_grad(() => {
      for (const param of model.parameters()) {
        param.sub_(torch.mul(learning_rate, param.grad!));
      }
    });
  }

  const linear_layer = model.at(0) as torch.nn.Linear;

  print(f`Result: y = ${linear_layer.bias!.item()} + ${linear_layer.weight.index(torch.slice(), 0).item()} x + ${linear_layer.weight.index(torch.slice(), 1).item()} x^2 + ${linear_layer.weight.index(torch.slice(), 2).item()} x^3`);
}
