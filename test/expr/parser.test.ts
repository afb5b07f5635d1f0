// Parser: parse trees equal Python's own (ast module, via gen_expr.py), errors carry a caret, literals for --at.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, parseLiteral, variablesOf, type Expr } from '../../src/expr/parser.js';
import { ExpressionError } from '../../src/expr/errors.js';
import { readFixture } from '../helpers/fixtures.js';

type Tree = number | string | Tree[];
interface ParseCase {
  source: string;
  tree: Tree;
}
const fixture = readFixture<{ parse: ParseCase[] }>('torch/expr.json');

/** Our AST in gen_expr.py's notation: [op, left, right], ['neg', x], ['call', f, ...], ['method', m, x, ...]. */
function toTree(node: Expr): Tree {
  switch (node.type) {
    case 'number':
      return node.value;
    case 'variable':
      return node.name;
    case 'unary':
      return [node.op === '-' ? 'neg' : 'pos', toTree(node.operand)];
    case 'binary':
      return [node.op, toTree(node.left), toTree(node.right)];
    case 'call':
      return ['call', node.name, ...node.args.map(toTree)];
    case 'method':
      return ['method', node.name, toTree(node.target), ...node.args.map(toTree)];
  }
}

test('every parse tree equals the one Python builds for the same text', () => {
  assert.ok(fixture.parse.length >= 30);
  for (const c of fixture.parse) {
    assert.deepEqual(toTree(parseExpression(c.source).root), c.tree, c.source);
  }
});

test('precedence: ** binds tighter than a unary minus on its left and is right-associative', () => {
  // Python: -x**2 == -(x**2); 2**3**2 == 2**9; 2**-1 allowed.
  assert.deepEqual(toTree(parseExpression('-x**2').root), ['neg', ['**', 'x', 2]]);
  assert.deepEqual(toTree(parseExpression('2**3**2').root), ['**', 2, ['**', 3, 2]]);
  assert.deepEqual(toTree(parseExpression('2**-1').root), ['**', 2, ['neg', 1]]);
  assert.deepEqual(toTree(parseExpression('10-2-3').root), ['-', ['-', 10, 2], 3]);
});

test('torch.f(...) is f(...); methods chain', () => {
  assert.deepEqual(toTree(parseExpression('torch.exp(x)').root), ['call', 'exp', 'x']);
  assert.deepEqual(toTree(parseExpression('x.pow(2).sum(0,)').root), ['method', 'sum', ['method', 'pow', 'x', 2], 0]);
});

test('variablesOf lists each variable once, in order of appearance', () => {
  assert.deepEqual(variablesOf(parseExpression('x1**2 + x2**2 + x1*x2').root), ['x1', 'x2']);
  assert.deepEqual(variablesOf(parseExpression('exp(b) * a.sum() + 2').root), ['b', 'a']);
});

function errorOf(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ExpressionError, String(err));
    assert.equal(err.detail.includes('\n'), false);
    return err;
  }
  assert.fail('expected an ExpressionError');
}

test('malformed expressions: one line saying what and where, caret under it', () => {
  const cases: Array<[string, number, string]> = [
    ['2 * ', 4, 'unexpected end of expression at column 5'],
    ['(x + 1', 0, "'(' at column 1 was never closed"],
    ['x + 1)', 5, "unexpected ')' at column 6"],
    ['x y', 2, "unexpected name 'y' at column 3"],
    ['x ** * 2', 5, "unexpected '*' at column 6"],
    ['exp(x, ', 7, 'unexpected end of expression at column 8'],
    ['exp(x y)', 6, "expected ')' at column 7, found 'y'"],
    ['x.sum', 5, "expected '(' after 'sum' at column 6"],
    ['x.2', 1, "unexpected number '.2' at column 2"],
    ['torch.(x)', 6, 'expected a function name after torch. at column 7'],
    ['x // 2', 3, "unexpected '/' at column 4"],
    ['', 0, 'empty expression'],
    ['   ', 3, 'empty expression'],
  ];
  for (const [source, position, detail] of cases) {
    const err = errorOf(() => parseExpression(source));
    assert.equal(err.detail, detail, source);
    assert.equal(err.position, position, source);
    assert.equal(err.source, source);
  }
  assert.equal(errorOf(() => parseExpression('2 * (x')).message, "'(' at column 5 was never closed\n  2 * (x\n      ^");
});

test('nesting deeper than Python allows is refused, not a stack overflow', () => {
  const deep = `${'('.repeat(5000)}x${')'.repeat(5000)}`;
  assert.match(errorOf(() => parseExpression(deep)).detail, /^expression nested too deeply at column \d+$/);
  assert.match(errorOf(() => parseExpression(`${'-'.repeat(5000)}x`)).detail, /nested too deeply/);
  // 150 levels is fine (Python allows up to 200 nested parentheses).
  assert.equal(parseExpression(`${'('.repeat(150)}x${')'.repeat(150)}`).root.type, 'variable');
});

test('a long flat chain parses without recursion', () => {
  const chain = Array.from({ length: 20000 }, () => 'x').join('+');
  assert.equal(parseExpression(chain).root.type, 'binary');
});

test('literals for --at: numbers and nested lists', () => {
  assert.equal(parseLiteral('10'), 10);
  assert.equal(parseLiteral('-1.5e-3'), -0.0015);
  assert.deepEqual(parseLiteral('[10, 20]'), [10, 20]);
  assert.deepEqual(parseLiteral('[[1, -2], [.5, 4.,]]'), [[1, -2], [0.5, 4]]);
  assert.deepEqual(parseLiteral('[]'), []);
});

test('malformed literals name the column', () => {
  const cases: Array<[string, string]> = [
    ['[10, 20', "'[' at column 1 was never closed"],
    ['[10 20]', "expected ',' or ']' at column 5"],
    ['x', 'expected a number or a list at column 1'],
    ['10 20', "unexpected '20' at column 4"],
    ['-[1]', 'expected a number at column 2'],
    ['', 'empty value'],
  ];
  for (const [source, detail] of cases) assert.equal(errorOf(() => parseLiteral(source)).detail, detail, source);
  assert.match(errorOf(() => parseLiteral('['.repeat(500))).detail, /nested too deeply/);
});
