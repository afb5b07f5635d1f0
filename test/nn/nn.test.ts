// nn.Module, nn.Linear and the losses: PyTorch's behaviour and texts (checked with torch 1.13.1).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

test('Linear: weight [out, in], PyTorch init bounds ±1/sqrt(in_features), seeded', () => {
  const a = new torch.nn.Linear(4, 3, { generator: new torch.Generator(1) });
  const b = new torch.nn.Linear(4, 3, { generator: new torch.Generator(1) });
  assert.deepEqual(a.weight.shape.slice(), [3, 4]);
  assert.deepEqual(a.bias!.shape.slice(), [3]);
  for (const v of [...a.weight.detach().numpy(), ...a.bias!.detach().numpy()]) assert.ok(Math.abs(v) <= 0.5);
  assert.deepEqual(a.weight.detach().numpy(), b.weight.detach().numpy());
  assert.equal(new torch.nn.Linear(2, 1, { bias: false }).bias, null);
  assert.equal(String(new torch.nn.Linear(2, 1, { bias: false })), 'Linear(in_features=2, out_features=1, bias=False)');
  assert.equal(a.forward(torch.ones(5, 4)).grad_fn?.name(), 'AddmmBackward0');
});

test('parameters, named_parameters, zero_grad (zeroes in place by default, as PyTorch 1.13), train/eval', () => {
  const m = new torch.nn.Linear(2, 1);
  assert.deepEqual([...m.named_parameters()].map(([n]) => n), ['weight', 'bias']);
  m.forward(torch.ones(3, 2)).sum().backward();
  m.zero_grad({ set_to_none: false });
  assert.deepEqual(Array.from(m.weight.grad!.numpy()), [0, 0]);
  m.zero_grad({ set_to_none: true });
  assert.equal(m.weight.grad, null);
  assert.equal(m.eval().training, false);
  assert.equal(m.train().training, true);
});

test('state_dict / load_state_dict with PyTorch\'s errors', () => {
  const m = new torch.nn.Linear(2, 1);
  const sd = m.state_dict();
  const other = new torch.nn.Linear(2, 1);
  other.load_state_dict(sd);
  assert.deepEqual(other.weight.detach().numpy(), m.weight.detach().numpy());
  assert.throws(() => m.load_state_dict({ weight: torch.zeros(1, 3), bias: torch.zeros(1) }), {
    message: 'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape torch.Size([1, 3]) from checkpoint, the shape in current model is torch.Size([1, 2]).',
  });
  assert.throws(() => m.load_state_dict({ weight: torch.zeros(1, 2) }), { message: 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". ' });
  m.load_state_dict({ weight: torch.zeros(1, 2) }, { strict: false });
});

test('MSELoss warns like PyTorch when [N, 1] meets [N]', () => {
  const seen: string[] = [];
  const previous = torch.setWarningHandler((m) => seen.push(m));
  torch.resetWarnings();
  try {
    new torch.nn.MSELoss().forward(torch.ones(4, 1), torch.ones(4));
  } finally {
    torch.setWarningHandler(previous);
  }
  assert.deepEqual(seen, ['Using a target size (torch.Size([4])) that is different to the input size (torch.Size([4, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.']);
});

test('BCEWithLogitsLoss with pos_weight is finite for logits of ±80', () => {
  const loss = new torch.nn.BCEWithLogitsLoss({ pos_weight: torch.tensor([2]) }).forward(torch.tensor([-80, 80]), torch.tensor([1, 0]));
  assert.ok(Math.abs(loss.item() - 80 * 1.5) < 1e-3); // (2·80 + 80) / 2
});
