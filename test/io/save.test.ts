// torch.save / torch.load: a module's and an optimizer's state_dict survive the file exactly (special
// values and -0 included), training continues identically from them, and bad files fail with one line.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-save-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('tensors of both dtypes round-trip bit for bit, with nan, ±inf, -0, tiny and huge values', () => {
  const special = [0, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, -1e-30, 0.1];
  const obj = { a: torch.tensor(special, { dtype: torch.float64 }), b: torch.tensor([[1.5, -0], [Infinity, 3.4028234663852886e38]]), n: [1, 'nan', true, null, -0, NaN] };
  const file = path.join(dir, 'x.json');
  torch.save(obj, file);
  const back = torch.load(file) as { a: torch.Tensor; b: torch.Tensor; n: unknown[] };
  assert.equal(back.a.dtype.name, 'float64');
  assert.equal(back.b.dtype.name, 'float32');
  assert.deepEqual(back.b.shape.slice(), [2, 2]);
  Array.from(back.a.numpy()).forEach((v, i) => assert.ok(Object.is(v, special[i]), `${v} vs ${special[i]}`));
  assert.ok(Object.is(back.b.numpy()[1], -0));
  assert.deepEqual(back.n.slice(0, 4), [1, 'nan', true, null]);
  assert.ok(Object.is(back.n[4], -0) && Number.isNaN(back.n[5]));
});

test('a model and its optimizer saved mid-training continue exactly as the uninterrupted run', () => {
  const X = torch.tensor([[1, 2], [3, 4], [5, 6]], { dtype: torch.float64 });
  const Y = torch.tensor([[1], [2], [4]], { dtype: torch.float64 });
  const make = (): [torch.nn.Linear, torch.optim.SGD] => {
    torch.manual_seed(0);
    const m = new torch.nn.Linear(2, 1, { dtype: torch.float64 });
    return [m, new torch.optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 })];
  };
  const step = (m: torch.nn.Linear, o: torch.optim.SGD): void => {
    o.zero_grad();
    torch.nn.functional.mse_loss(m.forward(X), Y).backward();
    o.step();
  };
  const [m1, o1] = make();
  for (let i = 0; i < 6; i++) step(m1, o1);
  const [m2, o2] = make();
  for (let i = 0; i < 3; i++) step(m2, o2);
  const file = path.join(dir, 'ckpt.json');
  torch.save({ model: m2.state_dict(), optimizer: o2.state_dict() as unknown as torch.Saveable }, file);
  const ck = torch.load(file) as { model: Record<string, torch.Tensor>; optimizer: unknown };
  const [m3, o3] = make();
  m3.load_state_dict(ck.model);
  o3.load_state_dict(ck.optimizer as ReturnType<torch.optim.SGD['state_dict']>);
  for (let i = 0; i < 3; i++) step(m3, o3);
  assert.deepEqual(Array.from(m3.weight.detach().numpy()), Array.from(m1.weight.detach().numpy()));
  assert.deepEqual(Array.from(m3.bias!.detach().numpy()), Array.from(m1.bias!.detach().numpy()));
});

test('files that are not save files fail with one clear line', () => {
  const put = (name: string, text: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  assert.throws(() => torch.load(put('a.json', '{"format":')), /a\.json: not an autograd save file: invalid JSON/);
  assert.throws(() => torch.load(put('b.json', '{"x":1}')), /b\.json: not an autograd save file \(no "format": "autograd-save"\)/);
  assert.throws(() => torch.load(put('c.json', '{"format":"autograd-save","version":9,"data":1}')), /version 9 is not supported/);
  assert.throws(() => torch.load(put('d.json', '{"format":"autograd-save","version":1,"data":{"w":{"__tensor__":"float32","shape":[2],"data":[1]}}}')), /data\.w\.data must hold 2 values for shape \[2\]/);
  assert.throws(() => torch.load(put('e.json', '{"format":"autograd-save","version":1,"data":{"w":{"__tensor__":"float32","shape":[1],"data":["x"]}}}')), /data\.w\.data\[0\] must be a number/);
  assert.throws(() => torch.load(put('f.json', '{"format":"autograd-save","version":1,"data":{"w":{"__tensor__":"int3","shape":[],"data":[]}}}')), /unknown tensor dtype "int3"/);
  const cyc: Record<string, torch.Saveable> = {};
  cyc.self = cyc;
  assert.throws(() => torch.save(cyc, path.join(dir, 'g.json')), /cycle/);
});
