// pytorch/tutorials beginner_source/examples_nn/polynomial_module.py, line by line
// (the Python: test/fixtures/torch/tutorials/polynomial_module.py).

import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { f, int, print } from './python.js';

class Polynomial3 extends torch.nn.Module {
  declare a: torch.nn.Parameter;
  declare b: torch.nn.Parameter;
  declare c: torch.nn.Parameter;
  declare d: torch.nn.Parameter;

  constructor() {
    super();
    this.a = new torch.nn.Parameter(torch.randn([]));
    this.b = new torch.nn.Parameter(torch.randn([]));
    this.c = new torch.nn.Parameter(torch.randn([]));
    this.d = new torch.nn.Parameter(torch.randn([]));
  }

  forward(x: Tensor): Tensor {
    return this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
  }

  string(): string {
    return f`y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3`;
  }
}

export function main(): void {
  torch.manual_seed(0);

  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  const model = new Polynomial3();

  const criterion = new torch.nn.MSELoss({ reduction: 'sum' });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-6 });
  for (let t = 0; t < 2000; t++) {
    const y_pred = model.forward(x);

    const loss = criterion.forward(y_pred, y);
    if (t % 100 === 99) print(int(t), loss.item());

    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }

  print(f`Result: ${model.string()}`);
}
