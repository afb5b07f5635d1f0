// Printing against PyTorch 1.13's own str(tensor): test/fixtures/torch/print.json, made by gen_print.py.

import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { RuntimeError } from '../../src/errors.js';
import { set_default_dtype, type DType } from '../../src/tensor/dtype.js';
import { formatTensor, get_printoptions, set_printoptions, type PrintOptions } from '../../src/tensor/format.js';
import { tensor } from '../../src/tensor/factories.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf';
type OptionsCall = Partial<Record<keyof PrintOptions | 'profile', Encoded | boolean | string | null>>;

interface PrintCase {
  name: string;
  shape: number[];
  dtype: DType;
  requires_grad: boolean;
  grad_fn: string | null;
  default_dtype: DType;
  options: OptionsCall[];
  prefix: string;
  text: string;
  data: Encoded[];
}

const decode = (v: Encoded): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** The fixture's set_printoptions kwargs as our options object (threshold may be 'inf'). */
function toOptions(call: OptionsCall): Parameters<typeof set_printoptions>[0] {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call)) options[key] = value === 'inf' ? Infinity : value;
  return options as Parameters<typeof set_printoptions>[0];
}

function resetOptions(): void {
  set_printoptions({ profile: 'default' });
  set_default_dtype('float32');
}

const fixture = readFixture<{ generator: string; cases: PrintCase[] }>('torch/print.json');

describe(`str(tensor) matches ${fixture.generator}`, () => {
  afterEach(resetOptions);
  for (const c of fixture.cases) {
    test(c.name, () => {
      set_default_dtype(c.default_dtype);
      for (const call of c.options) set_printoptions(toOptions(call));
      const values = c.data.map(decode);
      const data = c.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
      const info = { data, shape: c.shape, dtype: c.dtype, gradFnName: c.grad_fn, requiresGrad: c.requires_grad };
      assert.equal(formatTensor(info, c.prefix), c.text);
    });
  }
});

describe('the fixture covers what the printer must handle', () => {
  const names = fixture.cases.map((c) => c.name);
  const texts = fixture.cases.map((c) => c.text);
  test('every rank from 0-d to 4-d, both dtypes, empty and summarized tensors', () => {
    for (const rank of [0, 1, 2, 3, 4]) assert.ok(fixture.cases.some((c) => c.shape.length === rank), `rank ${rank}`);
    assert.ok(fixture.cases.some((c) => c.dtype === 'float32') && fixture.cases.some((c) => c.dtype === 'float64'));
    assert.ok(texts.some((t) => t.startsWith('tensor([], size=(0, 3)')));
    for (const rank of [1, 2, 3]) assert.ok(fixture.cases.some((c) => c.shape.length === rank && c.text.includes('...')), `summarized ${rank}-d`);
    for (const piece of ['nan', '-inf', 'e-05', 'e+08', '-0.', 'grad_fn=<', 'requires_grad=True', ',\n       dtype=']) {
      assert.ok(texts.some((t) => t.includes(piece)), piece);
    }
    assert.ok(names.filter((n) => n.startsWith('seed ')).length >= 20);
    assert.ok(names.filter((n) => n.startsWith('random ')).length >= 50);
  });
});

describe('set_printoptions follows PyTorch', () => {
  afterEach(resetOptions);
  test('defaults, and the short and full profiles', () => {
    assert.deepEqual(get_printoptions(), { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null });
    set_printoptions({ profile: 'short' });
    assert.deepEqual(get_printoptions(), { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80, sci_mode: null });
    set_printoptions({ profile: 'full', linewidth: 120 });
    assert.deepEqual(get_printoptions(), { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 120, sci_mode: null });
  });

  test('every call without sci_mode resets it to automatic', () => {
    set_printoptions({ sci_mode: true });
    assert.equal(get_printoptions().sci_mode, true);
    set_printoptions({ precision: 3 });
    assert.equal(get_printoptions().sci_mode, null);
    assert.equal(get_printoptions().precision, 3);
  });

  test('get_printoptions returns a copy', () => {
    const options = get_printoptions();
    options.precision = 9;
    assert.equal(get_printoptions().precision, 4);
  });

  test('edgeitems=0 on a summarized matrix fails as in PyTorch (torch.stack of no rows)', () => {
    set_printoptions({ threshold: 5, edgeitems: 0 });
    const info = { data: new Float32Array(12).fill(0.5), shape: [3, 4], dtype: 'float32' as const };
    assert.throws(() => formatTensor(info), (e: unknown) => e instanceof RuntimeError && e.message === 'stack expects a non-empty TensorList');
  });
});

describe('large tensors', () => {
  afterEach(resetOptions);
  test('a summarized million-element tensor only formats its corners', () => {
    const data = new Float64Array(1_000_000);
    for (let i = 0; i < data.length; i++) data[i] = i;
    const started = performance.now();
    const text = formatTensor({ data, shape: [1000, 1000], dtype: 'float64' });
    assert.ok(performance.now() - started < 200, 'summarizing must not visit every element');
    // PyTorch 1.13: print(torch.arange(1e6, dtype=torch.float64).reshape(1000, 1000))
    const expected = [
      'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,',
      '         9.9900e+02],',
      '        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,',
      '         1.9990e+03],',
      '        [2.0000e+03, 2.0010e+03, 2.0020e+03,  ..., 2.9970e+03, 2.9980e+03,',
      '         2.9990e+03],',
      '        ...,',
      '        [9.9700e+05, 9.9700e+05, 9.9700e+05,  ..., 9.9800e+05, 9.9800e+05,',
      '         9.9800e+05],',
      '        [9.9800e+05, 9.9800e+05, 9.9800e+05,  ..., 9.9900e+05, 9.9900e+05,',
      '         9.9900e+05],',
      '        [9.9900e+05, 9.9900e+05, 9.9900e+05,  ..., 1.0000e+06, 1.0000e+06,',
      '         1.0000e+06]], dtype=torch.float64)',
    ];
    assert.equal(text, expected.join('\n'));
  });

  test("profile 'full' prints every element of a 200,000-element vector without overflowing the stack", () => {
    set_printoptions({ profile: 'full' });
    const data = new Float32Array(200_000).fill(0.1);
    const text = formatTensor({ data, shape: [data.length], dtype: 'float32' });
    // '0.1000' is 6 wide, 8 wide with ', ': floor((80 - 7) / 8) = 9 per line
    assert.equal(text.split('\n').length, Math.ceil(200_000 / 9));
    assert.equal(text.match(/0\.1000/g)?.length, 200_000);
  });
});

test('Tensor#toString goes through formatTensor (PyTorch text from the seeds)', () => {
  const t = tensor([10, 20], { requires_grad: true });
  assert.equal(String(t), 'tensor([10., 20.], requires_grad=True)');
  assert.equal(String(tensor([[4, 0, 7], [6, 3, 5]], { dtype: 'float64' })), 'tensor([[4., 0., 7.],\n        [6., 3., 5.]], dtype=torch.float64)');
});
