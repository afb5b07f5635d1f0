// Evaluate a parsed expression with the engine: variables are tensors, constants stay numbers as in Python.

import * as torch from '../index.js';
import type { DType, Tensor } from '../index.js';
import { ArgumentTypeError, AutogradError } from '../errors.js';
import { ExpressionError, columnOf } from './errors.js';
import { registry } from '../autograd/ops/registry.js';
import { children, type BinaryOp, type Expr, type ParsedExpression } from './parser.js';

/** What a subexpression is: a tensor, or a plain number (a Python float) while no tensor is involved. */
export type Value = Tensor | number;

export interface EvaluateOptions {
  /** dtype for constants that a function turns into tensors (`exp(1)`); default float32. */
  dtype?: DType;
}

/** A function or method by name: how many arguments it takes and how it applies them. */
interface Callable {
  minArgs: number;
  maxArgs: number;
  apply(args: Value[], dtype: DType): Value;
}

function asTensor(value: Value, dtype: DType): Tensor {
  return typeof value === 'number' ? torch.tensor(value, { dtype }) : value;
}

/** `sum(x)` / `x.sum()`, or over one dimension: `x.sum(0)`. */
function reduction(name: string, op: typeof torch.sum): Callable {
  return {
    minArgs: 1,
    maxArgs: 2,
    apply: ([x, dim], dtype) => op(asTensor(x, dtype), dim === undefined ? undefined : integerDim(name, dim)),
  };
}

function integerDim(name: string, dim: Value): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    const got = typeof dim === 'number' ? String(dim) : 'a Tensor';
    throw new ArgumentTypeError(`${name}(): argument 'dim' must be an int, got ${got}`);
  }
  return dim;
}

/** The functions and methods an expression may call: `exp(x)`, `torch.exp(x)` and `x.exp()` alike. */
// Derived from the op registry: every entry with an expression spelling.
const CALLABLES: ReadonlyMap<string, Callable> = new Map<string, Callable>(
  Object.entries(registry).flatMap(([name, entry]): Array<[string, Callable]> => {
    const spelling = entry.expr;
    if (spelling === null) return [];
    const fn = entry.fn as (x: Tensor) => Tensor;
    switch (spelling.kind) {
      case 'unary':
        return [[name, { minArgs: 1, maxArgs: 1, apply: ([x], dtype) => fn(asTensor(x, dtype)) }]];
      case 'binary':
        return [[name, { minArgs: 2, maxArgs: 2, apply: ([a, b]) => arithmetic(spelling.operator, a, b) }]];
      case 'reduce':
        return [[name, reduction(name, entry.fn as typeof torch.sum)]];
    }
  }),
);

/** The names CALLABLES knows, for error messages and help. */
export const FUNCTION_NAMES: readonly string[] = [...CALLABLES.keys()].sort();

/** Python's binary operators; two numbers combine as IEEE doubles (Python floats), anything else in the engine. */
export function arithmetic(op: BinaryOp, a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return numberArithmetic(op, a, b);
  switch (op) {
    case '+':
      return torch.add(a, b);
    case '-':
      return torch.sub(a, b);
    case '*':
      return torch.mul(a, b);
    case '/':
      return torch.div(a, b);
    case '**':
      return torch.pow(a, b);
  }
}

// NOTE: Python raises ZeroDivisionError for `1/0` and gives a complex for `(-8)**(1/3)`; constants here follow
// IEEE instead (inf, nan), like the same numbers in a tensor would.
function numberArithmetic(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '**':
      return a ** b;
  }
}

/** One step of the postfix program an expression compiles to. */
type Instruction =
  | { kind: 'push'; value: number }
  | { kind: 'load'; name: string; pos: number }
  | { kind: 'negate'; pos: number }
  | { kind: 'binary'; op: BinaryOp; pos: number }
  | { kind: 'call'; name: string; argc: number; method: boolean; pos: number };

/**
 * The expression as a postfix program, built with an explicit stack so that a long chain like
 * `x+x+...+x` (a deep left-leaning tree) cannot overflow the call stack.
 */
function compile(root: Expr): Instruction[] {
  const program: Instruction[] = [];
  const stack: Array<{ node: Expr; expanded: boolean }> = [{ node: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop() as { node: Expr; expanded: boolean };
    const { node } = top;
    if (node.type === 'unary' && node.op === '+') {
      // Python's unary plus on a tensor returns the tensor itself (torch.positive): nothing to emit.
      stack.push({ node: node.operand, expanded: false });
      continue;
    }
    if (top.expanded) {
      program.push(emit(node));
      continue;
    }
    const kids = children(node);
    if (kids.length === 0) {
      program.push(emit(node));
      continue;
    }
    stack.push({ node, expanded: true });
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], expanded: false });
  }
  return program;
}


function emit(node: Expr): Instruction {
  switch (node.type) {
    case 'number':
      return { kind: 'push', value: node.value };
    case 'variable':
      return { kind: 'load', name: node.name, pos: node.pos };
    case 'unary':
      return { kind: 'negate', pos: node.pos };
    case 'binary':
      return { kind: 'binary', op: node.op, pos: node.pos };
    case 'call':
      return { kind: 'call', name: node.name, argc: node.args.length, method: false, pos: node.pos };
    case 'method':
      return { kind: 'call', name: node.name, argc: node.args.length + 1, method: true, pos: node.pos };
  }
}

/** An expression ready to evaluate, any number of times (once per step in `minimize`). */
export class CompiledExpression {
  readonly source: string;
  private readonly program: Instruction[];

  constructor(parsed: ParsedExpression) {
    this.source = parsed.source;
    this.program = compile(parsed.root);
  }

  /**
   * The expression's value with `variables` bound. Unknown names, wrong argument counts and engine
   * errors (shape mismatches) throw ExpressionError pointing at the operator or name involved.
   */
  evaluate(variables: Readonly<Record<string, Tensor>>, options: EvaluateOptions = {}): Value {
    const dtype = options.dtype ?? 'float32';
    const stack: Value[] = [];
    for (const ins of this.program) stack.push(this.execute(ins, stack, variables, dtype));
    return stack[0];
  }

  private execute(ins: Instruction, stack: Value[], variables: Readonly<Record<string, Tensor>>, dtype: DType): Value {
    switch (ins.kind) {
      case 'push':
        return ins.value;
      case 'load':
        return this.load(ins.name, ins.pos, variables);
      case 'negate': {
        const x = stack.pop() as Value;
        return typeof x === 'number' ? -x : this.guard(ins.pos, () => torch.neg(x));
      }
      case 'binary': {
        const b = stack.pop() as Value;
        const a = stack.pop() as Value;
        return this.guard(ins.pos, () => arithmetic(ins.op, a, b));
      }
      case 'call': {
        const fn = this.callable(ins.name, ins.argc, ins.method, ins.pos);
        const args = stack.splice(stack.length - ins.argc, ins.argc);
        return this.guard(ins.pos, () => fn.apply(args, dtype));
      }
    }
  }

  private load(name: string, pos: number, variables: Readonly<Record<string, Tensor>>): Tensor {
    if (Object.hasOwn(variables, name)) return variables[name];
    const given = Object.keys(variables);
    const list = given.length === 0 ? 'none' : given.join(', ');
    throw new ExpressionError(`unknown variable '${name}' (given: ${list})`, this.source, pos);
  }

  private callable(name: string, argc: number, method: boolean, pos: number): Callable {
    const fn = CALLABLES.get(name);
    if (fn === undefined) {
      const what = method ? 'method' : 'function';
      throw new ExpressionError(`unknown ${what} '${name}' (known: ${FUNCTION_NAMES.join(', ')})`, this.source, pos);
    }
    if (argc < fn.minArgs || argc > fn.maxArgs) {
      // Python's wording; a method's receiver is not counted, as in Python's messages.
      const shift = method ? 1 : 0;
      const [lo, hi, given] = [fn.minArgs - shift, fn.maxArgs - shift, argc - shift];
      const takes = lo === hi ? `${lo}` : `from ${lo} to ${hi}`;
      const noun = lo === 1 && hi === 1 ? 'argument' : 'arguments';
      const detail = `${name}() takes ${takes} positional ${noun} but ${given} ${given === 1 ? 'was' : 'were'} given`;
      throw new ExpressionError(detail, this.source, pos);
    }
    return fn;
  }

  /** Engine errors (PyTorch's wording) gain the column of the operation that raised them. */
  private guard(pos: number, run: () => Value): Value {
    try {
      return run();
    } catch (err) {
      if (err instanceof AutogradError && err.kind === 'runtime') {
        throw new ExpressionError(`${err.message} (${columnOf(pos)})`, this.source, pos);
      }
      throw err;
    }
  }
}

/** Compile and evaluate once. */
export function evaluate(
  parsed: ParsedExpression,
  variables: Readonly<Record<string, Tensor>>,
  options: EvaluateOptions = {},
): Value {
  return new CompiledExpression(parsed).evaluate(variables, options);
}
