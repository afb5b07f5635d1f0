// torch.Size and torch.dtype against PyTorch 1.13 (test/fixtures/torch/gen_size_dtype.py): x.shape and
// x.size() print as `torch.Size([3, 4])`, index and count as a tuple; each dtype is one object that prints as
// `torch.float32`, compares by identity and has PyTorch's flags; the functions returning dtypes return them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

interface Case {
  py: string;
  js: string;
  out?: string;
  err?: [string, string];
}

const fixture = readFixture<{ torch: string; cases: Case[] }>('torch/size_dtype.json');

/** Python's str() of a result: booleans as True/False, the rest as String() gives it. */
function outcome(c: Case): Omit<Case, 'py' | 'js'> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the case's JavaScript spelling
    const r: unknown = new Function('torch', `return ${c.js};`)(torch);
    return { out: typeof r === 'boolean' ? (r ? 'True' : 'False') : String(r) };
  } catch (e) {
    const err = e as Error;
    return { err: [err.constructor.name === 'ArgumentTypeError' ? 'TypeError' : err.constructor.name, err.message] }; // Python's TypeError
  }
}

test(`${fixture.cases.length} torch.Size and torch.dtype cases print, compare and fail as PyTorch ${fixture.torch}`, () => {
  assert.ok(fixture.cases.length > 100);
  const wrong = fixture.cases.flatMap((c) => {
    const { py, js: _js, ...want } = c;
    const got = outcome(c);
    return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${py}\n    torch: ${JSON.stringify(want)}\n    ours:  ${JSON.stringify(got)}`];
  });
  assert.deepEqual(wrong, []);
});

test('a Size is a frozen array: indexing, spreading and iteration give numbers; array methods give plain arrays', () => {
  const s = torch.zeros(2, 3, 4).shape;
  assert.ok(s instanceof torch.Size && Array.isArray(s));
  assert.deepEqual([...s], [2, 3, 4]);
  const [a, b] = s;
  assert.equal(a * b, 6);
  assert.equal(Object.getPrototypeOf(s.map((d) => d * 2)), Array.prototype);
  assert.equal(Object.getPrototypeOf(s.slice(1)), Array.prototype);
  assert.throws(() => {
    (s as unknown as number[])[0] = 5;
  }, TypeError);
  assert.equal(JSON.stringify(s), '[2,3,4]');
  // the same object while the shape is the same; a new one when the shape changes (`x.data = …`)
  const x = torch.zeros(2, 3);
  assert.equal(x.shape, x.shape);
  assert.equal(x.size(), x.shape);
  x.data = torch.zeros(1, 2, 3);
  assert.equal(String(x.shape), 'torch.Size([1, 2, 3])');
});

test('a dtype argument is a torch.dtype or its name; the dtype in JSON is its name', () => {
  assert.equal(torch.zeros(1, { dtype: 'float64' }).dtype, torch.float64);
  assert.equal(torch.ones(1).to('int32').dtype, torch.int32);
  assert.equal(JSON.stringify({ d: torch.float64 }), '{"d":"float64"}');
  assert.equal(torch.float64.name, 'float64');
  assert.throws(() => torch.zeros(1, { dtype: 'complex64' as never }), /unsupported dtype complex64/);
});
