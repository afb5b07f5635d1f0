// Compares dist/src/math/glibc_log.js, glibc_logf.js, glibcf.js's expf and glibc_erff.js with glibc on the
// records that `test/fixtures/c/gen_glibc.sh verify N` writes to /tmp/glibc_libm.bin. Not a test.
import { readFileSync } from 'node:fs';
import { log } from '../dist/src/math/glibc_log.js';
import { logf } from '../dist/src/math/glibc_logf.js';
import { expf } from '../dist/src/math/glibcf.js';
import { erff } from '../dist/src/math/glibc_erff.js';

const buf = readFileSync('/tmp/glibc_libm.bin');
const n = buf.length / 32;
const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
const bad = { log: 0, logf: 0, expf: 0, erff: 0 };
const first = [];
const note = (name, x, got, want) => {
  bad[name]++;
  if (first.length < 10) first.push(`${name}(${x}) = ${got}, glibc ${want}`);
};
for (let i = 0; i < n; i++) {
  const d = new Float64Array(buf.buffer, buf.byteOffset + 32 * i, 2);
  const f = new Float32Array(buf.buffer, buf.byteOffset + 32 * i + 16, 4);
  if (!same(log(d[0]), d[1])) note('log', d[0], log(d[0]), d[1]);
  if (!same(logf(f[0]), f[1])) note('logf', f[0], logf(f[0]), f[1]);
  if (!same(expf(f[0]), f[2])) note('expf', f[0], expf(f[0]), f[2]);
  if (!same(erff(f[0]), f[3])) note('erff', f[0], erff(f[0]), f[3]);
}
console.log(`${n} arguments, differing: ${JSON.stringify(bad)}\n${first.join('\n')}`);
