// Beyond first order for the sorting, selecting and gather/scatter ops: the random programs of
// higher_order_sorting.json (test/fixtures/python/gen_higher_order_sorting.py: gen_higher_order.py's
// gradients of gradients, penalties and hooks over forward steps half of which are these ops) compared
// with PyTorch 1.13 statement by statement. Programs listed in higher_order_sorting_known.json differ
// for the reason given there; every other program must agree on every check.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { compare, runProgram, type Mismatch, type Program } from './higher_programs.js';

interface Fixture {
  torch: string;
  programs: Program[];
}

const fixture = readFixture<Fixture>(process.env.HIGHER_ORDER_SORTING_FIXTURE ?? 'torch/higher_order_sorting.json');
const known = readFixture<Record<string, string>>('torch/higher_order_sorting_known.json');

test(`${fixture.programs.length} higher-order programs agree with PyTorch ${fixture.torch}`, () => {
  assert.ok(fixture.programs.length >= 300 || process.env.HIGHER_ORDER_SORTING_FIXTURE !== undefined);
  const results = new Map<string, Mismatch[]>();
  for (const p of fixture.programs) results.set(p.id, compare(p, runProgram(p)));
  const unexpected: string[] = [];
  const byWhat = new Map<string, number>();
  for (const [id, ms] of results) {
    if (ms.length === 0 || id in known) continue;
    for (const m of ms) byWhat.set(m.what, (byWhat.get(m.what) ?? 0) + 1);
    const m = ms[0];
    unexpected.push(`${id} ${m.what} at ${m.where}: torch ${JSON.stringify(m.torch)}, ours ${JSON.stringify(m.ours)}`);
  }
  const summary = [...byWhat].map(([k, n]) => `${k}: ${n}`).join(', ');
  assert.deepEqual(unexpected.slice(0, 25), [], `${unexpected.length} of ${results.size} programs differ (${summary})`);
  const stale = Object.keys(known).filter((id) => results.get(id)?.length === 0);
  assert.deepEqual(stale, [], 'higher_order_sorting_known.json lists programs that now agree with PyTorch: remove them');
});
