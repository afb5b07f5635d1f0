// Pooled storages: zero-filled, of the asked type and length, never overlapping.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocPooled } from '../../src/kernels/pool.js';

test('pooled storages are zero-filled views of the right dtype and length that do not overlap', () => {
  const made: Array<Float32Array | Float64Array> = [];
  for (let i = 0; i < 400; i++) {
    const n = 17 + (i % 300);
    const s = allocPooled(i % 3 === 0 ? 'float64' : 'float32', n) as Float32Array | Float64Array;
    assert.equal(s.length, n);
    assert.ok(i % 3 === 0 ? s instanceof Float64Array : s instanceof Float32Array);
    assert.ok(s.every((v) => v === 0), `storage ${i} is not zero-filled`);
    s.fill(i + 1);
    made.push(s);
  }
  made.forEach((s, i) => assert.ok(s.every((v) => v === i + 1), `storage ${i} was overwritten by a later one`));
});

test('tiny and large storages get buffers of their own', () => {
  assert.equal(allocPooled('float32', 4).buffer.byteLength, 16);
  assert.equal(allocPooled('float64', 10_000).buffer.byteLength, 80_000);
});
