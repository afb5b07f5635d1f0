// The command line: builds the program and is the one place where errors become exit codes.

import { Command, CommanderError } from 'commander';
import { AutogradError, type ErrorKind } from '../errors.js';
import { setWarningHandler } from '../warnings.js';
import type { CliContext } from './context.js';
import { processContext } from './io.js';

export const VERSION = '0.1.0';

/** Exit codes (README "Exit codes"): sysexits-style for data and file problems. */
export const EXIT_CODES: Record<ErrorKind | 'internal', number> = {
  diverged: 1,
  usage: 2,
  data: 65,
  input: 66,
  output: 73,
  io: 74,
  interrupted: 130,
  runtime: 70,
  internal: 70,
};

const EXIT_HELP = `
Exit codes:
  0    success
  1    training diverged (non-finite loss)
  2    bad usage: unknown flag, bad flag value, refused request
  65   bad data (malformed CSV, model file or values)
  66   input missing or unreadable
  70   internal error
  73   output cannot be created
  74   I/O error mid-way
  130  interrupted (Ctrl-C)`;

type CommandFactory = (ctx: CliContext) => Command;

/** Each subcommand's module, loaded only when needed: start-up time is most of a small training run. */
const COMMANDS: Record<string, () => Promise<CommandFactory>> = {
  'gen-data': async () => (await import('./commands/gen-data.js')).genDataCommand,
  train: async () => (await import('./commands/train.js')).trainCommand,
  predict: async () => (await import('./commands/predict.js')).predictCommand,
  eval: async () => (await import('./commands/eval.js')).evalCommand,
  grad: async () => (await import('./commands/grad.js')).gradCommand,
  minimize: async () => (await import('./commands/minimize.js')).minimizeCommand,
};

/**
 * A fresh program (tests build one per case); errors surface as exceptions, never process.exit.
 * With `only`, just that subcommand is loaded (the others are not needed to run it).
 */
export async function createProgram(ctx: CliContext, only?: string): Promise<Command> {
  const program = new Command('autograd')
    .description('Reverse-mode autodiff and linear-regression training with PyTorch semantics')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout(s), writeErr: (s) => ctx.stderr(s) })
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(run with --help for usage)');
  const names = only !== undefined && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  for (const name of names) {
    const cmd = (await COMMANDS[name]())(ctx);
    cmd.copyInheritedSettings(program);
    program.addCommand(cmd);
  }
  return program;
}

function exitCodeFor(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // commander has already printed its one-line message; help and version are successes
    return err.exitCode === 0 ? 0 : EXIT_CODES.usage;
  }
  if (err instanceof AutogradError) {
    ctx.stderr(`autograd: ${err.message.split('\n').join('\n  ')}\n`);
    return EXIT_CODES[err.kind];
  }
  ctx.stderr(`autograd: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT_CODES.internal;
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const previous = setWarningHandler((message) => ctx.stderr(`warning: ${message}\n`));
  try {
    await (await createProgram(ctx, argv[0])).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return exitCodeFor(err, ctx);
  } finally {
    setWarningHandler(previous);
  }
}
