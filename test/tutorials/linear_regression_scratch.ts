// d2l-ai/d2l-en "Linear Regression Implementation from Scratch" (PyTorch), line by line
// (the Python: test/fixtures/torch/tutorials/linear_regression_scratch.py). Python's `random` is
// ported: ./pyrandom.ts.

import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { random } from './pyrandom.js';
import { f, format, int, print, range } from './python.js';

/** Generate y = Xw + b + noise. */
function synthetic_data(w: Tensor, b: number, num_examples: number): [Tensor, Tensor] {
  const X = torch.normal(0, 1, [num_examples, w.shape[0]]);
  const y = torch.matmul(X, w).add(b);
  y.add_(torch.normal(0, 0.01, y.shape));
  return [X, y.reshape([-1, 1])];
}

function* data_iter(batch_size: number, features: Tensor, labels: Tensor): Generator<[Tensor, Tensor]> {
  const num_examples = features.shape[0];
  const indices = [...range(0, num_examples)];
  // The examples are read at random, in no particular order
  random.shuffle(indices);
  for (const i of range(0, num_examples, batch_size)) {
    const batch_indices = torch.tensor(indices.slice(i, Math.min(i + batch_size, num_examples)), { dtype: torch.long });
    yield [features.index(batch_indices), labels.index(batch_indices)];
  }
}

/** The linear regression model. */
function linreg(X: Tensor, w: Tensor, b: Tensor): Tensor {
  return torch.matmul(X, w).add(b);
}

/** Squared loss. */
function squared_loss(y_hat: Tensor, y: Tensor): Tensor {
  return y_hat.sub(y.reshape(y_hat.shape)).pow(2).div(2);
}

/** Minibatch stochastic gradient descent. */
function sgd(params: Tensor[], lr: number, batch_size: number): void {
  torch.no_grad(() => {
    for (const param of params) {
      param.sub_(torch.mul(lr, param.grad!).div(batch_size));
      param.grad!.zero_();
    }
  });
}

export function main(): void {
  torch.manual_seed(0);
  random.seed(0);

  const true_w = torch.tensor([2, -3.4]);
  const true_b = 4.2;
  const [features, labels] = synthetic_data(true_w, true_b, 1000);

  print('features:', features.index(0), '\nlabel:', labels.index(0));

  const batch_size = 10;

  for (const [X, y] of data_iter(batch_size, features, labels)) {
    print(X, '\n', y);
    break;
  }

  const w = torch.normal(0, 0.01, [2, 1], { requires_grad: true });
  const b = torch.zeros(1, { requires_grad: true });

  const lr = 0.03;
  const num_epochs = 3;
  const net = linreg;
  const loss = squared_loss;

  for (let epoch = 0; epoch < num_epochs; epoch++) {
    for (const [X, y] of data_iter(batch_size, features, labels)) {
      const l = loss(net(X, w, b), y); // Minibatch loss in `X` and `y`
      // Compute gradient on `l` with respect to [`w`, `b`]
      l.sum().backward();
      sgd([w, b], lr, batch_size); // Update parameters using their gradient
    }
    torch.no_grad(() => {
      const train_l = loss(net(features, w, b), labels);
      print(f`epoch ${int(epoch + 1)}, loss ${format(Number(train_l.mean()), 'f')}`);
    });
  }

  print(f`error in estimating w: ${true_w.sub(w.reshape(true_w.shape))}`);
  print(f`error in estimating b: ${torch.sub(true_b, b)}`);
}
