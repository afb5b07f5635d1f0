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

/** A line that differs from PyTorch's, and why: the test fails if it prints anything else. */
interface KnownDifference {
  pytorch: string;
  ours: string;
  reason: string;
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

const KNOWN: Record<string, KnownDifference[]> = {};

const fixture = readFixture<TutorialsFixture>('torch/tutorials.json');

/** The lines that differ, as `line N: ours !== PyTorch's`, leaving out those KNOWN lists (each once). */
function unexplained(name: string, ours: string[], pytorch: string[]): string[] {
  const known = [...(KNOWN[name] ?? [])];
  const out: string[] = [];
  for (let i = 0; i < Math.max(ours.length, pytorch.length); i++) {
    if (ours[i] === pytorch[i]) continue;
    const k = known.findIndex((d) => d.pytorch === pytorch[i] && d.ours === ours[i]);
    if (k >= 0) known.splice(k, 1);
    else out.push(`line ${i + 1}: ${JSON.stringify(ours[i])} where PyTorch printed ${JSON.stringify(pytorch[i])}`);
  }
  for (const d of known) out.push(`known difference not seen (fixed? remove it): ${JSON.stringify(d.pytorch)}`);
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
