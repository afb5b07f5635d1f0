// Error lines as the README promises them: one line, suggestions on it, and a malformed expression's
// caret on a second line under the expression quoted in the first (the README's example is run as written).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';

/** The two-line error a grad/minimize expression gets: the caret under `position` of the quoted expression. */
function caretColumn(stderr: string): { first: string; caretUnder: string } {
  const [first, caret, rest] = stderr.split('\n');
  assert.equal(rest, '', 'two lines and nothing else');
  assert.match(caret, /^ *\^$/);
  return { first, caretUnder: first[caret.length - 1] };
}

test('a malformed expression: its error line quotes it, the caret line points at the offending character', async () => {
  const cases: Array<[string[], string]> = [
    [['grad', '2 * x ^ 2', '--at', 'x=3'], '^'],
    [['grad', 'exq(x) + 1', '--at', 'x=3'], 'e'],
    [['grad', 'x +\t@', '--at', 'x=3'], '@'],
    [['minimize', 'w ** 2 + (w', '--at', 'w=1'], '('], // never closed
  ];
  for (const [args, under] of cases) {
    const run = await runCli(args);
    assert.equal(run.code, 2);
    const { first, caretUnder } = caretColumn(run.stderr);
    assert.ok(first.startsWith(`autograd ${args[0]}: in '${args[1].replace('\t', ' ')}': `), first);
    assert.equal(caretUnder, under, run.stderr);
  }
});

test("the README's caret example is the real output", async () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = /```\nautograd (grad '2 \* x \^ 2' --at x=3)\n((?:# .*\n)+)```/.exec(readme);
  assert.ok(block !== null, 'README has the example');
  const run = await runCli(['grad', '2 * x ^ 2', '--at', 'x=3']);
  assert.equal(run.stderr, block[2].replace(/^# /gm, ''));
});

test('"did you mean" is on the error line', async () => {
  const command = await runCli(['trian']);
  assert.equal(command.code, 2);
  assert.equal(command.stderr, "autograd: unknown command 'trian' (did you mean train?) (see 'autograd --help')\n");
  const flag = await runCli(['train', '--lr2', '3']);
  assert.equal(flag.code, 2);
  assert.equal(flag.stderr, "autograd train: unknown option '--lr2' (did you mean --lr?) (see 'autograd train --help')\n");
});
