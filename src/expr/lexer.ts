// Tokenizer for arithmetic expressions written as Python/PyTorch code (`2 * x ** 2`, `(x ** 2).mean()`).

import { ExpressionError, columnOf } from './errors.js';

export type TokenKind = 'number' | 'name' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** The source text of the token ('' for end). */
  text: string;
  /** 0-based offset of the token's first character in the expression. */
  pos: number;
  /** The numeric value of a number token (NaN for other kinds). */
  value: number;
}

/** Operators and punctuation, longest first so that `**` wins over `*`. */
const OPERATORS = ['**', '+', '-', '*', '/', '(', ')', ',', '.', '[', ']'] as const;

// Python's float/int literal grammar (docs.python.org/3/reference/lexical_analysis.html#floating-point-literals):
// digitpart = digit (["_"] digit)*; a float has a fraction and/or an exponent.
const DIGITPART = '[0-9](?:_?[0-9])*';
const NUMBER = new RegExp(
  `^(?:(?:${DIGITPART})?\\.${DIGITPART}|${DIGITPART}\\.?)(?:[eE][+-]?${DIGITPART})?`,
);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPACE = /^[ \t\r\n]+/;

/** Split `source` into tokens; the last one has kind 'end'. Throws ExpressionError with a caret. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const rest = source.slice(pos);
    const space = SPACE.exec(rest);
    if (space !== null) {
      pos += space[0].length;
      continue;
    }
    const token = readNumber(source, pos, rest) ?? readName(pos, rest) ?? readOperator(pos, rest);
    if (token === null) {
      throw new ExpressionError(`unexpected character '${rest[0]}' ${columnOf(pos)}`, source, pos);
    }
    tokens.push(token);
    pos += token.text.length;
  }
  tokens.push({ kind: 'end', text: '', pos: source.length, value: Number.NaN });
  return tokens;
}

function readNumber(source: string, pos: number, rest: string): Token | null {
  const match = NUMBER.exec(rest);
  if (match === null) return null;
  const text = match[0];
  const after = rest.slice(text.length);
  // Python rejects `2x`, `1e`, `1_` and `012` outright rather than reading two tokens.
  if (/^[A-Za-z0-9_]/.test(after)) {
    const next = pos + text.length;
    throw new ExpressionError(`invalid decimal literal ${columnOf(next)}`, source, next);
  }
  if (/^0+[1-9]/.test(text.replace(/_/g, '')) && /^[0-9_]+$/.test(text)) {
    throw new ExpressionError(
      `leading zeros in decimal integer literals are not permitted ${columnOf(pos)}`,
      source,
      pos,
    );
  }
  return { kind: 'number', text, pos, value: Number(text.replace(/_/g, '')) };
}

function readName(pos: number, rest: string): Token | null {
  const match = NAME.exec(rest);
  return match === null ? null : { kind: 'name', text: match[0], pos, value: Number.NaN };
}

function readOperator(pos: number, rest: string): Token | null {
  const op = OPERATORS.find((o) => rest.startsWith(o));
  return op === undefined ? null : { kind: 'op', text: op, pos, value: Number.NaN };
}
