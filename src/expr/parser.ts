// Recursive-descent parser for Python arithmetic with PyTorch calls, producing a small AST.
// Grammar and precedence follow Python's (docs.python.org/3/reference/expressions.html#operator-precedence):
//   sum    := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := ('+' | '-') factor | power
//   power  := postfix ('**' factor)?          right-associative; `-x**2` is -(x**2), `2**-1` is allowed
//   postfix:= primary ('.' NAME '(' args ')')*
//   primary:= NUMBER | NAME | NAME '(' args ')' | 'torch' '.' NAME '(' args ')' | '(' sum ')'

import { ExpressionError, columnOf } from './errors.js';
import { tokenize, type Token } from './lexer.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '**';

/** Every node carries `pos`, the 0-based offset errors point their caret at. */
export type Expr =
  | { type: 'number'; value: number; pos: number }
  | { type: 'variable'; name: string; pos: number }
  | { type: 'unary'; op: '+' | '-'; operand: Expr; pos: number }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { type: 'call'; name: string; args: Expr[]; pos: number }
  | { type: 'method'; name: string; target: Expr; args: Expr[]; pos: number };

/** A parsed expression and the text it came from (kept for error carets during evaluation). */
export interface ParsedExpression {
  source: string;
  root: Expr;
}

/** The prefix PyTorch code writes before functions: `torch.exp(x)` is `exp(x)`. */
const MODULE_PREFIX = 'torch';

/** Python's parser stops at 200 nested parentheses; the same bound keeps our recursion shallow. */
const MAX_DEPTH = 200;

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Expr {
    if (this.peek().kind === 'end') throw this.error('empty expression', this.peek());
    const root = this.sum();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next);
    return root;
  }

  private sum(): Expr {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      left = { type: 'binary', op: op.text as BinaryOp, left, right: this.term(), pos: op.pos };
    }
    return left;
  }

  private term(): Expr {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next();
      left = { type: 'binary', op: op.text as BinaryOp, left, right: this.factor(), pos: op.pos };
    }
    return left;
  }

  private factor(): Expr {
    // Every nesting (parentheses, call arguments, signs, exponents) passes here: bound the recursion.
    if (this.depth >= MAX_DEPTH) throw this.error(`expression nested too deeply ${columnOf(this.peek().pos)}`, this.peek());
    this.depth++;
    try {
      if (this.isOp('+') || this.isOp('-')) {
        const op = this.next();
        return { type: 'unary', op: op.text as '+' | '-', operand: this.factor(), pos: op.pos };
      }
      return this.power();
    } finally {
      this.depth--;
    }
  }

  private power(): Expr {
    const base = this.postfix();
    if (!this.isOp('**')) return base;
    const op = this.next();
    // The exponent is a factor: it may carry its own sign and its own `**` (right-associative).
    return { type: 'binary', op: '**', left: base, right: this.factor(), pos: op.pos };
  }

  private postfix(): Expr {
    let target = this.primary();
    while (this.isOp('.')) {
      this.next();
      const name = this.expectName('a method name');
      target = { type: 'method', name: name.text, target, args: this.callArgs(name), pos: name.pos };
    }
    return target;
  }

  private primary(): Expr {
    const token = this.next();
    if (token.kind === 'number') return { type: 'number', value: token.value, pos: token.pos };
    if (token.kind === 'name') return this.nameOrCall(token);
    if (token.text === '(') {
      const inner = this.sum();
      this.expectClosing(token);
      return inner;
    }
    throw this.unexpected(token);
  }

  private nameOrCall(name: Token): Expr {
    if (name.text === MODULE_PREFIX && this.isOp('.')) {
      this.next();
      const fn = this.expectName('a function name after torch.');
      return { type: 'call', name: fn.text, args: this.callArgs(fn), pos: fn.pos };
    }
    if (this.isOp('(')) return { type: 'call', name: name.text, args: this.callArgs(name), pos: name.pos };
    return { type: 'variable', name: name.text, pos: name.pos };
  }

  /** `( [expr (',' expr)* [',']] )` after a function or method name. */
  private callArgs(name: Token): Expr[] {
    const open = this.peek();
    if (!this.isOp('(')) throw this.error(`expected '(' after '${name.text}' ${columnOf(open.pos)}`, open);
    this.next();
    const args: Expr[] = [];
    while (!this.isOp(')')) {
      args.push(this.sum());
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expectClosing(open);
    return args;
  }

  private expectClosing(open: Token): void {
    const token = this.peek();
    if (this.isOp(')')) {
      this.next();
      return;
    }
    if (token.kind === 'end') {
      throw this.error(`'(' ${columnOf(open.pos)} was never closed`, open);
    }
    throw this.error(`expected ')' ${columnOf(token.pos)}, found '${token.text}'`, token);
  }

  private expectName(what: string): Token {
    const token = this.next();
    if (token.kind !== 'name') throw this.error(`expected ${what} ${columnOf(token.pos)}`, token);
    return token;
  }

  private unexpected(token: Token): ExpressionError {
    if (token.kind === 'end') return this.error(`unexpected end of expression ${columnOf(token.pos)}`, token);
    const what = token.kind === 'op' ? `'${token.text}'` : `${token.kind} '${token.text}'`;
    return this.error(`unexpected ${what} ${columnOf(token.pos)}`, token);
  }

  private error(detail: string, token: Token): ExpressionError {
    return new ExpressionError(detail, this.source, token.pos);
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isOp(text: string): boolean {
    const token = this.tokens[this.index];
    return token.kind === 'op' && token.text === text;
  }
}

/** Parse a Python/PyTorch arithmetic expression. Throws ExpressionError (exit 2) with a caret. */
export function parseExpression(source: string): ParsedExpression {
  return { source, root: new Parser(source, tokenize(source)).parse() };
}

/** The variable names an expression reads, in order of first appearance. */
export function variablesOf(root: Expr): string[] {
  const names: string[] = [];
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Expr;
    if (node.type === 'variable' && !names.includes(node.name)) names.push(node.name);
    stack.push(...children(node).reverse());
  }
  return names;
}

/** The operands of a node, in evaluation order (the one definition of the AST's shape). */
export function children(node: Expr): Expr[] {
  switch (node.type) {
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'call':
      return node.args;
    case 'method':
      return [node.target, ...node.args];
    default:
      return [];
  }
}

/** A number or a (nested) list of numbers, as `--at x=[10, 20]` writes one. */
export type Literal = number | Literal[];

/**
 * Parse a Python number or list literal: `10`, `-1.5e-3`, `[10, 20]`, `[[1, 2], [3, 4]]`.
 * Throws ExpressionError with a caret. Ragged lists are left to `tensor()` to refuse.
 */
export function parseLiteral(source: string): Literal {
  return new LiteralParser(source, tokenize(source)).parse();
}

class LiteralParser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Literal {
    if (this.peek().kind === 'end') throw this.fail('empty value', this.peek());
    const value = this.value(0);
    const rest = this.peek();
    if (rest.kind !== 'end') throw this.fail(`unexpected '${rest.text}' ${columnOf(rest.pos)}`, rest);
    return value;
  }

  private value(depth: number): Literal {
    const token = this.tokens[this.index++];
    if (token.kind === 'number') return token.value;
    if (token.kind === 'op' && (token.text === '-' || token.text === '+')) {
      const number = this.tokens[this.index++];
      if (number.kind !== 'number') throw this.fail(`expected a number ${columnOf(number.pos)}`, number);
      return token.text === '-' ? -number.value : number.value;
    }
    if (token.kind === 'op' && token.text === '[') return this.list(token, depth + 1);
    throw this.fail(`expected a number or a list ${columnOf(token.pos)}`, token);
  }

  private list(open: Token, depth: number): Literal[] {
    if (depth > MAX_DEPTH) throw this.fail(`list nested too deeply ${columnOf(open.pos)}`, open);
    const items: Literal[] = [];
    while (!this.isOp(']')) {
      if (this.peek().kind === 'end') throw this.fail(`'[' ${columnOf(open.pos)} was never closed`, open);
      items.push(this.value(depth));
      if (this.isOp(',')) this.index++;
      else if (this.peek().kind === 'end') throw this.fail(`'[' ${columnOf(open.pos)} was never closed`, open);
      else if (!this.isOp(']')) throw this.fail(`expected ',' or ']' ${columnOf(this.peek().pos)}`, this.peek());
    }
    this.index++;
    return items;
  }

  private fail(detail: string, token: Token): ExpressionError {
    return new ExpressionError(detail, this.source, token.pos);
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private isOp(text: string): boolean {
    const token = this.tokens[this.index];
    return token.kind === 'op' && token.text === text;
  }
}
