// `autograd grad EXPR --at x=10`: evaluate an expression with the engine, backpropagate, print PyTorch's text.

import { Command, InvalidArgumentError, Option } from 'commander';
import * as torch from '../../../index.js';
import type { DType, NestedArray, Tensor } from '../../../index.js';
import { AutogradError, NonFiniteResultError, UsageError } from '../../../errors.js';
import { CompiledExpression, type Value } from '../../../expr/evaluate.js';
import { ExpressionError } from '../../../expr/errors.js';
import { parseExpression, parseLiteral, type Literal } from '../../../expr/parser.js';
import { pyRepr } from '../../../tensor/pyfloat.js';
import type { CliContext } from '../../context.js';
import { integerInRange, nonNegativeNumber } from '../../options.js';
import { resolvePath, writeFileAtomic } from '../../io.js';
import { make_dot } from '../../../viz/make_dot.js';
import { derivativeLabel, higherDerivatives, type Derivatives } from './orders.js';

/** One `--at name=value`. */
export interface Binding {
  name: string;
  value: Literal;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Commander collector for repeated `--at name=value` (value: a number or a list such as [10,20]). */
export function parseBinding(text: string, previous: Binding[] = []): Binding[] {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  if (!IDENTIFIER.test(name) || name === 'torch') {
    throw new InvalidArgumentError('expected NAME=VALUE with NAME a variable name, e.g. x=10 or x=[10,20]');
  }
  if (previous.some((b) => b.name === name)) throw new InvalidArgumentError(`variable '${name}' is given twice`);
  try {
    return [...previous, { name, value: parseLiteral(text.slice(eq + 1)) }];
  } catch (err) {
    if (err instanceof ExpressionError) throw new InvalidArgumentError(`${name}: ${err.detail}`);
    throw err;
  }
}

/** `--dtype`, defaulting to float32 as the tutorials' tensors are. */
export function dtypeOption(): Option {
  return new Option('--dtype <dtype>', 'dtype of the variables').choices(['float32', 'float64']).default('float32');
}

/** Leaf tensors with requires_grad for every binding (`torch.tensor(v, requires_grad=True, dtype=...)`). */
export function makeVariables(bindings: readonly Binding[], dtype: DType): Record<string, Tensor> {
  return Object.fromEntries(
    bindings.map((b): [string, Tensor] => {
      try {
        return [b.name, torch.tensor(b.value, { dtype, requires_grad: true })];
      } catch (err) {
        if (err instanceof AutogradError) throw new UsageError(`--at ${b.name}: ${err.message}`);
        throw err;
      }
    }),
  );
}

/** The value as a tensor in the graph, or PyTorch's error when nothing in it requires grad. */
export function requireGraph(value: Value): Tensor {
  if (typeof value !== 'number' && value.requires_grad) return value;
  throw new UsageError(
    'element 0 of tensors does not require grad and does not have a grad_fn ' +
      '(the expression uses none of the variables given with --at)',
  );
}

/** PyTorch's own refusal, plus what to do about it on the command line. */
export function nonScalarError(t: Tensor, what: string, remedy: string): UsageError {
  return new UsageError(
    `grad can be implicitly created only for scalar outputs (${what} has shape [${t._shape.join(', ')}]: ${remedy})`,
  );
}

/** `label = tensor(...)`, continuation lines of a wrapped tensor kept aligned under the first. */
export function labelled(label: string, text: string): string {
  const prefix = `${label} = `;
  return prefix + text.split('\n').join(`\n${' '.repeat(prefix.length)}`);
}

/** A tensor's values for JSON: a number or nested lists (NaN and ±inf become null, as JSON has none). */
export function jsonValue(t: Tensor | null): NestedArray | null {
  return t === null ? null : t.tolist();
}

/** Options as commander hands them over: `--at` is absent when never given. */
export type Parsed<T extends { at: Binding[] }> = Omit<T, 'at'> & { at?: Binding[] };

interface GradOptions {
  at: Binding[];
  dtype: DType;
  sum?: boolean;
  mean?: boolean;
  gradOutput?: Literal;
  lr?: number;
  json?: boolean;
  graph?: string;
  /** backward(create_graph=True): the gradients have grad_fns (the last order too, with --order). */
  createGraph?: boolean;
  order: number;
}

/** `--graph FILE`: .svg (laid out by Graphviz) or .dot (its source). */
function graphFile(text: string): string {
  if (!/\.(svg|dot)$/i.test(text)) throw new InvalidArgumentError(`expected a file name ending in .svg or .dot, got '${text}'`);
  return text;
}

/** The backward graph of the result, named after the --at variables, as make_dot draws it. */
async function writeGraph(ctx: CliContext, file: string, result: Tensor, variables: Record<string, Tensor>): Promise<void> {
  const dot = make_dot(result, { params: variables });
  const text = /\.svg$/i.test(file) ? await dot.pipe('svg') : dot.source;
  writeFileAtomic(resolvePath(ctx.cwd, file), text);
}

function parseGradOutput(text: string): Literal {
  try {
    return parseLiteral(text);
  } catch (err) {
    if (err instanceof ExpressionError) throw new InvalidArgumentError(err.detail);
    throw err;
  }
}


/** The tensor backward starts from: the result, or its sum/mean as the user asked. */
function backwardRoot(result: Tensor, options: GradOptions): { root: Tensor; label: string | null } {
  if (options.sum === true) return { root: result.sum(), label: 'result.sum()' };
  if (options.mean === true) return { root: result.mean(), label: 'result.mean()' };
  return { root: result, label: null };
}

/** The first derivatives into each variable's .grad (backward), or with --order the first N of each (autograd.grad). */
function backpropagate(root: Tensor, variables: Record<string, Tensor>, options: GradOptions): Derivatives | null {
  const gradient = options.gradOutput === undefined ? null : torch.tensor(options.gradOutput, { dtype: root.dtype });
  if (gradient === null && root.numel() !== 1) throw nonScalarError(root, 'the result', 'add --sum, --mean or --grad-output');
  try {
    if (options.order > 1) return higherDerivatives(root, variables, options.order, options.createGraph === true, gradient);
    root.backward(gradient, { create_graph: options.createGraph === true });
    return null;
  } catch (err) {
    // PyTorch's "Mismatch in shape: grad_output[0] has a shape of ..." is the user's to fix.
    if (gradient !== null && err instanceof AutogradError && err.kind === 'runtime' && err.message.startsWith('Mismatch in shape')) {
      throw new UsageError(`--grad-output: ${err.message}`);
    }
    throw err;
  }
}

/** One gradient-descent update per variable, as the tutorial writes it: `w - lr * w.grad`. */
function updates(variables: Record<string, Tensor>, lr: number): Array<[string, Tensor]> {
  return Object.entries(variables)
    .filter(([, v]) => v.grad !== null)
    .map(([name, v]) => [name, torch.sub(v, torch.mul(lr, v.grad as Tensor))]);
}

/** Everything one `grad` run computed, for either output format. */
interface Outcome {
  result: Tensor;
  /** result.sum() or result.mean() when the user asked for one, with its label. */
  reduced: { tensor: Tensor; label: string } | null;
  variables: Record<string, Tensor>;
  updated: Array<[string, Tensor]>;
  /** With --order N: each variable's derivatives, first to N-th. */
  derivatives: Derivatives | null;
}

function compute(source: string, options: GradOptions): Outcome {
  const expression = new CompiledExpression(parseExpression(source));
  const variables = makeVariables(options.at, options.dtype);
  const result = requireGraph(expression.evaluate(variables, { dtype: options.dtype }));
  const { root, label } = backwardRoot(result, options);
  if (options.order > 1 && options.lr !== undefined) throw new UsageError('--lr updates with the first derivative in x.grad: it cannot be combined with --order 2 or more');
  const derivatives = backpropagate(root, variables, options);
  return {
    result,
    reduced: label === null ? null : { tensor: root, label },
    variables,
    updated: options.lr === undefined ? [] : updates(variables, options.lr),
    derivatives,
  };
}

function gradText(outcome: Outcome, lr: number | undefined): string {
  const lines = [labelled('result', String(outcome.result))];
  if (outcome.reduced !== null) lines.push(labelled(outcome.reduced.label, String(outcome.reduced.tensor)));
  if (outcome.derivatives !== null) {
    for (const [name, ds] of outcome.derivatives) ds.forEach((d, k) => lines.push(labelled(derivativeLabel(name, k + 1), String(d))));
  } else {
    for (const [name, v] of Object.entries(outcome.variables)) {
      lines.push(labelled(`${name}.grad`, v.grad === null ? 'None' : String(v.grad)));
    }
  }
  for (const [name, next] of outcome.updated) {
    lines.push(labelled(`${name} - ${pyRepr(lr as number)} * ${name}.grad`, String(next)));
  }
  return `${lines.join('\n')}\n`;
}

function gradJson(source: string, options: GradOptions, outcome: Outcome): Record<string, unknown> {
  const { result, reduced } = outcome;
  const json: Record<string, unknown> = {
    expression: source,
    dtype: options.dtype,
    at: Object.fromEntries(options.at.map((b) => [b.name, b.value])),
    value: jsonValue(result),
    shape: result._shape,
    grad_fn: result.grad_fn?.name() ?? null,
  };
  if (reduced !== null) {
    json.reduction = options.sum === true ? 'sum' : 'mean';
    json.reduced = jsonValue(reduced.tensor);
    json.reduced_grad_fn = reduced.tensor.grad_fn?.name() ?? null;
  }
  if (options.gradOutput !== undefined) json.grad_output = options.gradOutput;
  if (options.createGraph === true) json.create_graph = true;
  if (outcome.derivatives !== null) {
    json.order = options.order;
    json.derivatives = Object.fromEntries(outcome.derivatives.map(([name, ds]) => [name, ds.map(jsonValue)]));
    json.derivative_grad_fns = Object.fromEntries(outcome.derivatives.map(([name, ds]) => [name, ds.map((d) => d.grad_fn?.name() ?? null)]));
  } else {
    json.grads = Object.fromEntries(Object.entries(outcome.variables).map(([name, v]) => [name, jsonValue(v.grad)]));
    if (options.createGraph === true) json.grad_fns = Object.fromEntries(Object.entries(outcome.variables).map(([name, v]) => [name, v.grad?.grad_fn?.name() ?? null]));
  }
  if (options.lr !== undefined) {
    json.lr = options.lr;
    json.updated = Object.fromEntries(outcome.updated.map(([name, t]) => [name, jsonValue(t)]));
  }
  return json;
}

async function run(ctx: CliContext, source: string, options: GradOptions): Promise<void> {
  const outcome = compute(source, options);
  if (options.graph !== undefined) {
    await writeGraph(ctx, options.graph, outcome.reduced?.tensor ?? outcome.result, outcome.variables);
  }
  ctx.stdout(options.json === true ? `${JSON.stringify(gradJson(source, options, outcome))}\n` : gradText(outcome, options.lr));
  const bad = firstNonFinite(outcome);
  if (bad !== null) throw new NonFiniteResultError(`${bad} is not finite (printed as PyTorch prints it; in --json it is null)`);
}

/** The first printed tensor holding inf or nan, by its label, or null when all are finite. */
function firstNonFinite(outcome: Outcome): string | null {
  const printed: Array<[string, Tensor | null]> = [['result', outcome.result]];
  if (outcome.reduced !== null) printed.push([outcome.reduced.label, outcome.reduced.tensor]);
  if (outcome.derivatives !== null) {
    for (const [name, ds] of outcome.derivatives) ds.forEach((d, k) => printed.push([derivativeLabel(name, k + 1), d]));
  } else {
    for (const [name, v] of Object.entries(outcome.variables)) printed.push([`${name}.grad`, v.grad]);
  }
  for (const [name, next] of outcome.updated) printed.push([`the update of ${name}`, next]);
  for (const [label, t] of printed) {
    if (t !== null && !t._data.every(Number.isFinite)) return label;
  }
  return null;
}

/** What an expression may contain, shown under both commands' --help. */
export const EXPRESSION_HELP = `
Expressions are Python/PyTorch arithmetic: numbers (1e-3, .5), variables,
+ - * / ** with Python's precedence (-x**2 is -(x**2)), parentheses, and the
functions exp log log2 log10 sqrt abs sigmoid tanh relu sum mean neg pow add
sub mul div reciprocal square sin cos tan asin acos atan sinh cosh expm1 log1p
exp2 rsqrt sign floor ceil round trunc frac erf erfc erfinv, spelled f(x), torch.f(x) or x.f(): x.pow(2),
(x ** 2).mean().
An expression starting with '-' goes after --: grad --at x=3 -- '-x**2'`;

const EXAMPLES = `
Examples:
  autograd grad '2 * x ** 2' --at x=10
  autograd grad 'x1**2 + x2**2 + x1*x2' --at 'x1=[10,20]' --at 'x2=[30,40]' --sum --dtype float64
  autograd grad 'x ** 3' --at x=3 --create-graph     # x.grad = tensor(27., grad_fn=<CopyBackwards>)
  autograd grad 'x ** 3' --at x=3 --order 3          # d/dx = 27, d2/dx2 = 18, d3/dx3 = 6

With --order N the k-th derivative is torch.autograd.grad of the (k-1)-th (of its sum when it is not
a scalar), every order but the last with create_graph=True (the last too with --create-graph).`;

export function gradCommand(ctx: CliContext): Command {
  return new Command('grad')
    .description("evaluate an expression with autograd; print its value and each variable's gradient as PyTorch does")
    .argument('<expression>', "Python/PyTorch arithmetic, e.g. '2 * x ** 2' or '(x ** 2 + 20).mean()'")
    .option('--at <name=value>', "a variable and its value: x=10 or 'x=[10,20]' (repeat for each)", parseBinding)
    .addOption(dtypeOption())
    .addOption(new Option('--sum', 'backpropagate from result.sum() (for a non-scalar result)').conflicts(['mean', 'gradOutput']))
    .addOption(new Option('--mean', 'backpropagate from result.mean() (for a non-scalar result)').conflicts('gradOutput'))
    .addOption(
      new Option('--grad-output <values>', "the gradient to backpropagate, shaped like the result: '[1,0.5]'").argParser(parseGradOutput),
    )
    .addOption(new Option('--lr <rate>', "also print one update x - lr * x.grad (the tutorial's first cell)").argParser(nonNegativeNumber))
    .option('--create-graph', "backward(create_graph=True): the gradients keep their graph and print with their grad_fn")
    .addOption(new Option('--order <n>', 'print the derivatives up to the n-th: d/dx, d2/dx2, ... (1 to 10)').argParser(integerInRange(1, 10)).default(1))
    .option('--json', 'print one JSON object instead of text')
    .addOption(new Option('--graph <file>', "also write the backward graph, as torchviz's make_dot draws it (.svg or .dot)").argParser(graphFile))
    .addHelpText('after', `${EXPRESSION_HELP}\n${EXAMPLES}`)
    .action((source: string, options: Parsed<GradOptions>) => run(ctx, source, { ...options, at: options.at ?? [] }));
}
