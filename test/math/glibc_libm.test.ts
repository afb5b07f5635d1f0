// The glibc ports against glibc's own functions (libm.so.6 2.36 on x86-64 with FMA,
// test/fixtures/c/glibc_libm.json from glibc_libm.c): bit for bit on 20,000 arguments each, covering every
// branch (special values, subnormals, the ranges near 1).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { log } from '../../src/math/glibc_log.js';
import { logf } from '../../src/math/glibc_logf.js';
import { expf } from '../../src/math/glibcf.js';
import { erff } from '../../src/math/glibc_erff.js';
import { readFixture } from '../helpers/fixtures.js';

type Fn = (x: number) => number;
const fx = readFixture<Record<'x' | 'log' | 'xf' | 'logf' | 'expf' | 'erff', string[]>>('c/glibc_libm.json');
const buf = new Float64Array(1);
const b64 = new BigUint64Array(buf.buffer);
const buf32 = new Float32Array(1);
const b32 = new Uint32Array(buf32.buffer);
const fromHex = (h: string): number => {
  if (h.length === 8) {
    b32[0] = parseInt(h, 16);
    return buf32[0];
  }
  b64[0] = BigInt(`0x${h}`);
  return buf[0];
};
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function check(name: 'log' | 'logf' | 'expf' | 'erff', fn: Fn, xs: string[]): void {
  test(`${name} equals glibc's on ${xs.length} arguments`, () => {
    let bad = 0;
    const first: string[] = [];
    xs.forEach((h, i) => {
      const x = fromHex(h);
      const got = fn(x);
      const want = fromHex(fx[name][i]);
      if (!same(got, want)) {
        bad++;
        if (first.length < 5) first.push(`${name}(${x}) = ${got}, glibc ${want}`);
      }
    });
    assert.equal(bad, 0, first.join('\n'));
  });
}

check('log', log, fx.x);
check('logf', logf, fx.xf);
check('expf', expf, fx.xf);
check('erff', erff, fx.xf);
