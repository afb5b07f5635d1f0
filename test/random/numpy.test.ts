// numpy's legacy RandomState replayed: the spec's §11.1 tables (numpy 1.24.2) and test/fixtures/numpy/streams.json
// (real numpy, gen_streams.py): integers, doubles and permutations exactly, Gaussians within a few ulp.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ValueError } from '../../src/errors.js';
import { AleaGenerator as Generator } from '../../src/random/alea.js';
import { createRandomSource, NumpyRandomState } from '../../src/random/numpy.js';
import { permutation, shuffleInPlace } from '../../src/random/source.js';
import { fixturesDir, readFixture } from '../helpers/fixtures.js';

// specs/make_regression.md §11.1: first 5 next_uint32(), random_sample(), standard_normal() per seed
const SPEC_STREAMS: Record<number, { u32: number[]; doubles: number[]; normals: number[] }> = {
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

interface Streams {
  streams: Array<{ seed: number; uint32_at: Record<string, number>; random_sample: number[]; standard_normal: number[] }>;
  permutations: Array<{ seed: number; n: number; head: number[]; tail: number[]; checksum: number; perm?: number[] }>;
  shuffle: { seed: number; input: number[]; output: number[] };
  sequence: { seed: number; steps: Array<{ call: string; n: number; out: number[]; loc?: number; scale?: number; low?: number; high?: number }> };
}

/** numpy/ fixtures are generated here (gen_*.py); a fresh AUTOGRAD_FIXTURES_DIR without them falls back to test/fixtures. */
function readNumpyFixture<T>(relative: string): T {
  return existsSync(path.join(fixturesDir(), relative)) ? readFixture<T>(relative) : (JSON.parse(readFileSync(path.resolve('test/fixtures', relative), 'utf8')) as T);
}

const fixture = readNumpyFixture<Streams>('numpy/streams.json');

/** The spec's bound for Gaussians: V8's Math.log may differ from glibc's in the last bit, so a few ulp. */
function assertGaussians(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    const err = Math.abs(actual[i] - e);
    assert.ok(err <= 4 * Number.EPSILON * Math.abs(e), `${what}[${i}]: ${actual[i]} vs ${e} (${(err / (Number.EPSILON * Math.abs(e))).toFixed(1)} ulp)`);
  });
}

function draws(n: number, draw: () => number): number[] {
  return Array.from({ length: n }, draw);
}

for (const [seed, s] of Object.entries(SPEC_STREAMS)) {
  test(`spec §11.1, seed ${seed}: integers and doubles bit-exact, normals within a few ulp`, () => {
    const a = new NumpyRandomState(Number(seed));
    assert.deepEqual(draws(5, () => a.nextUint32()), s.u32);
    const b = new NumpyRandomState(Number(seed));
    assert.deepEqual(draws(5, () => b.random()), s.doubles);
    assertGaussians(new NumpyRandomState(Number(seed)).standard_normal(5), s.normals, 'standard_normal');
  });
}

for (const s of fixture.streams) {
  test(`numpy fixture, seed ${s.seed}: raw words across the twists, random_sample, standard_normal`, () => {
    const rs = new NumpyRandomState(s.seed);
    const raw = draws(2000, () => rs.nextUint32());
    for (const [i, v] of Object.entries(s.uint32_at)) assert.equal(raw[Number(i)], v, `word ${i}`);
    const b = new NumpyRandomState(s.seed);
    assert.deepEqual(draws(s.random_sample.length, () => b.random()), s.random_sample);
    assertGaussians(new NumpyRandomState(s.seed).standard_normal(s.standard_normal.length), s.standard_normal, 'standard_normal');
  });
}

test('seeding: integers in [0, 2**32 - 1] only, with numpy / scikit-learn wording', () => {
  for (const bad of [-1, 2 ** 32, 2 ** 53]) {
    assert.throws(() => new NumpyRandomState(bad), (e: unknown) => e instanceof ValueError && e.message === 'Seed must be between 0 and 2**32 - 1');
  }
  for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new NumpyRandomState(bad), (e: unknown) => e instanceof ValueError && e.message.startsWith(`${bad} cannot be used to seed a numpy.random.RandomState instance`));
  }
  assert.equal(new NumpyRandomState(2 ** 32 - 1).nextUint32(), fixture.streams.find((s) => s.seed === 2 ** 32 - 1)?.uint32_at['0']);
});

test('re-seeding restarts the stream and clears the Gaussian cache', () => {
  const r = new NumpyRandomState(0);
  r.normal(); // leaves f·x1 in the cache
  r.nextUint32();
  r.seed(0);
  assert.equal(r.nextUint32(), 2357136044);
  r.seed(1);
  assert.equal(r.normal(), new NumpyRandomState(1).normal()); // a fresh pair, not the cached value
});

test('the Gaussian cache crosses calls: numpy pairs are split across standard_normal(1) calls', () => {
  const one = new NumpyRandomState(0);
  const split = [...one.standard_normal(1), ...one.standard_normal(1), ...one.standard_normal(3)];
  assert.deepEqual(split, Array.from(new NumpyRandomState(0).standard_normal(5)));
});

test('a mixed sequence shares one stream and one Gaussian cache, as numpy does (fixture)', () => {
  const rs = new NumpyRandomState(fixture.sequence.seed);
  for (const step of fixture.sequence.steps) {
    const n = step.n;
    if (step.call === 'standard_normal') assertGaussians(rs.standard_normal(n), step.out, 'standard_normal');
    else if (step.call === 'random_sample') assert.deepEqual(draws(n, () => rs.random()), step.out);
    else if (step.call === 'permutation') assert.deepEqual(Array.from(permutation(rs, n)), step.out);
    else if (step.call === 'normal') assertGaussians(draws(n, () => 0.0 + (step.scale ?? 1) * rs.normal()), step.out, 'normal');
    else if (step.call === 'uniform') assert.deepEqual(draws(n, () => rs.uniform(step.low, step.high)), step.out);
    else assert.fail(`unknown step ${step.call}`);
  }
});

for (const p of fixture.permutations) {
  test(`permutation(${p.n}) with seed ${p.seed} equals numpy's RandomState(${p.seed}).permutation(${p.n})`, () => {
    const perm = Array.from(permutation(new NumpyRandomState(p.seed), p.n));
    if (p.perm !== undefined) assert.deepEqual(perm, p.perm);
    assert.deepEqual(perm.slice(0, 20), p.head);
    assert.deepEqual(p.n > 0 ? perm.slice(-20) : [], p.tail);
    assert.equal(perm.reduce((s, v, i) => s + i * v, 0), p.checksum);
  });
}

test("shuffleInPlace over a float array equals numpy's RandomState.shuffle", () => {
  const a = Float64Array.from(fixture.shuffle.input);
  shuffleInPlace(new NumpyRandomState(fixture.shuffle.seed), a);
  assert.deepEqual(Array.from(a), fixture.shuffle.output);
});

test('randomInterval: 0 consumes nothing; values stay in [0, max]', () => {
  const a = new NumpyRandomState(3);
  assert.equal(a.randomInterval(0), 0);
  assert.equal(a.nextUint32(), new NumpyRandomState(3).nextUint32());
  for (const max of [1, 2, 5, 1000, 2 ** 31, 2 ** 32 - 1]) {
    for (let i = 0; i < 50; i++) {
      const v = a.randomInterval(max);
      assert.ok(Number.isInteger(v) && v >= 0 && v <= max, `${v} outside [0, ${max}]`);
    }
  }
});

test('uniform(low, high) = low + (high - low)·random_sample(); an infinite range is refused', () => {
  const a = new NumpyRandomState(42);
  assert.equal(a.uniform(), 0.37454011884736249);
  assert.equal(a.uniform(-2, 6), -2 + 8 * 0.95071430640991617);
  assert.throws(() => a.uniform(-Number.MAX_VALUE, Number.MAX_VALUE), /Range exceeds valid bounds/);
  assert.throws(() => a.standard_normal(-1), /size must be a non-negative integer, got -1/);
});

test("createRandomSource: 'numpy' is RandomState, 'default' seedrandom's AleaGenerator", () => {
  const numpy = createRandomSource('numpy', 0);
  assert.ok(numpy instanceof NumpyRandomState);
  assert.equal(numpy.random(), 0.54881350392732475);
  const def = createRandomSource('default', 0);
  assert.ok(def instanceof Generator);
  assert.equal(def.random(), new Generator(0).random());
});
