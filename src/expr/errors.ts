// Expression errors: one message line plus the expression with a caret under the offending column.

import { UsageError } from '../errors.js';

/** Indent of the echoed expression and caret lines, so they stand apart from the message line. */
const INDENT = '  ';

/** The expression and a caret line under 0-based `position`, as Python's SyntaxError shows it. */
export function renderCaret(source: string, position: number): string {
  const column = Math.max(0, Math.min(position, source.length));
  return `${INDENT}${source}\n${INDENT}${' '.repeat(column)}^`;
}

/**
 * A malformed or unevaluable expression (exit 2). `detail` is the one-line description; `message`
 * adds the expression and a caret line under `position` (0-based) for the terminal.
 */
export class ExpressionError extends UsageError {
  readonly detail: string;
  readonly source: string;
  readonly position: number;

  constructor(detail: string, source: string, position: number) {
    super(`${detail}\n${renderCaret(source, position)}`);
    this.detail = detail;
    this.source = source;
    this.position = position;
  }
}

/** `at column N` (1-based, as editors count) for messages. */
export function columnOf(position: number): string {
  return `at column ${position + 1}`;
}
