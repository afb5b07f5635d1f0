// The differential tester for indexing (issue 15, item 2): random programs mixing x[idx] reads
// (x.index), x[idx] = v writes (x.setitem), select, narrow, index_select, masked_fill(_), masked_select,
// take, where, nonzero and index_put with the other ops and in-place ops
// (test/fixtures/torch/gen_programs_index.py), run in PyTorch 1.13 and here, compared check by check.
// Programs in programs_index_known.json differ for a documented reason; every other one must agree.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { assertPrograms, type Program } from './programs.js';

interface Fixture {
  torch: string;
  programs: Program[];
}

// DIFFERENTIAL_PROGRAMS=<file> runs programs made with another seed (gen_programs_index.py --seed) instead:
// the known list then does not apply.
const other = process.env.DIFFERENTIAL_PROGRAMS;
const fixture = other ? (JSON.parse(readFileSync(other, 'utf8')) as Fixture) : readFixture<Fixture>('torch/programs_index.json');
const known = other ? {} : readFixture<Record<string, string>>('torch/programs_index_known.json');

test(`${fixture.programs.length} random indexing programs agree with PyTorch ${fixture.torch}`, () => {
  assert.ok(other !== undefined || fixture.programs.length >= 400);
  assertPrograms(fixture.programs, known, 'programs_index_known.json');
});
