// The differential tester over the shape ops of issue 15: 600 random programs of
// test/fixtures/torch/gen_programs_shapes.py (shape ops mixed with gen_programs.py's) run in PyTorch 1.13 and
// here, compared check by check. Programs listed in programs_shapes_known.json differ for a documented
// reason; every other program must agree on every check.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { assertPrograms, type Program } from './programs.js';

interface Fixture {
  torch: string;
  programs: Program[];
}

// DIFFERENTIAL_PROGRAMS=<file> runs programs made with another seed (gen_programs_shapes.py --seed) instead:
// the known list then does not apply.
const other = process.env.DIFFERENTIAL_PROGRAMS;
const fixture = other ? (JSON.parse(readFileSync(other, 'utf8')) as Fixture) : readFixture<Fixture>('torch/programs_shapes.json');
const known = other ? {} : readFixture<Record<string, string>>('torch/programs_shapes_known.json');

test(`${fixture.programs.length} random programs agree with PyTorch ${fixture.torch}`, () => {
  assert.ok(other !== undefined || fixture.programs.length >= 500);
  assertPrograms(fixture.programs, known, 'programs_shapes_known.json');
});
