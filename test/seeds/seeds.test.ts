// The seed tutorials (PyTorch autograd lessons) line by line in TypeScript: every deterministic result
// they print, text for text. Expected strings are PyTorch's own output as the seeds show it
// (seed files named per test); where a seed shows no output, the value was computed with PyTorch 1.13.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { pyRepr } from '../../src/tensor/pyfloat.js';

describe('seed 000: gradient, update, detach, MSE and BCE examples', () => {
  test('2 * w**2 at w = 10, then one update with lr 0.01', () => {
    let w = torch.tensor(10, { requires_grad: true, dtype: torch.float32 });
    const loss = torch.mul(2, w.pow(2));
    loss.backward();
    assert.equal(String(w.grad), 'tensor(40.)');
    const lr = 0.01;
    w = w.sub(torch.mul(lr, w.grad!));
    assert.equal(String(w), 'tensor(9.6000, grad_fn=<SubBackward0>)');
  });

  test('minimising w**2 + 20 prints the seed\'s lines', () => {
    const expected = [
      '第1次，权重初始值:9.800000190734863, 梯度：20.0, loss 120.0',
      '第2次，权重初始值:9.604000091552734, 梯度：19.600000381469727, loss 116.04000091552734',
      '第3次，权重初始值:9.411920547485352, 梯度：19.20800018310547, loss 112.23681640625',
      '第4次，权重初始值:9.223682403564453, 梯度：18.823841094970703, loss 108.5842514038086',
      '第5次，权重初始值:9.03920841217041, 梯度：18.447364807128906, loss 105.0763168334961',
      '第6次，权重初始值:8.858424186706543, 梯度：18.07841682434082, loss 101.70729064941406',
      '第7次，权重初始值:8.681255340576172, 梯度：17.716848373413086, loss 98.4716796875',
      '第8次，权重初始值:8.507630348205566, 梯度：17.362510681152344, loss 95.36419677734375',
      '第9次，权重初始值:8.337477684020996, 梯度：17.015260696411133, loss 92.37977600097656',
      '第10次，权重初始值:8.170727729797363, 梯度：16.674955368041992, loss 89.51353454589844',
      '第11次，权重初始值:8.007312774658203, 梯度：16.341455459594727, loss 86.76078796386719',
      '第12次，权重初始值:7.847166538238525, 梯度：16.014625549316406, loss 84.11705780029297',
      '第13次，权重初始值:7.690223217010498, 梯度：15.69433307647705, loss 81.57801818847656',
      '第14次，权重初始值:7.536418914794922, 梯度：15.380446434020996, lo', // the seed's output is cut here
    ];
    const w = torch.tensor(10, { requires_grad: true, dtype: torch.float32 });
    const lr = 0.01;
    const lines: string[] = [];
    for (let i = 1; i <= 100; i++) {
      const loss = w.pow(2).add(20);
      if (w.grad !== null) w.grad.zero_();
      loss.backward();
      w.data = w.data.sub(torch.mul(lr, w.grad!));
      // an f-string of a 0-d tensor formats its item() as a Python float
      lines.push(`第${i}次，权重初始值:${pyRepr(w.item())}, 梯度：${pyRepr(w.grad!.item())}, loss ${pyRepr(loss.item())}`);
    }
    expected.forEach((line, i) => assert.ok(lines[i].startsWith(line), `line ${i + 1}: ${lines[i]}`));
    assert.ok(Math.abs(w.item()) < 1.5, 'w keeps descending towards 0');
  });

  test('detach shares storage with the original', () => {
    const t1 = torch.tensor([10, 20], { requires_grad: true, dtype: torch.float32 });
    assert.equal(String(t1), 'tensor([10., 20.], requires_grad=True)');
    assert.throws(() => t1.numpy(), { message: "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead." });
    const t2 = t1.detach();
    assert.equal(String(t2), 'tensor([10., 20.])');
    t1.data.numpy()[0] = 100; // the seed's t1.data[0] = 100
    assert.equal(String(t1), 'tensor([100.,  20.], requires_grad=True)');
    assert.equal(String(t2), 'tensor([100.,  20.])');
    assert.equal(`${t1}${t1.requires_grad ? 'True' : 'False'}`, 'tensor([100.,  20.], requires_grad=True)True');
    assert.equal(`${t2}${t2.requires_grad ? 'True' : 'False'}`, 'tensor([100.,  20.])False');
    assert.deepEqual(Array.from(t2.numpy()), [100, 20]);
    assert.deepEqual(Array.from(t1.detach().numpy()), [100, 20]);
  });

  test('x @ w + b with MSELoss: the printed z, loss and gradients', () => {
    const x = torch.ones(2, 5);
    const y = torch.zeros(2, 3);
    // the seed's random w and b as it printed them, rounded to 4 decimals: results can differ from the
    // printed ones by the accumulated rounding (5·0.5e-4 for z), so values are compared within that
    const w = torch.tensor([[-0.2116, 0.1743, 1.6572], [-1.4358, -0.9859, 0.9192], [1.9637, -1.008, -0.7727], [-0.6106, -1.2267, -0.043], [-0.5982, 0.0159, 1.5393]], { requires_grad: true });
    const b = torch.tensor([-0.1323, 0.0406, 1.6879], { requires_grad: true });
    const close = (t: torch.Tensor, printed: number[], tol: number): void =>
      t.detach().numpy().forEach((v, i) => assert.ok(Math.abs(v - printed[i % printed.length]) <= tol, `${v} vs ${printed[i % printed.length]}`));
    const z = torch.matmul(x, w).add(b);
    assert.equal(z.grad_fn?.name(), 'AddBackward0');
    close(z, [-1.0249, -2.9899, 4.988], 3.5e-4);
    const loss = new torch.nn.MSELoss().forward(z, y);
    assert.equal(loss.grad_fn?.name(), 'MseLossBackward0');
    close(loss, [11.6234], 2e-3);
    loss.backward();
    close(w.grad!, [-0.6832, -1.9932, 3.3254], 3e-4); // every row of w.grad equals b.grad (x is all ones)
    close(b.grad!, [-0.6832, -1.9932, 3.3254], 3e-4);
    assert.match(String(w.grad), /^tensor\(\[\[-0\.68\d\d, -1\.99\d\d,  3\.32\d\d\],\n {8}\[/);
  });
});

describe('seed 001: grad_fn, no_grad, detach, accumulation with retain_graph', () => {
  test('binary_cross_entropy_with_logits graph and gradients', () => {
    const x = torch.ones(5);
    const y = torch.zeros(3);
    const w = torch.randn(5, 3, { requires_grad: true });
    const b = torch.randn(3, { requires_grad: true });
    const z = torch.matmul(x, w).add(b);
    const loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y);
    assert.equal(`Gradient function for z = ${z.grad_fn}`, 'Gradient function for z = <AddBackward0 object>');
    assert.equal(`Gradient function for loss = ${loss.grad_fn}`, 'Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object>');
    loss.backward();
    // x is all ones, so every row of w.grad equals b.grad = sigmoid(z) / 3
    const g = b.grad!.numpy();
    for (let r = 0; r < 5; r++) assert.deepEqual(Array.from(w.grad!.numpy().slice(r * 3, r * 3 + 3)), Array.from(g));
    z.detach().numpy().forEach((zi, i) => assert.ok(Math.abs(g[i] - 1 / (1 + Math.exp(-zi)) / 3) < 1e-7));
    assert.equal(torch.matmul(x, w).add(b).requires_grad, true);
    assert.equal(torch.no_grad(() => torch.matmul(x, w).add(b)).requires_grad, false);
    assert.equal(torch.matmul(x, w).add(b).detach().requires_grad, false);
  });

  test('torch.eye(4, 5): First call, Second call, after zeroing', () => {
    const inp = torch.eye(4, 5, { requires_grad: true });
    const out = inp.add(1).pow(2).t();
    out.backward(torch.ones_like(out), { retain_graph: true });
    const first = 'tensor([[4., 2., 2., 2., 2.],\n        [2., 4., 2., 2., 2.],\n        [2., 2., 4., 2., 2.],\n        [2., 2., 2., 4., 2.]])';
    assert.equal(`First call\n${inp.grad}`, `First call\n${first}`);
    out.backward(torch.ones_like(out), { retain_graph: true });
    assert.equal(
      `\nSecond call\n${inp.grad}`,
      '\nSecond call\ntensor([[8., 4., 4., 4., 4.],\n        [4., 8., 4., 4., 4.],\n        [4., 4., 8., 4., 4.],\n        [4., 4., 4., 8., 4.]])',
    );
    inp.grad!.zero_();
    out.backward(torch.ones_like(out), { retain_graph: true });
    assert.equal(`\nCall after zeroing gradients\n${inp.grad}`, `\nCall after zeroing gradients\n${first}`);
  });
});

describe('seed 002: backward from scratch, y = x + 2, requires_grad_, Jacobian-vector products', () => {
  test('fitting y = 2x one sample at a time converges to w = 2', () => {
    const xData = [1, 2, 3];
    const yData = [2, 4, 6];
    const w = torch.tensor([1.0], { requires_grad: true });
    let l = torch.tensor(0);
    for (let epoch = 0; epoch < 100; epoch++) {
      for (let i = 0; i < 3; i++) {
        l = torch.mul(xData[i], w).sub(yData[i]).pow(2);
        l.backward();
        w.data = w.data.sub(torch.mul(0.01, w.grad!.data));
        w.grad!.data.zero_();
      }
    }
    assert.ok(Math.abs(w.item() - 2) < 1e-6);
    assert.ok(l.item() < 1e-10);
  });

  test('y = x + 2, z = y * y * 3, out = z.mean() (values from PyTorch 1.13)', () => {
    const x = torch.ones(2, 2, { requires_grad: true });
    assert.equal(String(x), 'tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)');
    const y = x.add(2);
    assert.equal(String(y), 'tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)');
    assert.equal(String(y.grad_fn), '<AddBackward0 object>');
    const z = y.mul(y).mul(3);
    const out = z.mean();
    assert.equal(`${z} ${out}`, 'tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)');
    out.backward();
    assert.equal(String(x.grad), 'tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])');
  });

  test('requires_grad_ turns tracking on in place', () => {
    let a = torch.randn(2, 2);
    a = a.mul(3).div(a.sub(1));
    assert.equal(a.requires_grad, false);
    a.requires_grad_(true);
    assert.equal(a.requires_grad, true);
    assert.equal(String(a.mul(a).sum().grad_fn), '<SumBackward0 object>');
  });

  test('vector-Jacobian product through repeated doubling', () => {
    const x = torch.randn(3, { requires_grad: true });
    let y = x.mul(2);
    let factor = 2;
    while (y.data.norm().item() < 1000) {
      y = y.mul(2);
      factor *= 2;
    }
    const v = torch.tensor([0.1, 1.0, 0.0001], { dtype: torch.float32 });
    y.backward(v);
    assert.deepEqual(Array.from(x.grad!.numpy()), Array.from(v.numpy()).map((vi) => Math.fround(vi * factor)));
    assert.equal(x.requires_grad, true);
    assert.equal(x.pow(2).requires_grad, true);
    assert.equal(torch.no_grad(() => x.pow(2).requires_grad), false);
  });
});

describe('seed 003: reductions and elementwise functions in float64, gradients, grad control', () => {
  test('mean, sum, pow, sqrt, exp, log, log2, log10 print as PyTorch prints them', () => {
    const data = torch.tensor([[4, 0, 7], [6, 3, 5]], { dtype: torch.float64 });
    const lines = [
      data, data.mean(), data.mean(0), data.mean(1), data.sum(), data.sum(0), data.sum(1),
      data.pow(2), data.sqrt(), data.exp(), data.log(), data.log2(), data.log10(),
    ].map(String);
    assert.deepEqual(lines, [
      'tensor([[4., 0., 7.],\n        [6., 3., 5.]], dtype=torch.float64)',
      'tensor(4.1667, dtype=torch.float64)',
      'tensor([5.0000, 1.5000, 6.0000], dtype=torch.float64)',
      'tensor([3.6667, 4.6667], dtype=torch.float64)',
      'tensor(25., dtype=torch.float64)',
      'tensor([10.,  3., 12.], dtype=torch.float64)',
      'tensor([11., 14.], dtype=torch.float64)',
      'tensor([[16.,  0., 49.],\n        [36.,  9., 25.]], dtype=torch.float64)',
      'tensor([[2.0000, 0.0000, 2.6458],\n        [2.4495, 1.7321, 2.2361]], dtype=torch.float64)',
      'tensor([[5.4598e+01, 1.0000e+00, 1.0966e+03],\n        [4.0343e+02, 2.0086e+01, 1.4841e+02]], dtype=torch.float64)',
      'tensor([[1.3863,   -inf, 1.9459],\n        [1.7918, 1.0986, 1.6094]], dtype=torch.float64)',
      'tensor([[2.0000,   -inf, 2.8074],\n        [2.5850, 1.5850, 2.3219]], dtype=torch.float64)',
      'tensor([[0.6021,   -inf, 0.8451],\n        [0.7782, 0.4771, 0.6990]], dtype=torch.float64)',
    ]);
  });

  test('scalar, vector, and several-variable gradients', () => {
    const f64 = { requires_grad: true, dtype: torch.float64 } as const;
    const x = torch.tensor(10, f64);
    x.pow(2).add(20).backward();
    assert.equal(String(x.grad), 'tensor(20., dtype=torch.float64)');

    const v = torch.tensor([10, 20, 30, 40], f64);
    v.pow(2).add(20).mean().backward();
    assert.equal(String(v.grad), 'tensor([ 5., 10., 15., 20.], dtype=torch.float64)');

    const x1 = torch.tensor(10, f64);
    const x2 = torch.tensor(20, f64);
    x1.pow(2).add(x2.pow(2)).add(x1.mul(x2)).sum().backward();
    assert.equal(`${x1.grad} ${x2.grad}`, 'tensor(40., dtype=torch.float64) tensor(50., dtype=torch.float64)');

    const y1 = torch.tensor([10, 20], f64);
    const y2 = torch.tensor([30, 40], f64);
    const y = y1.pow(2).add(y2.pow(2)).add(y1.mul(y2));
    assert.equal(String(y), 'tensor([1300., 2800.], dtype=torch.float64, grad_fn=<AddBackward0>)');
    y.sum().backward();
    assert.equal(`${y1.grad} ${y2.grad}`, 'tensor([50., 80.], dtype=torch.float64) tensor([ 70., 100.], dtype=torch.float64)');
  });

  test('no_grad, a no_grad-wrapped function, set_grad_enabled(false)', () => {
    const x = torch.tensor(10, { requires_grad: true, dtype: torch.float64 });
    assert.equal(x.requires_grad, true);
    assert.equal(torch.no_grad(() => x.pow(2)).requires_grad, false);
    const myFunc = (t: torch.Tensor): torch.Tensor => torch.no_grad(() => t.pow(2));
    assert.equal(myFunc(x).requires_grad, false);
    torch.set_grad_enabled(false);
    try {
      assert.equal(x.pow(2).requires_grad, false);
    } finally {
      torch.set_grad_enabled(true);
    }
  });

  test('zeroing inside the loop keeps the gradient from accumulating', () => {
    const x = torch.tensor([10, 20, 30, 40], { requires_grad: true, dtype: torch.float64 });
    const printed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const f2 = x.pow(2).add(20).mean();
      if (x.grad !== null) x.grad.data.zero_();
      f2.backward();
      printed.push(String(x.grad));
    }
    assert.deepEqual(printed, Array(3).fill('tensor([ 5., 10., 15., 20.], dtype=torch.float64)'));
  });

  test('gradient descent on x**2 reaches 0 (5000 steps, lr 0.001)', () => {
    const x = torch.tensor(10, { requires_grad: true, dtype: torch.float64 });
    for (let i = 0; i < 5000; i++) {
      const f = x.pow(2);
      if (x.grad !== null) x.grad.data.zero_();
      f.backward();
      x.data = x.data.sub(torch.mul(0.001, x.grad!));
    }
    assert.ok(Math.abs(x.item() - 10 * 0.998 ** 5000) < 1e-12); // each step multiplies x by (1 - 2·0.001)
  });

  test('detach, and replacing .data of the detached tensor', () => {
    const x = torch.tensor([10, 20], { requires_grad: true, dtype: torch.float64 });
    assert.throws(() => x.numpy(), { message: "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead." });
    assert.deepEqual(Array.from(x.detach().numpy()), [10, 20]);
    const x2 = x.detach();
    assert.equal(x2.numpy(), x.detach().numpy()); // the same storage (the seed compares id(x1.data), id(x2.data))
    x2.data = torch.tensor([100, 200]);
    assert.equal(String(x), 'tensor([10., 20.], dtype=torch.float64, requires_grad=True)');
    // PyTorch prints tensor([100, 200]) (int64); this library has only floating dtypes
    assert.equal(String(x2), 'tensor([100., 200.])');
    assert.equal(x2.requires_grad, false);
  });
});

describe('seed 004: the same lessons with y = 2x²', () => {
  test('scalar', () => {
    const x = torch.tensor(10, { requires_grad: true, dtype: torch.float32 });
    assert.equal(`x--> ${x}`, 'x--> tensor(10., requires_grad=True)');
    const y = torch.mul(2, x.pow(2));
    assert.equal(`y--> ${y}`, 'y--> tensor(200., grad_fn=<MulBackward0>)');
    assert.equal(String(y.grad_fn), '<MulBackward0 object>');
    assert.equal(`y.sum()--> ${y.sum()}`, 'y.sum()--> tensor(200., grad_fn=<SumBackward0>)');
    y.backward();
    assert.equal(`x的梯度值是: ${x.grad}`, 'x的梯度值是: tensor(40.)');
  });

  test('vector', () => {
    const x = torch.tensor([10, 20], { requires_grad: true, dtype: torch.float32 });
    assert.equal(`x--> ${x}`, 'x--> tensor([10., 20.], requires_grad=True)');
    const y = torch.mul(2, x.pow(2));
    assert.equal(`y--> ${y}`, 'y--> tensor([200., 800.], grad_fn=<MulBackward0>)');
    y.sum().backward();
    assert.equal(`x.grad--> ${x.grad}`, 'x.grad--> tensor([40., 80.])');
  });

  test('gradient descent on x**2 + 20 for 1000 steps reaches the minimum', () => {
    const x = torch.tensor(10, { requires_grad: true, dtype: torch.float32 });
    let y = x.pow(2).add(20);
    for (let i = 1; i <= 1000; i++) {
      y = x.pow(2).add(20);
      if (x.grad !== null) x.grad.zero_();
      y.sum().backward();
      x.data = x.data.sub(torch.mul(0.01, x.grad!));
    }
    assert.ok(Math.abs(x.item()) < 1e-7);
    assert.ok(Math.abs(y.item() - 20) < 1e-6);
  });

  test('MSE gradient example: every row of W.grad equals b.grad', () => {
    const x = torch.ones(2, 5);
    const y = torch.zeros(2, 3);
    const w = torch.randn(5, 3, { requires_grad: true });
    const b = torch.randn(3, { requires_grad: true });
    const z = torch.matmul(x, w).add(b);
    new torch.nn.MSELoss().forward(z, y).backward();
    const g = Array.from(b.grad!.numpy());
    for (let r = 0; r < 5; r++) assert.deepEqual(Array.from(w.grad!.numpy().slice(r * 3, r * 3 + 3)), g);
    z.detach().numpy().slice(0, 3).forEach((zi, i) => assert.ok(Math.abs(g[i] - (2 * zi) / 3) < 1e-6)); // d/dz mean(z²) over 6 = z/3, two rows
  });
});
