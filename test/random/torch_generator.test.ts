// The default generator against PyTorch 1.13's CPU generator: every case of test/fixtures/torch/random.json
// (gen_random.py) replayed on one stream after torch.manual_seed, value for value.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

type Op = [string, ...unknown[]];
interface Case { seed: string; ops: Op[]; values: number[][]; state_sum: number; state_head: number[]; normal_y: number }
const fixture = readFixture<{ cases: Case[]; multinomial_errors: Array<{ probs: string; replacement: boolean; error: string | null }> }>('torch/random.json');

function run(op: Op): { values: ArrayLike<number>; float32: boolean } {
  const [kind, ...a] = op;
  const dt = (x: unknown): torch.DType => x as torch.DType;
  const empty = (n: number, d: unknown): torch.Tensor => torch.zeros(n, { dtype: dt(d) });
  let t: torch.Tensor;
  switch (kind) {
    case 'rand': t = torch.rand(a[0] as number, { dtype: dt(a[1]) }); break;
    case 'randn': t = torch.randn(a[0] as number, { dtype: dt(a[1]) }); break;
    case 'randint': t = torch.randint(a[0] as number, a[1] as number, [a[2] as number], { dtype: 'float64' }); break;
    case 'randperm': t = torch.randperm(a[0] as number, { dtype: 'float64' }); break;
    case 'normal_': t = torch.normal_(empty(a[0] as number, a[1]), a[2] as number, a[3] as number); break;
    case 'normal_t': {
      const side = (v: unknown): torch.Tensor | number => (Array.isArray(v) ? torch.tensor(v as number[], { dtype: dt(a[2]) }) : (v as number));
      t = torch.normal(side(a[0]), side(a[1]));
      break;
    }
    case 'uniform_': t = torch.uniform_(empty(a[0] as number, a[1]), a[2] as number, a[3] as number); break;
    case 'bernoulli_': t = torch.bernoulli_(empty(a[0] as number, 'float32'), a[1] as number); break;
    case 'bernoulli': t = torch.bernoulli(torch.tensor(a[0] as number[], { dtype: dt(a[1]) })); break;
    case 'exponential_': t = torch.exponential_(empty(a[0] as number, a[1]), a[2] as number); break;
    case 'multinomial': t = torch.multinomial(torch.tensor(a[0] as number[][]), a[1] as number, { replacement: a[2] as boolean }); break;
    case 'random_': t = torch.random_(empty(a[0] as number, a[1])); break;
    default: throw new Error(`unknown op ${kind}`);
  }
  return { values: t._data, float32: t.dtype === torch.float32 };
}

test(`${fixture.cases.length} seeded streams match PyTorch's numbers bit for bit, float32 and float64`, () => {
  let total = 0;
  let exact = 0;
  for (const c of fixture.cases) {
    torch.manual_seed(BigInt(c.seed));
    c.ops.forEach((op, k) => {
      const { values, float32 } = run(op);
      const want = c.values[k];
      assert.equal(values.length, want.length, `seed ${c.seed} ${op.join(' ')}: length`);
      for (let i = 0; i < want.length; i++) {
        total++;
        if (Object.is(values[i], want[i])) {
          exact++;
          continue;
        }
        assert.fail(`seed ${c.seed} ${op.join(' ')}[${i}]: ${values[i]} vs PyTorch ${want[i]} (${float32 ? 'float32' : 'float64'})`);
      }
    });
    const state = torch.get_rng_state();
    assert.deepEqual(Array.from(state.subarray(0, 40)), c.state_head, `seed ${c.seed}: rng state`);
    // the cached Box–Muller value (bytes 5024..5031) is compared as a number, like the values
    const sum = state.reduce((s, b, i) => (i >= 5024 && i < 5032 ? s : s + b), 0);
    assert.equal(sum, c.state_sum, `seed ${c.seed}: rng state sum`);
    const cached = new DataView(state.buffer).getFloat64(5024, true);
    total++;
    if (Object.is(cached, c.normal_y)) exact++;
    else assert.fail(`seed ${c.seed}: cached normal ${cached} vs ${c.normal_y}`);
  }
  console.log(`exact: ${exact} / ${total} values`);
});

test('set_rng_state restores a stream, fork_rng restores the default generator, manual_seed wraps negatives', () => {
  torch.manual_seed(3);
  torch.randn(3);
  const saved = torch.get_rng_state();
  const a = torch.randn(20).tolist();
  torch.set_rng_state(saved);
  assert.deepEqual(torch.randn(20).tolist(), a);
  const before = torch.get_rng_state();
  torch.random.fork_rng(() => torch.rand(100));
  assert.deepEqual(torch.get_rng_state(), before);
  assert.equal(new torch.Generator(-1).initial_seed(), (1n << 64n) - 1n);
  assert.equal(torch.manual_seed(2n ** 40n).initial_seed(), 2 ** 40);
  assert.throws(() => torch.manual_seed(2n ** 64n), /Overflow when unpacking long/);
});

test('_skip(k) leaves the generator as k random() draws would, across the 624-word state refills', () => {
  for (const k of [0, 1, 2, 622, 623, 624, 625, 1247, 1248, 1249, 5000]) {
    for (const before of [0, 1, 300, 623]) {
      const a = new torch.Generator(7);
      const b = new torch.Generator(7);
      for (let i = 0; i < before; i++) {
        a.random();
        b.random();
      }
      for (let i = 0; i < k; i++) a.random();
      b._skip(k);
      assert.deepEqual([b.random(), b.random()], [a.random(), a.random()], `skip ${k} after ${before}`);
      assert.deepEqual(b.get_state(), a.get_state());
    }
  }
});

test("multinomial's checks of the probabilities, with and without replacement, are PyTorch's", () => {
  assert.ok(fixture.multinomial_errors.length >= 10);
  for (const c of fixture.multinomial_errors) {
    const data = JSON.parse(c.probs.replace(/nan|inf/g, '"$&"'), (_k, v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v)) as number[] | number[][];
    const run = (): unknown => torch.multinomial(torch.tensor(data), 1, { replacement: c.replacement });
    if (c.error === null) run();
    else assert.throws(run, { message: c.error }, `${c.probs} replacement=${c.replacement}`);
  }
});
