// `autograd grad`: the seeds' gradients and PyTorch's printed text (gen_expr.py), reductions, JSON and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { EXPRESSION_HELP, gradCommand } from '../../src/cli/commands/grad/command.js';
import { FUNCTION_NAMES } from '../../src/expr/evaluate.js';
import type { CliContext } from '../../src/cli/context.js';
import { NonFiniteResultError, UsageError } from '../../src/errors.js';
import { ExpressionError } from '../../src/expr/errors.js';
import type { Literal } from '../../src/expr/parser.js';
import { readFixture } from '../helpers/fixtures.js';

interface GradCase {
  source: string;
  at: Record<string, Literal>;
  dtype: string;
  value: string;
  reduction?: 'sum' | 'mean';
  reduced?: string;
  grad_output?: Literal;
  grads: Record<string, string>;
  lr?: number;
  updates?: Record<string, string>;
}
interface Fixture {
  grad: GradCase[];
  errors: { non_scalar_backward: string; grad_output_mismatch: string; no_graph: string };
}
const fixture = readFixture<Fixture>('torch/expr.json');

function fakeContext(out: string[]): CliContext {
  return {
    stdout: (text) => out.push(text),
    stderr: () => undefined,
    isTTY: false,
    color: false,
    columns: 80,
    env: {},
    cwd: process.cwd(),
    signal: new AbortController().signal,
  };
}

/** Run `autograd grad ...args` on a fresh command; what it wrote to stdout, and its error if any. */
async function gradRun(...args: string[]): Promise<{ stdout: string; error: unknown }> {
  const out: string[] = [];
  const cmd = gradCommand(fakeContext(out));
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  try {
    await cmd.parseAsync(args, { from: 'user' });
    return { stdout: out.join(''), error: null };
  } catch (error) {
    return { stdout: out.join(''), error };
  }
}

/**
 * What `autograd grad ...args` wrote to stdout. A non-finite value or gradient is still printed as
 * PyTorch prints it (the run then ends with exit 1: tested below); any other error rejects.
 */
async function grad(...args: string[]): Promise<string> {
  const { stdout, error } = await gradRun(...args);
  if (error !== null && !(error instanceof NonFiniteResultError)) throw error;
  return stdout;
}

function argsOf(c: GradCase): string[] {
  const args = ['--dtype', c.dtype];
  for (const [name, value] of Object.entries(c.at)) args.push('--at', `${name}=${JSON.stringify(value)}`);
  if (c.reduction !== undefined) args.push(`--${c.reduction}`);
  if (c.grad_output !== undefined) args.push('--grad-output', JSON.stringify(c.grad_output));
  if (c.lr !== undefined) args.push('--lr', String(c.lr));
  // `--` lets an expression start with a minus sign (`-x**2`) without being read as an option.
  return [...args, '--', c.source];
}

/** `label = text` with a wrapped tensor's continuation lines shifted under the first, as documented. */
function line(label: string, text: string): string {
  return `${label} = ${text.replace(/\n/g, `\n${' '.repeat(label.length + 3)}`)}`;
}

test('the seeds’ lines, pasted as they are, print PyTorch’s values', async () => {
  // seed 000: loss = 2 * w**2 at w = 10 → tensor(200., grad_fn=<MulBackward0>), w.grad tensor(40.), update 9.6000
  assert.equal(
    await grad('2 * w**2', '--at', 'w=10', '--lr', '0.01'),
    'result = tensor(200., grad_fn=<MulBackward0>)\nw.grad = tensor(40.)\nw - 0.01 * w.grad = tensor(9.6000, grad_fn=<SubBackward0>)\n',
  );
  // seed 003 test01: tensor(20., dtype=torch.float64)
  assert.match(await grad('x ** 2 + 20', '--at', 'x=10', '--dtype', 'float64'), /^x\.grad = tensor\(20\., dtype=torch\.float64\)$/m);
  // seed 003 test02: tensor([ 5., 10., 15., 20.], dtype=torch.float64)
  const test02 = await grad('x ** 2 + 20', '--at', 'x=[10, 20, 30, 40]', '--dtype', 'float64', '--mean');
  assert.match(test02, /^x\.grad = tensor\(\[ 5\., 10\., 15\., 20\.\], dtype=torch\.float64\)$/m);
  // seed 003 test03: tensor(40., dtype=torch.float64) tensor(50., dtype=torch.float64)
  const test03 = await grad('x1**2 + x2**2 + x1*x2', '--at', 'x1=10', '--at', 'x2=20', '--dtype', 'float64', '--sum');
  assert.match(test03, /^x1\.grad = tensor\(40\., dtype=torch\.float64\)\nx2\.grad = tensor\(50\., dtype=torch\.float64\)$/m);
  // seed 003 test04: y and the two gradients
  const test04 = await grad('x1 ** 2 + x2 ** 2 + x1 * x2', '--at', 'x1=[10, 20]', '--at', 'x2=[30, 40]', '--dtype', 'float64', '--sum');
  assert.match(test04, /^result = tensor\(\[1300\., 2800\.\], dtype=torch\.float64, grad_fn=<AddBackward0>\)$/m);
  assert.match(test04, /^x1\.grad = tensor\(\[50\., 80\.\], dtype=torch\.float64\)$/m);
  assert.match(test04, /^x2\.grad = tensor\(\[ 70\., 100\.\], dtype=torch\.float64\)$/m);
  // the issue's float32 example: gradients 40 and 50 at (10, 20), no reduction needed for a scalar
  assert.match(await grad('x1**2 + x2**2 + x1*x2', '--at', 'x1=10', '--at', 'x2=20'), /^x1\.grad = tensor\(40\.\)\nx2\.grad = tensor\(50\.\)$/m);
});

test('every fixture case prints exactly PyTorch’s text', async () => {
  for (const c of fixture.grad) {
    const expected = [line('result', c.value)];
    if (c.reduction !== undefined) expected.push(line(`result.${c.reduction}()`, c.reduced as string));
    for (const [name, g] of Object.entries(c.grads)) expected.push(line(`${name}.grad`, g));
    for (const [name, u] of Object.entries(c.updates ?? {})) expected.push(line(`${name} - ${c.lr} * ${name}.grad`, u));
    assert.equal(await grad(...argsOf(c)), `${expected.join('\n')}\n`, c.source);
  }
});

test('--json gives the numbers, null for NaN and for a variable without a gradient', async () => {
  const out = JSON.parse(await grad('x1 ** 2 + x2 ** 2 + x1 * x2 + log(x1 - 20)', '--at', 'x1=[10, 20]', '--at', 'x2=[30, 40]', '--at', 'u=1', '--sum', '--json'));
  assert.equal(out.expression, 'x1 ** 2 + x2 ** 2 + x1 * x2 + log(x1 - 20)');
  assert.equal(out.dtype, 'float32');
  assert.deepEqual(out.at, { x1: [10, 20], x2: [30, 40], u: 1 });
  assert.deepEqual(out.value, [null, null]);
  assert.deepEqual(out.shape.slice(), [2]);
  assert.equal(out.grad_fn, 'AddBackward0');
  assert.equal(out.reduction, 'sum');
  assert.equal(out.reduced_grad_fn, 'SumBackward0');
  // d/dx1 = 2·x1 + x2 + 1/(x1 - 20): 50 - 0.1 and 80 + 1/0 (PyTorch: inf)
  assert.deepEqual(out.grads, { x1: [Math.fround(49.9), null], x2: [70, 100], u: null });
  const scalar = JSON.parse(await grad('2 * x ** 2', '--at', 'x=10', '--lr', '0.01', '--json'));
  assert.equal(scalar.value, 200);
  assert.deepEqual(scalar.grads, { x: 40 });
  assert.deepEqual(scalar.updated, { x: Math.fround(9.6) });
});

test('an inf or nan value or gradient is printed as PyTorch prints it, then the run fails (exit 1)', async () => {
  const log0 = await gradRun('log(x)', '--at', 'x=0');
  assert.equal(log0.stdout, 'result = tensor(-inf, grad_fn=<LogBackward0>)\nx.grad = tensor(inf)\n');
  assert.ok(log0.error instanceof NonFiniteResultError);
  assert.equal(log0.error.kind, 'diverged');
  assert.equal(log0.error.message, 'result is not finite (printed as PyTorch prints it; in --json it is null)');
  // the value is finite, its gradient is not: sqrt'(0) = inf
  const sqrt0 = await gradRun('sqrt(x)', '--at', 'x=0');
  assert.match(String((sqrt0.error as Error).message), /^x\.grad is not finite/);
  // float32 overflow of the input itself (1e300 is inf in float32, as in PyTorch)
  const huge = await gradRun('x ** 2', '--at', 'x=1e300', '--json');
  assert.equal(JSON.parse(huge.stdout).value, null);
  assert.ok(huge.error instanceof NonFiniteResultError);
  // the same value in float64 is finite: no error
  const ok = await gradRun('x * 2', '--at', 'x=1e300', '--dtype', 'float64');
  assert.equal(ok.error, null);
  // --lr 0 is allowed, as in PyTorch: the update leaves x as it is
  assert.match(await grad('2 * x ** 2', '--at', 'x=10', '--lr', '0'), /^x - 0\.0 \* x\.grad = tensor\(10\., grad_fn=<SubBackward0>\)$/m);
});

test('a variable the expression does not use has no gradient: None', async () => {
  assert.equal(await grad('x * 2', '--at', 'x=1', '--at', 'y=2'), 'result = tensor(2., grad_fn=<MulBackward0>)\nx.grad = tensor(2.)\ny.grad = None\n');
});

async function rejects(args: string[], check: (err: unknown) => void): Promise<void> {
  await assert.rejects(grad(...args), (err) => {
    check(err);
    return true;
  });
}

test('a non-scalar result without --sum/--mean/--grad-output is PyTorch’s error, exit 2', async () => {
  await rejects(['x ** 2', '--at', 'x=[1, 2]'], (err) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.kind, 'usage');
    assert.ok(err.message.startsWith(fixture.errors.non_scalar_backward));
    assert.equal(err.message, `${fixture.errors.non_scalar_backward} (the result has shape [2]: add --sum, --mean or --grad-output)`);
  });
  await rejects(['x ** 2', '--at', 'x=[1, 2]', '--grad-output', '[1, 2, 3]'], (err) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, `--grad-output: ${fixture.errors.grad_output_mismatch}`);
  });
});

test('expression errors are usage errors with a caret; unknown names are named', async () => {
  await rejects(['2 * (x + ', '--at', 'x=1'], (err) => {
    assert.ok(err instanceof ExpressionError);
    assert.equal(err.kind, 'usage');
    assert.equal(err.message, 'unexpected end of expression at column 10\n  2 * (x + \n           ^');
  });
  await rejects(['x * z', '--at', 'x=1', '--at', 'y=2'], (err) => {
    assert.ok(err instanceof ExpressionError);
    assert.equal(err.detail, "unknown variable 'z' (given: x, y)");
  });
  await rejects(['2 + 3', '--at', 'x=1'], (err) => {
    assert.ok(err instanceof UsageError);
    assert.ok(err.message.startsWith(fixture.errors.no_graph));
  });
});

test('bad options are commander errors naming the option', async () => {
  const code = (expected: string) => (err: unknown) => {
    assert.ok(err instanceof CommanderError);
    assert.equal(err.code, expected);
  };
  await rejects(['x', '--at', 'x'], code('commander.invalidArgument'));
  await rejects(['x', '--at', '1x=2'], code('commander.invalidArgument'));
  await rejects(['x', '--at', 'x=[1,'], (err) => {
    code('commander.invalidArgument')(err);
    assert.match((err as Error).message, /x: '\[' at column 1 was never closed/);
  });
  await rejects(['x', '--at', 'x=1', '--at', 'x=2'], (err) => {
    code('commander.invalidArgument')(err);
    assert.match((err as Error).message, /variable 'x' is given twice/);
  });
  await rejects(['x', '--at', 'x=[1]', '--sum', '--mean'], code('commander.conflictingOption'));
  await rejects(['x', '--at', 'x=1', '--dtype', 'int64'], code('commander.invalidArgument'));
  await rejects(['x', '--at', 'x=1', '--lr', '-1'], code('commander.invalidArgument'));
});

test('--help names every function an expression may call', async () => {
  const words = new Set(EXPRESSION_HELP.split(/[\s,:]+/));
  for (const name of FUNCTION_NAMES) assert.ok(words.has(name), name);
  const help: string[] = [];
  const cmd = gradCommand(fakeContext([]));
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (s) => help.push(s), writeErr: () => undefined });
  await assert.rejects(cmd.parseAsync(['--help'], { from: 'user' }), (err) => err instanceof CommanderError && err.exitCode === 0);
  assert.ok(help.join('').includes(EXPRESSION_HELP.trim()));
});

test('--create-graph and --order N print what the equivalent PyTorch script prints', async () => {
  // x = torch.tensor(3., requires_grad=True); r = x**3; r.backward(create_graph=True); print(x.grad)
  assert.equal(await grad('x ** 3', '--at', 'x=3', '--create-graph'), 'result = tensor(27., grad_fn=<PowBackward0>)\nx.grad = tensor(27., grad_fn=<CopyBackwards>)\n');
  // d1, = grad(r, x, create_graph=True); d2, = grad(d1, x, create_graph=True); d3, = grad(d2, x)
  assert.equal(
    await grad('x ** 3', '--at', 'x=3', '--order', '3'),
    'result = tensor(27., grad_fn=<PowBackward0>)\nd/dx = tensor(27., grad_fn=<MulBackward0>)\nd2/dx2 = tensor(18., grad_fn=<MulBackward0>)\nd3/dx3 = tensor(6.)\n',
  );
  // a vector's derivative is differentiated through its sum (grad_outputs of ones); y is broadcast
  assert.equal(
    await grad('sin(x) * y', '--at', 'x=[0.5,1.5]', '--at', 'y=2', '--sum', '--order', '2', '--create-graph'),
    [
      'result = tensor([0.9589, 1.9950], grad_fn=<MulBackward0>)',
      'result.sum() = tensor(2.9538, grad_fn=<SumBackward0>)',
      'd/dx = tensor([1.7552, 0.1415], grad_fn=<MulBackward0>)',
      'd2/dx2 = tensor([-0.9589, -1.9950], grad_fn=<MulBackward0>)',
      'd/dy = tensor(1.4769, grad_fn=<SumBackward0>)',
      'd2/dy2 = tensor(0.)',
      '',
    ].join('\n'),
  );
  // --grad-output is the first order's grad_outputs
  assert.equal(
    await grad('tanh(x)', '--at', 'x=[1,2,3]', '--grad-output', '[1,0.5,2]', '--order', '2'),
    'result = tensor([0.7616, 0.9640, 0.9951], grad_fn=<TanhBackward0>)\nd/dx = tensor([0.4200, 0.0353, 0.0197], grad_fn=<TanhBackwardBackward0>)\nd2/dx2 = tensor([-0.6397, -0.0681, -0.0393])\n',
  );
  const json = JSON.parse(await grad('x ** 2', '--at', 'x=3', '--order', '3', '--json'));
  assert.deepEqual([json.order, json.derivatives, json.derivative_grad_fns], [3, { x: [6, 2, 0] }, { x: ['MulBackward0', 'MulBackward0', null] }]);
  await rejects(['x ** 2', '--at', 'x=3', '--order', '2', '--lr', '0.1'], (err) => assert.ok(err instanceof UsageError));
  await rejects(['x ** 2', '--at', 'x=3', '--order', '11'], (err) => assert.ok(err instanceof CommanderError));
  await rejects(['x ** 2', '--at', 'x=[1,2]', '--order', '2'], (err) => assert.ok(err instanceof UsageError));
});
