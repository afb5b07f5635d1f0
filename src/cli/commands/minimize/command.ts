// `autograd minimize EXPR --at w=10 --lr 0.01 --steps 100`: the tutorial's gradient-descent loop, step by step.

import { Command, Option } from 'commander';
import * as torch from '../../../index.js';
import type { DType, NestedArray, Tensor } from '../../../index.js';
import { InterruptedError, TrainingDivergedError } from '../../../errors.js';
import { CompiledExpression } from '../../../expr/evaluate.js';
import { parseExpression } from '../../../expr/parser.js';
import { pyRepr } from '../../../tensor/pyfloat.js';
import { lossChart } from '../../chart.js';
import type { CliContext } from '../../context.js';
import { integerAtLeast, integerInRange, nonNegativeNumber } from '../../options.js';

/** Every loss is kept (for --json and the chart): `--steps 1e12` is refused rather than running out of memory. */
const MAX_STEPS = 10_000_000;
import {
  dtypeOption,
  EXPRESSION_HELP,
  jsonValue,
  makeVariables,
  nonScalarError,
  parseBinding,
  requireGraph,
  type Binding,
  type Parsed,
} from '../grad/command.js';

/** Columns the chart's y-axis labels and axis take beside the plot. */
const CHART_AXIS_WIDTH = 14;

interface MinimizeOptions {
  at: Binding[];
  dtype: DType;
  lr: number;
  steps: number;
  every: number;
  momentum: number;
  json?: boolean;
  chart: boolean;
}

/** One step as printed: the variables after the update, their gradients, and the loss before it. */
interface StepRecord {
  step: number;
  values: Record<string, NestedArray>;
  grads: Record<string, NestedArray | null>;
  loss: number;
  line: string;
}

/** Python's f-string of a tensor: a 0-d tensor formats as its float (`9.800000190734863`), others as str(). */
function fstring(t: Tensor | null): string {
  if (t === null) return 'None';
  return t._shape.length === 0 ? pyRepr(t.item()) : String(t);
}

/** `step 1: w=9.800000190734863 grad=20.0 loss=120.0`; with several variables each gradient is named. */
function stepLine(step: number, variables: Record<string, Tensor>, loss: Tensor): string {
  const entries = Object.entries(variables);
  const values = entries.map(([name, v]) => `${name}=${fstring(v)}`);
  const grads =
    entries.length === 1
      ? [`grad=${fstring(entries[0][1].grad)}`]
      : entries.map(([name, v]) => `${name}.grad=${fstring(v.grad)}`);
  return `step ${step}: ${[...values, ...grads].join(' ')} loss=${fstring(loss)}`;
}

/** The update: the tutorial's `w.data = w.data - lr * w.grad`, or optim.SGD when there is momentum. */
function makeUpdate(params: Tensor[], options: MinimizeOptions): () => void {
  if (options.momentum > 0) {
    const optimizer = new torch.optim.SGD(params, { lr: options.lr, momentum: options.momentum });
    return () => optimizer.step();
  }
  return () => {
    for (const w of params) {
      if (w.grad !== null) w.data = torch.sub(w.data, torch.mul(options.lr, w.grad));
    }
  };
}

/** Run the loop; records the steps to print (every k-th, the first and the last) and every loss. */
function descend(ctx: CliContext, source: string, options: MinimizeOptions): { records: StepRecord[]; losses: number[] } {
  const expression = new CompiledExpression(parseExpression(source));
  const variables = makeVariables(options.at, options.dtype);
  const params = Object.values(variables);
  const update = makeUpdate(params, options);
  const records: StepRecord[] = [];
  const losses: number[] = [];
  for (let step = 1; step <= options.steps; step++) {
    if (ctx.signal.aborted) throw new InterruptedError();
    const loss = requireGraph(expression.evaluate(variables, { dtype: options.dtype }));
    if (loss.numel() !== 1) throw nonScalarError(loss, 'the loss', "reduce it in the expression, e.g. '(...).sum()'");
    for (const w of params) if (w.grad !== null) w.grad.zero_();
    loss.backward();
    update();
    losses.push(loss.item());
    if (step === 1 || step % options.every === 0 || step === options.steps || !Number.isFinite(loss.item())) {
      records.push(record(step, variables, loss));
      if (options.json !== true) ctx.stdout(`${records[records.length - 1].line}\n`);
    }
    if (!Number.isFinite(loss.item())) break;
  }
  return { records, losses };
}

function record(step: number, variables: Record<string, Tensor>, loss: Tensor): StepRecord {
  const entries = Object.entries(variables);
  return {
    step,
    values: Object.fromEntries(entries.map(([name, v]) => [name, v.tolist()])),
    grads: Object.fromEntries(entries.map(([name, v]) => [name, jsonValue(v.grad)])),
    loss: loss.item(),
    line: stepLine(step, variables, loss),
  };
}

function run(ctx: CliContext, source: string, options: MinimizeOptions): void {
  const { records, losses } = descend(ctx, source, options);
  const last = losses[losses.length - 1];
  if (options.json === true) {
    const steps = records.map(({ line: _line, ...rest }) => rest);
    const { dtype, lr, momentum } = options;
    ctx.stdout(`${JSON.stringify({ expression: source, dtype, lr, momentum, steps, losses })}\n`);
  } else if (options.chart && losses.length > 1) {
    ctx.stdout(`\n${stepsChart(losses, ctx)}`);
  }
  if (!Number.isFinite(last)) {
    const step = losses.length;
    const hint = step === 1 ? 'the expression is not finite at the starting values' : 'try a smaller --lr';
    throw new TrainingDivergedError(`loss is ${pyRepr(last)} at step ${step}; ${hint}`, 0, step);
  }
}




const EXAMPLES = `
Examples:
  autograd minimize 'w**2 + 20' --at w=10 --lr 0.01 --steps 100 --every 10
  autograd minimize 'x1**2 + x2**2 + x1*x2' --at x1=10 --at x2=20 --lr 0.1 --momentum 0.9 --json`;

export function minimizeCommand(ctx: CliContext): Command {
  return new Command('minimize')
    .description("gradient descent on an expression with autograd, printing each step as the tutorials' loops do")
    .argument('<expression>', "the loss, Python/PyTorch arithmetic, e.g. 'w**2 + 20'")
    .option('--at <name=value>', "a variable and its starting value: w=10 or 'w=[1,2]' (repeat for each)", parseBinding)
    .addOption(new Option('--lr <rate>', 'learning rate (0 leaves the variables as they are)').argParser(nonNegativeNumber).default(0.01))
    .addOption(new Option('--steps <n>', 'number of steps').argParser(integerInRange(1, MAX_STEPS)).default(100))
    .addOption(new Option('--every <k>', 'print every k-th step (and the first and last)').argParser(integerAtLeast(1)).default(1))
    .addOption(new Option('--momentum <m>', 'SGD momentum; 0 is the plain w - lr * w.grad').argParser(nonNegativeNumber).default(0))
    .addOption(dtypeOption())
    .option('--no-chart', 'do not draw the loss chart')
    .option('--json', 'print one JSON object (the printed steps and every loss) instead of text')
    .addHelpText('after', `${EXPRESSION_HELP}\n${EXAMPLES}`)
    .action((source: string, options: Parsed<MinimizeOptions>) => run(ctx, source, { ...options, at: options.at ?? [] }));
}

/** The loss per step, drawn by the project's chart as wide as the terminal allows. */
function stepsChart(losses: readonly number[], ctx: CliContext): string {
  const finite = losses.filter((l) => Number.isFinite(l));
  const chart = lossChart(finite, null, { width: Math.max(10, ctx.columns - CHART_AXIS_WIDTH), color: ctx.color });
  // NOTE: chart.ts titles its chart per epoch; keep its plot and give it a title in steps.
  return `loss per step, ${finite.length} steps\n${chart.slice(chart.indexOf('\n') + 1)}`;
}
