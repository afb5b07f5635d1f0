// pytorch/tutorials beginner_source/examples_nn/dynamic_net.py, line by line
// (the Python: test/fixtures/torch/tutorials/dynamic_net.py). Python's `random` is ported: ./pyrandom.ts.

import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { random } from './pyrandom.js';
import { f, int, print, range } from './python.js';

class DynamicNet extends torch.nn.Module {
  declare a: torch.nn.Parameter;
  declare b: torch.nn.Parameter;
  declare c: torch.nn.Parameter;
  declare d: torch.nn.Parameter;
  declare e: torch.nn.Parameter;

  constructor() {
    super();
    this.a = new torch.nn.Parameter(torch.randn([]));
    this.b = new torch.nn.Parameter(torch.randn([]));
    this.c = new torch.nn.Parameter(torch.randn([]));
    this.d = new torch.nn.Parameter(torch.randn([]));
    this.e = new torch.nn.Parameter(torch.randn([]));
  }

  /** A third, fourth or fifth order polynomial, chosen at random on each pass; e is shared. */
  forward(x: Tensor): Tensor {
    let y = this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
    for (const exp of range(4, random.randint(4, 6))) {
      y = y.add(this.e.mul(x.pow(exp)));
    }
    return y;
  }

  string(): string {
    return f`y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3 + ${this.e.item()} x^4 ? + ${this.e.item()} x^5 ?`;
  }
}

export function main(): void {
  torch.manual_seed(0);
  random.seed(0);

  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  const model = new DynamicNet();

  const criterion = new torch.nn.MSELoss({ reduction: 'sum' });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-8, momentum: 0.9 });
  for (let t = 0; t < 3000; t++) {
    const y_pred = model.forward(x);

    const loss = criterion.forward(y_pred, y);
    if (t % 200 === 199) print(int(t), loss.item());

    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }

  print(f`Result: ${model.string()}`);
}
