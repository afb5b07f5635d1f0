// The differential tester for issue 15's math ops: random programs mixing them with the other ops
// (test/fixtures/torch/gen_programs_math.py), run in PyTorch 1.13 and here, compared check by check as in
// differential.test.ts. Programs in programs_math_known.json differ for a documented reason (README);
// every other program must agree on every check.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { assertPrograms, type Program } from './programs.js';

interface Fixture {
  torch: string;
  programs: Program[];
}

// DIFFERENTIAL_PROGRAMS=<file> runs programs made with another seed (gen_programs_math.py --seed) instead:
// the known list then does not apply.
const other = process.env.DIFFERENTIAL_PROGRAMS;
const fixture = other ? (JSON.parse(readFileSync(other, 'utf8')) as Fixture) : readFixture<Fixture>('torch/programs_math.json');
const known = other ? {} : readFixture<Record<string, string>>('torch/programs_math_known.json');

test(`${fixture.programs.length} random programs agree with PyTorch ${fixture.torch}`, () => {
  assert.ok(other !== undefined || fixture.programs.length >= 500);
  assertPrograms(fixture.programs, known, 'programs_math_known.json');
});
