// The differential tester: 2,000 random programs (test/fixtures/torch/gen_programs.py) run in PyTorch
// 1.13 and here, compared on values, gradients, grad_fn names, requires_grad/is_leaf, printing and
// errors. Programs listed in programs_known.json differ for a documented reason (README, "Differences
// from PyTorch"); every other program must agree on every check.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { assertPrograms, type Program } from './programs.js';

interface Fixture {
  torch: string;
  programs: Program[];
}

// DIFFERENTIAL_PROGRAMS=<file> runs programs made with another seed (gen_programs.py --seed) instead:
// the known list then does not apply, and the test fails on the first differences, after the table.
const other = process.env.DIFFERENTIAL_PROGRAMS;
const fixture = other ? (JSON.parse(readFileSync(other, 'utf8')) as Fixture) : readFixture<Fixture>('torch/programs.json');
const known = other ? {} : readFixture<Record<string, string>>('torch/programs_known.json');

test(`${fixture.programs.length} random programs agree with PyTorch ${fixture.torch}`, () => {
  assert.ok(fixture.programs.length >= 2000);
  assertPrograms(fixture.programs, known, 'programs_known.json');
});
