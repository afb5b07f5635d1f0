// Tokenizer: Python's float literal forms, operators, and errors with a caret at the right column.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../src/expr/lexer.js';
import { ExpressionError } from '../../src/expr/errors.js';
import { UsageError } from '../../src/errors.js';

function kinds(source: string): string[] {
  return tokenize(source).map((t) => `${t.kind}:${t.text}`);
}

test('numbers in every form Python accepts, with their values', () => {
  // Values as Python's float() reads the same literals.
  const cases: Array<[string, number]> = [
    ['10', 10], ['1e-3', 0.001], ['.5', 0.5], ['5.', 5], ['1.e5', 100000], ['2.5E+2', 250],
    ['1_000.5', 1000.5], ['0', 0], ['00', 0], ['0.1', 0.1], ['3.14159', 3.14159],
  ];
  for (const [text, value] of cases) {
    const [token, end] = tokenize(text);
    assert.equal(token.kind, 'number', text);
    assert.equal(token.text, text);
    assert.equal(token.value, value, text);
    assert.equal(end.kind, 'end');
  }
});

test('operators, names and positions; ** is one token', () => {
  assert.deepEqual(kinds('2 * x ** 2'), ['number:2', 'op:*', 'name:x', 'op:**', 'number:2', 'end:']);
  assert.deepEqual(kinds('(x ** 2 + 20).mean()'), [
    'op:(', 'name:x', 'op:**', 'number:2', 'op:+', 'number:20', 'op:)', 'op:.', 'name:mean', 'op:(', 'op:)', 'end:',
  ]);
  assert.deepEqual(kinds('torch.exp(x1)'), ['name:torch', 'op:.', 'name:exp', 'op:(', 'name:x1', 'op:)', 'end:']);
  assert.deepEqual(tokenize(' x1 *x_2').map((t) => t.pos), [1, 4, 5, 8]);
});

test('a lone dot before digits is a number, after a name it is a method dot', () => {
  assert.deepEqual(kinds('x.sum()'), ['name:x', 'op:.', 'name:sum', 'op:(', 'op:)', 'end:']);
  assert.deepEqual(kinds('x*.5'), ['name:x', 'op:*', 'number:.5', 'end:']);
});

function throwsAt(source: string, position: number, pattern: RegExp): void {
  assert.throws(
    () => tokenize(source),
    (err: unknown) => {
      assert.ok(err instanceof ExpressionError);
      assert.ok(err instanceof UsageError, 'expression errors are usage errors (exit 2)');
      assert.equal(err.position, position);
      assert.match(err.detail, pattern);
      assert.equal(err.detail.includes('\n'), false, 'the message line is one line');
      return true;
    },
  );
}

test('unknown characters and malformed literals name the column', () => {
  throwsAt('x $ 2', 2, /^unexpected character '\$' at column 3$/);
  throwsAt('y = 2*x', 2, /unexpected character '='/);
  throwsAt('2x', 1, /^invalid decimal literal at column 2$/);
  throwsAt('1e', 1, /invalid decimal literal/);
  throwsAt('1__0', 1, /invalid decimal literal/);
  throwsAt('x + 012', 4, /leading zeros in decimal integer literals are not permitted at column 5/);
});

test('the rendered message puts a caret under the offending column', () => {
  try {
    tokenize('x + $');
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof ExpressionError);
    assert.equal(err.message, "unexpected character '$' at column 5\n  x + $\n      ^");
  }
});
