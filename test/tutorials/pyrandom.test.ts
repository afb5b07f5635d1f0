// The port of Python's `random` (./pyrandom.ts) draws what CPython 3.11 draws after random.seed(s):
// getrandbits, randint, randrange and shuffle, for seeds of one and two 32-bit words and a negative one
// (test/fixtures/torch/tutorials.json, `pyrandom`, made by gen_tutorials.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { PyRandom } from './pyrandom.js';

interface Draws {
  seed: string;
  getrandbits_1_7_31_32: number[];
  randint_4_6: number[];
  randrange_0_1_2_3_1000_2p31p1: number[];
  shuffle_range_25: number[];
}

const { pyrandom } = readFixture<{ pyrandom: Draws[] }>('torch/tutorials.json');

for (const d of pyrandom) {
  test(`random.seed(${d.seed}): Python's draws`, () => {
    const random = new PyRandom(BigInt(d.seed));
    assert.deepEqual([1, 7, 31, 32].map((k) => random.getrandbits(k)), d.getrandbits_1_7_31_32);
    assert.deepEqual(Array.from({ length: 20 }, () => random.randint(4, 6)), d.randint_4_6);
    assert.deepEqual([1, 2, 3, 1000, 2 ** 31 + 1].map((n) => random.randrange(0, n)), d.randrange_0_1_2_3_1000_2p31p1);
    const items = Array.from({ length: 25 }, (_, i) => i);
    random.shuffle(items);
    assert.deepEqual(items, d.shuffle_range_25);
  });
}
