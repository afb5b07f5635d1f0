// Strides, contiguity and storage offsets as PyTorch's tensors have them, through chains of view,
// pointwise and copy ops: TensorIterator's output layout (a pointwise op over x.t() is laid out as x.t()),
// contiguous(), clone's preserve_format, and so view-or-copy (view's error, reshape's copy) and the grad_fn
// names after them. 600 random chains from PyTorch 1.13 (gen_layout.py), special values among the inputs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { decodeNumber, readFixture, type EncodedNumber } from '../helpers/fixtures.js';

type Step = Record<string, unknown> & { op: string };
interface Result {
  shape?: number[];
  stride?: number[];
  contiguous?: boolean;
  offset?: number;
  grad_fn?: string | null;
  dtype?: string;
  values?: EncodedNumber[];
  error?: string;
}
interface Program {
  id: number;
  shape: number[];
  x: EncodedNumber[];
  steps: Step[];
  results: Result[];
}
const fixture = readFixture<{ programs: Program[] }>('torch/layout.json');

function partner(values: number, shape: number[], dtype: torch.DType): Tensor {
  return torch.arange(1, 1 + values, 1, { dtype }).reshape(shape).div(7);
}

function apply(x: Tensor, s: Step): Tensor {
  const n = (k: string): number => s[k] as number;
  switch (s.op) {
    case 't': return x.t();
    case 'mT': return x.mT;
    case 'transpose': return x.transpose(n('dim0'), n('dim1'));
    case 'permute': return x.permute(s.dims as number[]);
    case 'unsqueeze': return x.unsqueeze(n('dim'));
    case 'squeeze': return 'dim' in s ? x.squeeze(n('dim')) : x.squeeze();
    case 'expand': return x.expand(s.size as number[]);
    case 'slice': {
      const idx: unknown[] = Array.from({ length: n('dim') }, () => torch.slice());
      idx.push(torch.slice(n('start'), s.stop as number | null, n('step')));
      return (x.index as (...a: unknown[]) => Tensor)(...idx);
    }
    case 'select': return x.select(n('dim'), n('index'));
    case 'narrow': return x.narrow(n('dim'), n('start'), n('length'));
    case 'view': return x.view(s.shape as number[]);
    case 'reshape': return x.reshape(s.shape as number[]);
    case 'flatten': return x.flatten();
    case 'contiguous': return x.contiguous();
    case 'clone': return x.clone();
    case 'sum': return x.sum(n('dim'));
    case 'unary': return (x[s.fn as 'exp'] as () => Tensor).call(x);
    case 'binary': {
      const shape = s.other as number[];
      const other = partner(shape.reduce((a, b) => a * b, 1), shape, x.dtype.name);
      const f = torch[s.fn as 'add'] as (a: Tensor, b: Tensor) => Tensor;
      return s.first ? f(x, other) : f(other, x);
    }
    case 'binary_t': {
      const shp = x.shape.slice();
      const t = torch.arange(0, x.numel(), 1, { dtype: x.dtype }).reshape([...shp.slice(0, -2), shp[shp.length - 1], shp[shp.length - 2]]).div(5).transpose(-1, -2);
      const f = torch[s.fn as 'add'] as (a: Tensor, b: Tensor) => Tensor;
      return s.first ? f(x, t) : f(t, x);
    }
    case 'scalar': return s.fn === 'pow' ? x.pow(n('value')) : (x[s.fn as 'add'] as (v: number) => Tensor).call(x, n('value'));
    case 'to': return x.to(s.dtype as torch.DType);
    case 'cmp_where': return torch.where(x.gt(0), x, x.mul(2));
    case 'where': return torch.where(x.gt(0.1), x, torch.zeros([]));
    case 'clamp': return x.clamp(n('min'), n('max'));
    case 'softmax': return x.softmax(n('dim'));
    default: throw new Error(`unknown step ${s.op}`);
  }
}

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** The first difference of program p from PyTorch's, or null. */
function run(p: Program): string | null {
  let x: Tensor = torch.tensor(p.x.map(decodeNumber)).reshape(p.shape).requires_grad_();
  for (let i = 0; i < p.results.length; i++) {
    const want = p.results[i];
    const where = `program ${p.id} step ${i} ${JSON.stringify(p.steps[i])}`;
    let y: Tensor;
    try {
      y = apply(x, p.steps[i]);
    } catch (e) {
      const got = `${(e as Error).name}: ${(e as Error).message}`;
      return want.error === got ? null : `${where}: ${want.error ?? 'no error'} vs ${got}`;
    }
    if (want.error !== undefined) return `${where}: PyTorch raised ${want.error}`;
    const got = {
      shape: [...y.shape], stride: y.stride(), contiguous: y.is_contiguous(), offset: y.storage_offset(),
      grad_fn: y.grad_fn === null ? null : y.grad_fn.name(), dtype: String(y.dtype).replace('torch.', ''),
    };
    const expected = { shape: want.shape, stride: want.stride, contiguous: want.contiguous, offset: want.offset, grad_fn: want.grad_fn, dtype: want.dtype };
    if (JSON.stringify(got) !== JSON.stringify(expected)) return `${where}: ${JSON.stringify(expected)} vs ${JSON.stringify(got)}`;
    const values = Array.from(y.detach().double().flatten().numpy() as Float64Array);
    const wantValues = (want.values ?? []).map(decodeNumber);
    if (values.length !== wantValues.length || !values.every((v, k) => same(v, wantValues[k]))) return `${where}: values ${wantValues.slice(0, 4)} vs ${values.slice(0, 4)}`;
    x = y;
  }
  return null;
}

test(`${fixture.programs.length} chains of view, pointwise and copy ops give PyTorch's strides, offsets, contiguity and grad_fns`, () => {
  assert.ok(fixture.programs.length >= 500);
  const wrong = fixture.programs.map(run).filter((m) => m !== null);
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${fixture.programs.length} differ`);
});

test('stride(d), is_contiguous and storage_offset on the examples of the PyTorch docs', () => {
  const x = torch.arange(12).reshape([3, 4]);
  assert.deepEqual(x.stride(), [4, 1]);
  assert.equal(x.stride(-1), 1);
  assert.deepEqual(x.t().stride(), [1, 4]);
  assert.equal(x.t().is_contiguous(), false);
  assert.equal(x.t().contiguous().is_contiguous(), true);
  assert.equal(x.index(1).storage_offset(), 4);
  assert.throws(() => torch.tensor(1).stride(0), { message: 'Dimension specified as 0 but tensor has no dimensions' });
  // a contiguous tensor's contiguous() is itself; another's is a copy with CloneBackward0
  const w = torch.ones([2, 3], { requires_grad: true });
  assert.equal(w.contiguous(), w);
  assert.equal(w.t().contiguous().grad_fn?.name(), 'CloneBackward0');
});
