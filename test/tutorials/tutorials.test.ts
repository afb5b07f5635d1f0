// Issue 15 item 7: PyTorch's tutorial programs, translated line by line (test/tutorials/<name>.ts), print
// what PyTorch 1.13 prints. Their Python originals are test/fixtures/torch/tutorials/<name>.py;
// test/fixtures/torch/gen_tutorials.py ran them and stored their stdout in tutorials.json. Each printed
// line is compared exactly, in order; a line listed in KNOWN must differ exactly as listed, for its reason.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { capturePrinted } from './python.js';
import * as dynamic_net from './dynamic_net.js';
import * as polynomial_autograd from './polynomial_autograd.js';
import * as polynomial_custom_function from './polynomial_custom_function.js';
import * as polynomial_module from './polynomial_module.js';
import * as polynomial_nn from './polynomial_nn.js';
import * as polynomial_optim from './polynomial_optim.js';
import * as linear_regression_scratch from './linear_regression_scratch.js';
import * as tensorqs_tutorial from './tensorqs_tutorial.js';

interface TutorialsFixture {
  torch: string;
  programs: Record<string, { source: string; stdout: string[] }>;
}

/**
 * Lines that differ from PyTorch's, grouped by their reason (test/fixtures/torch/tutorials_known.json): the
 * test fails if a program prints anything else, or no longer differs where the list says it does.
 */
interface KnownDifferences {
  reason: string;
  lines: Array<{ line: number; pytorch: string; ours: string }>;
}

const PROGRAMS: Record<string, { main: () => void }> = {
  tensorqs_tutorial,
  polynomial_autograd,
  polynomial_custom_function,
  polynomial_module,
  polynomial_nn,
  polynomial_optim,
  dynamic_net,
  linear_regression_scratch,
};

const fixture = readFixture<TutorialsFixture>('torch/tutorials.json');
const KNOWN = readFixture<Record<string, KnownDifferences[]>>('torch/tutorials_known.json');

/** The lines that differ and are not listed as known differences, and the listed ones that no longer differ. */
function unexplained(name: string, ours: string[], pytorch: string[]): string[] {
  const known = new Map((KNOWN[name] ?? []).flatMap((group) => group.lines.map((l) => [l.line, l] as const)));
  const out: string[] = [];
  for (let i = 0; i < Math.max(ours.length, pytorch.length); i++) {
    const k = known.get(i + 1);
    known.delete(i + 1);
    if (ours[i] === pytorch[i] && k === undefined) continue;
    if (k !== undefined && k.pytorch === pytorch[i] && k.ours === ours[i] && ours[i] !== pytorch[i]) continue;
    out.push(`line ${i + 1}: ${JSON.stringify(ours[i])} where PyTorch printed ${JSON.stringify(pytorch[i])}${k === undefined ? '' : ' (listed as known, with other text)'}`);
  }
  for (const line of known.keys()) out.push(`known difference at line ${line} not printed`);
  return out;
}

describe('tutorial programs print what PyTorch prints (tutorials.json)', () => {
  test('every program of the fixture has a translation here, and every translation a fixture', () => {
    assert.deepEqual(Object.keys(PROGRAMS).sort(), Object.keys(fixture.programs).sort());
  });
  for (const [name, program] of Object.entries(PROGRAMS)) {
    test(name, () => {
      const pytorch = fixture.programs[name].stdout;
      const ours = capturePrinted(program.main);
      assert.deepEqual(unexplained(name, ours, pytorch), [], `${name}: lines differing from PyTorch ${fixture.torch}'s`);
    });
  }
});
