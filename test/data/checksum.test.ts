// The cache's data checksum (data/checksum.ts): the same sums in wasm and in JavaScript, whatever the
// pieces it is fed in, from the shared memory or not; and a changed, lost, added or moved word changes it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Checksum } from '../../src/data/checksum.js';
import { allocShared } from '../../src/kernels/shared_memory.js';

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const hex = (c: Checksum): string => c.digest().toString('hex');

describe('Checksum', () => {
  const data = bytes(100_003, 7);

  test('wasm and JavaScript agree, for any pieces, in or out of the shared memory', () => {
    const whole = hex(new Checksum(false).update(data));
    assert.equal(hex(new Checksum().update(data)), whole);
    for (const cuts of [[1], [15, 16, 17], [4096, 50_001], [99_999]]) {
      const c = new Checksum();
      const js = new Checksum(false);
      let at = 0;
      for (const cut of [...cuts, data.length]) {
        c.update(data.subarray(at, cut));
        js.update(data.subarray(at, cut));
        at = cut;
      }
      assert.equal(hex(c), whole, `cuts ${cuts.join(',')}`);
      assert.equal(hex(js), whole, `cuts ${cuts.join(',')} (JavaScript)`);
    }
    const shared = allocShared('float32', Math.ceil(data.length / 4));
    assert.ok(shared !== null, 'shared memory available');
    const inShared = new Uint8Array(shared.buffer, shared.byteOffset + 1, data.length - 1);
    inShared.set(data.subarray(1));
    assert.equal(hex(new Checksum().update(data.subarray(0, 1)).update(inShared)), whole, 'an unaligned view of the shared memory');
  });

  test('a flipped bit, a lost byte, an added zero, swapped words or a zero word moved all change it', () => {
    const whole = hex(new Checksum().update(data));
    const changed = (what: string, b: Uint8Array): void => assert.notEqual(hex(new Checksum().update(b)), whole, what);
    for (const at of [0, 5, 16, 50_000, data.length - 1]) {
      const b = data.slice();
      b[at] ^= 0x40;
      changed(`bit at ${at}`, b);
    }
    changed('a lost last byte', data.subarray(0, data.length - 1));
    changed('an added zero', Uint8Array.from([...data, 0]));
    const swapped = data.slice();
    swapped.set(data.subarray(32, 48), 1024);
    swapped.set(data.subarray(1024, 1040), 32);
    changed('two words swapped', swapped);
    const zeros = new Uint8Array(64);
    const moved = new Uint8Array(64);
    moved.set(data.subarray(0, 16), 16);
    const first = new Uint8Array(64);
    first.set(data.subarray(0, 16), 0);
    assert.notEqual(hex(new Checksum().update(first)), hex(new Checksum().update(moved)), 'a word moved');
    assert.notEqual(hex(new Checksum().update(zeros)), hex(new Checksum().update(zeros.subarray(0, 48))), 'zeros counted by the length');
  });
});
