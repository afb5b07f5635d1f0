// Column names are input too (issue 18, item 6): two selected columns of one name are refused with
// file:line (a model maps its columns by name), and names with control characters never reach the
// terminal raw, in the header, the weight table or the scatter's caption. Output CSVs keep them as data.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-names-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const ESC = '\u001b';

describe('duplicate column names', () => {
  test('two features of one name: exit 65, one line naming both columns', async () => {
    const p = file('dup.csv', 'a,b,a,y\n1,2,3,4\n2,3,4,5\n');
    const r = await runCli(['train', '--data', p, '--epochs', '1']);
    assert.equal(r.code, 65, r.stderr);
    assert.equal(r.stderr, `autograd train: ${p}:1: columns 1 and 3 are both named 'a' (a model names its columns uniquely): rename one\n`);
    assert.equal(r.stdout, '');
  });
  test('a feature named like the target, and the same through --stream', async () => {
    const p = file('dup2.csv', 'y,x,y\n1,2,3\n2,3,4\n');
    for (const extra of [[], ['--stream']]) {
      const r = await runCli(['train', '--data', p, '--target', '2', '--epochs', '1', ...extra]);
      assert.equal(r.code, 65, r.stderr);
      assert.match(r.stderr, /^autograd train: [^\n]*dup2\.csv:1: columns 1 and 3 are both named 'y' [^\n]*\n$/);
    }
  });
  test('an unselected duplicate is no problem', async () => {
    const p = file('dup3.csv', 'a,a,x,y\n1,2,3,4\n2,3,5,6\n3,1,7,8\n');
    const r = await runCli(['train', '--data', p, '--features', 'x', '--epochs', '1']);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('control characters in names', () => {
  test('the header, the weight table and the scatter show them escaped; the model keeps them', async () => {
    const name = `a${ESC}]0;pwned\u0007${ESC}[2J`;
    const target = `y${ESC}[1m`;
    const p = file('esc.csv', `${name},${target}\n1,3\n2,5\n3,7\n`);
    const model = path.join(dir, 'esc.json');
    const r = await runCli(['train', '--data', p, '--target', '1', '--epochs', '2', '--save', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(ESC) && !r.stdout.includes('\u0007'), 'no raw escape in the output');
    assert.match(r.stdout, /feature a\\u001b\]0;pwned\\u0007\\u001b\[2J, target y\\u001b\[1m/);
    assert.match(r.stdout, /^weight a\\u001b\]0;pwned\\u0007\\u001b\[2J +-?\d/m);
    const pred = await runCli(['predict', '--model', model, '--data', p]);
    assert.equal(pred.code, 0, pred.stderr);
    assert.equal(pred.stdout.split('\n')[0], target, 'the output CSV keeps the name as data');
  });
  test('a 1 MB name is cut to about 80 characters in the header', async () => {
    const long = 'n'.repeat(1_000_000);
    const p = file('long.csv', `${long},y\n1,2\n2,4\n`);
    const r = await runCli(['train', '--data', p, '--epochs', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length < 10_000, `output of ${r.stdout.length} characters`);
    assert.match(r.stdout, /feature n{77}\.\.\., target y/);
  });
});
