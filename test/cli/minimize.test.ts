// `autograd minimize`: the seed's gradient-descent loop line for line, PyTorch's trajectories (gen_expr.py), errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { minimizeCommand } from '../../src/cli/commands/minimize/command.js';
import type { CliContext } from '../../src/cli/context.js';
import { TrainingDivergedError, UsageError, InterruptedError } from '../../src/errors.js';
import type { Literal } from '../../src/expr/parser.js';
import { readFixture } from '../helpers/fixtures.js';

interface MinimizeCase {
  source: string;
  at: Record<string, Literal>;
  dtype: string;
  lr: number;
  steps: number;
  momentum?: number;
  lines: string[];
  losses: number[];
  final: Record<string, Literal>;
}
const fixture = readFixture<{ minimize: MinimizeCase[] }>('torch/expr.json');

function fakeContext(out: string[], signal = new AbortController().signal): CliContext {
  return {
    stdout: (text) => out.push(text),
    stderr: () => undefined,
    isTTY: false,
    color: false,
    columns: 80,
    env: {},
    cwd: process.cwd(),
    signal,
  };
}

async function minimize(args: string[], signal?: AbortSignal): Promise<string> {
  const out: string[] = [];
  const cmd = minimizeCommand(fakeContext(out, signal));
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await cmd.parseAsync(args, { from: 'user' });
  return out.join('');
}

function argsOf(c: MinimizeCase): string[] {
  const args = [c.source, '--dtype', c.dtype, '--lr', String(c.lr), '--steps', String(c.steps)];
  for (const [name, value] of Object.entries(c.at)) args.push('--at', `${name}=${JSON.stringify(value)}`);
  if (c.momentum !== undefined) args.push('--momentum', String(c.momentum));
  return args;
}

// Seed 000, second cell: PyTorch's own printout of `w**2 + 20` from w = 10, lr 0.01 (the seed's output ends mid-line 14).
const SEED_LINES = `第1次，权重初始值:9.800000190734863, 梯度：20.0, loss 120.0
第2次，权重初始值:9.604000091552734, 梯度：19.600000381469727, loss 116.04000091552734
第3次，权重初始值:9.411920547485352, 梯度：19.20800018310547, loss 112.23681640625
第4次，权重初始值:9.223682403564453, 梯度：18.823841094970703, loss 108.5842514038086
第5次，权重初始值:9.03920841217041, 梯度：18.447364807128906, loss 105.0763168334961
第6次，权重初始值:8.858424186706543, 梯度：18.07841682434082, loss 101.70729064941406
第7次，权重初始值:8.681255340576172, 梯度：17.716848373413086, loss 98.4716796875
第8次，权重初始值:8.507630348205566, 梯度：17.362510681152344, loss 95.36419677734375
第9次，权重初始值:8.337477684020996, 梯度：17.015260696411133, loss 92.37977600097656
第10次，权重初始值:8.170727729797363, 梯度：16.674955368041992, loss 89.51353454589844
第11次，权重初始值:8.007312774658203, 梯度：16.341455459594727, loss 86.76078796386719
第12次，权重初始值:7.847166538238525, 梯度：16.014625549316406, loss 84.11705780029297
第13次，权重初始值:7.690223217010498, 梯度：15.69433307647705, loss 81.57801818847656
第14次，权重初始值:7.536418914794922, 梯度：15.380446434020996, lo`.split('\n');

/** The seed's Chinese line in the command's English words, numbers untouched. */
function english(seedLine: string): string {
  const m = /^第(\d+)次，权重初始值:([^,]+), 梯度：([^,]+), lo(?:ss (.*))?$/.exec(seedLine);
  assert.ok(m !== null, seedLine);
  return `step ${m[1]}: w=${m[2]} grad=${m[3]}${m[4] === undefined ? '' : ` loss=${m[4]}`}`;
}

test('w**2 + 20 from w = 10 prints the seed’s 14 visible lines, number for number', async () => {
  const out = await minimize(['w**2 + 20', '--at', 'w=10', '--lr', '0.01', '--steps', '100', '--no-chart']);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 100);
  for (let i = 0; i < 13; i++) assert.equal(lines[i], english(SEED_LINES[i]));
  assert.ok(lines[13].startsWith(english(SEED_LINES[13])), 'the seed cuts line 14 after "lo"');
});

test('every fixture trajectory (plain, float64, several variables, vectors, momentum) equals PyTorch’s', async () => {
  for (const c of fixture.minimize) {
    const out = await minimize([...argsOf(c), '--no-chart']);
    assert.deepEqual(out.trimEnd().split('\n'), c.lines, c.source);
    const json = JSON.parse(await minimize([...argsOf(c), '--json']));
    assert.deepEqual(json.losses, c.losses, c.source);
    assert.deepEqual(json.steps[json.steps.length - 1].values, c.final, c.source);
  }
});

test('2*w**2: gradient 40 and the update to 9.6 (float32), as the seed’s first cell', async () => {
  const json = JSON.parse(await minimize(['2*w**2', '--at', 'w=10', '--steps', '1', '--json']));
  assert.deepEqual(json.steps, [{ step: 1, values: { w: Math.fround(9.6) }, grads: { w: 40 }, loss: 200 }]);
  assert.equal(json.lr, 0.01);
  assert.equal(json.momentum, 0);
});

test('--every k prints the first, every k-th and the last step; the chart follows', async () => {
  const out = await minimize(['w**2 + 20', '--at', 'w=10', '--steps', '25', '--every', '10']);
  const steps = out.split('\n').filter((l) => l.startsWith('step ')).map((l) => Number(/^step (\d+):/.exec(l)?.[1]));
  assert.deepEqual(steps, [1, 10, 20, 25]);
  const chart = out.slice(out.indexOf('\n\n') + 2);
  assert.ok(chart.split('\n').length >= 5, 'a multi-line chart after the steps');
  assert.match(chart, /120/, 'the axis shows the first loss');
  const json = JSON.parse(await minimize(['w**2 + 20', '--at', 'w=10', '--steps', '25', '--every', '10', '--json']));
  assert.deepEqual(json.steps.map((s: { step: number }) => s.step), [1, 10, 20, 25]);
  assert.equal(json.losses.length, 25);
});

async function rejects(args: string[], check: (err: unknown) => void, signal?: AbortSignal): Promise<void> {
  await assert.rejects(minimize(args, signal), (err) => {
    check(err);
    return true;
  });
}

test('a loss that becomes inf or nan stops with the step named (exit 1)', async () => {
  await rejects(['w**2', '--at', 'w=10', '--lr', '10', '--steps', '1000', '--no-chart'], (err) => {
    assert.ok(err instanceof TrainingDivergedError);
    assert.match(err.message, /^loss is inf at step \d+; try a smaller --lr$/);
    assert.ok(err.step > 10 && err.step < 1000);
  });
  await rejects(['log(w)', '--at', 'w=-1'], (err) => {
    assert.ok(err instanceof TrainingDivergedError);
    assert.equal(err.message, 'loss is nan at step 1; the expression is not finite at the starting values');
  });
});

test('a non-scalar loss, a constant loss and bad options are refused', async () => {
  await rejects(['w**2', '--at', 'w=[1, 2]'], (err) => {
    assert.ok(err instanceof UsageError);
    assert.match(err.message, /^grad can be implicitly created only for scalar outputs \(the loss has shape \[2\]/);
  });
  await rejects(['20', '--at', 'w=1'], (err) => assert.ok(err instanceof UsageError));
  for (const bad of [['--steps', '0'], ['--steps', '1.5'], ['--lr', '-1'], ['--every', 'x'], ['--momentum', '-0.5']]) {
    await rejects(['w**2', '--at', 'w=1', ...bad], (err) => {
      assert.ok(err instanceof CommanderError, bad.join(' '));
      assert.equal(err.code, 'commander.invalidArgument');
    });
  }
});

test('--lr 0 is allowed, as in PyTorch: every step leaves the variables where they started', async () => {
  const out = JSON.parse(await minimize(['w**2 + 20', '--at', 'w=10', '--lr', '0', '--steps', '3', '--json'])) as {
    steps: Array<{ values: { w: number }; loss: number }>;
  };
  assert.equal(out.steps.length, 3);
  for (const step of out.steps) {
    assert.equal(step.values.w, 10);
    assert.equal(step.loss, 120);
  }
});

test('an aborted signal (Ctrl-C) stops the loop', async () => {
  const controller = new AbortController();
  controller.abort();
  await rejects(['w**2', '--at', 'w=1'], (err) => assert.ok(err instanceof InterruptedError), controller.signal);
});
