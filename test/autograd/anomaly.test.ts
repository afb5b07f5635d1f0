// torch.autograd.set_detect_anomaly / detect_anomaly: PyTorch 1.13's NaN check in backward, its
// warnings, and the mode's scoping (texts checked with /usr/bin/python3).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

function collect<T>(fn: () => T): string[] {
  const seen: string[] = [];
  torch.resetWarnings();
  const previous = torch.setWarningHandler((m) => seen.push(m));
  try {
    fn();
  } finally {
    torch.setWarningHandler(previous);
  }
  return seen;
}

test('detect_anomaly: a NaN gradient stops backward with PyTorch\'s text, naming the node and its forward call', () => {
  let error: unknown = null;
  const warnings = collect(() =>
    torch.autograd.detect_anomaly(() => {
      const x = torch.tensor([0, 1], { requires_grad: true });
      const y = x.div(x).sum();
      try {
        y.backward();
      } catch (e) {
        error = e;
      }
    }),
  );
  assert.ok(error instanceof torch.RuntimeError);
  // x / x: the gradient for `other` (-g·x/x/x) is NaN at 0; the one for `self` (g/x) is inf, not NaN
  assert.equal((error as Error).message, "Function 'DivBackward0' returned nan values in its 1th output.");
  assert.equal(warnings[0], 'Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.');
  assert.match(warnings[1], /^Error detected in DivBackward0\. Traceback of forward call that caused the error:\n {2}at .*anomaly\.test\.js/);
  assert.equal(torch.is_anomaly_enabled(), false);
});

test('check_nan=False and no anomaly mode: the NaN gradient is accumulated', () => {
  for (const run of [(f: () => void) => torch.autograd.detect_anomaly(f, false), (f: () => void) => f()]) {
    const x = torch.tensor([0, 1], { requires_grad: true });
    collect(() => run(() => x.div(x).sum().backward()));
    assert.ok(Number.isNaN(x.grad?.numpy()[0]));
  }
});

test('set_detect_anomaly: global as a call, scoped with a function; an error elsewhere in backward is reported too', () => {
  torch.autograd.set_detect_anomaly(true);
  assert.deepEqual([torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()], [true, true]);
  torch.autograd.set_detect_anomaly(false);
  assert.equal(torch.is_anomaly_enabled(), false);
  const inside = torch.autograd.set_detect_anomaly(true, false, () => [torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()]);
  assert.deepEqual(inside, [true, false]);
  assert.deepEqual([torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()], [false, true]);
  const warnings = collect(() =>
    torch.autograd.set_detect_anomaly(true, () => {
      const a = torch.tensor([1, 2], { requires_grad: true });
      const z = a.mul(a).sum();
      z.backward();
      assert.throws(() => z.backward(), { message: /^Trying to backward through the graph a second time/ });
    }),
  );
  assert.match(warnings[0], /^Error detected in MulBackward0\. Traceback of forward call that caused the error:/);
});
