// The differential tester over the shape ops of issue 15: 600 random programs of
// test/fixtures/torch/gen_programs_shapes.py (shape ops mixed with gen_programs.py's) run in PyTorch 1.13 and
// here, compared check by check. Programs listed in programs_shapes_known.json differ for a documented
// reason; every other program must agree on every check.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { CHECKS, compare, runProgram, type Check, type Mismatch, type Program } from './programs.js';

interface Fixture {
  torch: string;
  programs: Program[];
}

const fixture = readFixture<Fixture>('torch/programs_shapes.json');
const known = readFixture<Record<string, string>>('torch/programs_shapes_known.json');

function table(results: Map<string, Mismatch[]>): string {
  const n = results.size;
  const pct = (k: number): string => `${((100 * k) / n).toFixed(1)}%`;
  const lines = ['| check | programs that agree |', '|---|---|'];
  for (const check of CHECKS) {
    let agree = 0;
    for (const ms of results.values()) if (!ms.some((m) => m.check === check)) agree++;
    lines.push(`| ${check} | ${pct(agree)} |`);
  }
  let whole = 0;
  for (const ms of results.values()) if (ms.length === 0) whole++;
  lines.push(`| whole programs | ${pct(whole)} (${whole} of ${n}) |`);
  return lines.join('\n');
}

test(`${fixture.programs.length} random programs agree with PyTorch ${fixture.torch}`, () => {
  assert.ok(fixture.programs.length >= 500);
  const results = new Map<string, Mismatch[]>();
  for (const p of fixture.programs) results.set(p.id, compare(p, runProgram(p)));
  if (process.env.DIFFERENTIAL_REPORT) console.log(table(results));
  const unexpected: string[] = [];
  const byCheck = new Map<Check, number>();
  for (const [id, ms] of results) {
    if (ms.length === 0 || id in known) continue;
    for (const m of ms) byCheck.set(m.check, (byCheck.get(m.check) ?? 0) + 1);
    const m = ms[0];
    unexpected.push(`${id} ${m.check} at ${m.where}: torch ${JSON.stringify(m.torch)}, ours ${JSON.stringify(m.ours)}`);
  }
  assert.deepEqual(unexpected.slice(0, 20), [], `${unexpected.length} programs differ from PyTorch:\n${table(results)}`);
  // a program listed as differing that now agrees is taken off the list (it stays exact from then on)
  const stale = Object.keys(known).filter((id) => results.get(id)?.length === 0);
  assert.deepEqual(stale, [], 'programs_shapes_known.json lists programs that now agree with PyTorch: remove them');
});
