// numpy's legacy RandomState streams, against the tables of specs/make_regression.md §11.1 (numpy 1.24.2).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NumpyRandomState } from '../../src/random/numpy.js';
import { permutation } from '../../src/random/source.js';

const STREAMS: Record<number, { u32: number[]; doubles: number[]; normals: number[] }> = {
  0: {
    u32: [2357136044, 2546248239, 3071714933, 3626093760, 2588848963],
    doubles: [0.54881350392732475, 0.71518936637241948, 0.60276337607164387, 0.54488318299689686, 0.42365479933890471],
    normals: [1.764052345967664, 0.40015720836722329, 0.9787379841057392, 2.2408931992014578, 1.8675579901499675],
  },
  1: {
    u32: [1791095845, 4282876139, 3093770124, 4005303368, 491263],
    doubles: [0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977, 0.14675589081711304],
    normals: [1.6243453636632417, -0.61175641365007538, -0.5281717522634557, -1.0729686221561705, 0.86540762932467852],
  },
  42: {
    u32: [1608637542, 3421126067, 4083286876, 787846414, 3143890026],
    doubles: [0.37454011884736249, 0.95071430640991617, 0.73199394181140509, 0.5986584841970366, 0.15601864044243652],
    normals: [0.49671415301123267, -0.13826430117118466, 0.64768853810069249, 1.5230298564080254, -0.23415337472333597],
  },
  12345: {
    u32: [3992670690, 3823185381, 1358822685, 561383553, 789925284],
    doubles: [0.92961609281714785, 0.3163755545817859, 0.18391881167709445, 0.20456027855303971, 0.56772502908168665],
    normals: [-0.20470765948471295, 0.47894333805754824, -0.51943871505673811, -0.55573030434749005, 1.9657805725027142],
  },
};

for (const [seed, s] of Object.entries(STREAMS)) {
  test(`seed ${seed}: integers and doubles bit-exact, normals within a few ulp`, () => {
    const a = new NumpyRandomState(Number(seed));
    assert.deepEqual(s.u32.map(() => a.nextUint32()), s.u32);
    const b = new NumpyRandomState(Number(seed));
    assert.deepEqual(s.doubles.map(() => b.random()), s.doubles);
    const c = new NumpyRandomState(Number(seed));
    const normals = c.standard_normal(5);
    s.normals.forEach((v, i) => assert.ok(Math.abs(normals[i] - v) <= 4 * Number.EPSILON * Math.abs(v), `${normals[i]} vs ${v}`));
  });
}

test('seeding: integers in [0, 2^32 - 1] only, and it clears the Gaussian cache', () => {
  assert.throws(() => new NumpyRandomState(-1), { message: 'Seed must be between 0 and 2**32 - 1' });
  assert.throws(() => new NumpyRandomState(2 ** 32), { message: 'Seed must be between 0 and 2**32 - 1' });
  assert.throws(() => new NumpyRandomState(1.5), /integer/);
  const r = new NumpyRandomState(0);
  r.normal(); // leaves f·x1 in the cache
  r.seed(0);
  assert.equal(r.normal(), new NumpyRandomState(0).normal());
});

test('the Gaussian cache survives uniform draws (numpy legacy behaviour)', () => {
  const a = new NumpyRandomState(0);
  const first = a.normal();
  a.random();
  const second = a.normal(); // the cached f·x1 of the first pair, not a fresh pair
  assert.ok(Math.abs(first - 1.764052345967664) < 1e-15);
  assert.ok(Math.abs(second - 0.40015720836722329) < 1e-15);
});

test('permutation matches numpy: RandomState(0).permutation(10)', () => {
  // numpy 1.24: np.random.RandomState(0).permutation(10) == [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
  assert.deepEqual(Array.from(permutation(new NumpyRandomState(0), 10)), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
});
