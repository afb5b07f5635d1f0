// The command line: builds the program and is the one place where errors become exit codes.

import { Command, CommanderError } from 'commander';
import { AutogradError, type ErrorKind } from '../errors.js';
import { setWarningHandler } from '../warnings.js';
import { cacheCommand } from './commands/cache/command.js';
import { completionCommand } from './commands/completion/command.js';
import { markLazy } from './lazy.js';
import { evalCommand } from './commands/eval/command.js';
import { genDataCommand } from './commands/gen-data/command.js';
import { predictCommand } from './commands/predict/command.js';
import { trainCommand } from './commands/train/command.js';
import type { CliContext } from './context.js';
import { errnoCode, errnoReason } from './io.js';
import { ExpressionError } from '../expr/errors.js';
import { VERSION } from './version.js';
import { escapeControls, quote } from '../quote.js';

export { VERSION };
// the CSV parse workers load this bundle and call it (data/csv_parallel.ts)
export { runCsvWorker } from '../data/csv_parallel.js';
/** gen-data's generation worker loads this bundle and calls it (commands/gen-data/worker.ts); loaded only there. */
export async function runGenDataWorker(...args: Parameters<typeof import('./commands/gen-data/worker.js').runGenDataWorker>): Promise<void> {
  await (await import('./commands/gen-data/worker.js')).runGenDataWorker(...args);
}

/** Exit codes (README "Exit codes"): sysexits-style for data and file problems. */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  diverged: 1,
  usage: 2,
  data: 65,
  input: 66,
  runtime: 70, // a library error reaching the CLI is a bug in the CLI (EX_SOFTWARE)
  output: 73,
  io: 74,
  interrupted: 130,
};

/** The abort reason when writing stdout failed (`| head` closed it): not an interruption the user asked for. */
class StdoutFailed {
  constructor(readonly error: Error) {}
}

/** An interruption by SIGTERM (`kill`, a service manager) exits 128 + 15, as a shell reports it. */
export const EXIT_TERMINATED = 143;

export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    training diverged (non-finite loss), or grad's value or gradient is not finite
  2    bad usage: unknown flag, bad flag value, invalid combination, refused request
  65   bad data (malformed CSV, invalid model file)
  66   input missing or unreadable
  70   internal error (a bug: please report it)
  73   output cannot be created
  74   I/O error mid-way
  130  interrupted (Ctrl-C, SIGINT)
  143  terminated (SIGTERM)`;

type CommandFactory = (ctx: CliContext) => Command;

/**
 * Commands whose modules load the whole engine at import time: registered as stubs (name and description
 * only) and loaded when invoked, so that `train`, `predict` and the others do not pay for them at start-up.
 */
const LAZY_COMMANDS: ReadonlyArray<{ name: string; description: string; load: () => Promise<CommandFactory> }> = [
  {
    name: 'grad',
    description: "evaluate an expression with autograd; print its value and each variable's gradient as PyTorch does",
    load: async () => (await import('./commands/grad/command.js')).gradCommand,
  },
  {
    name: 'minimize',
    description: "gradient descent on an expression with autograd, printing each step as the tutorials' loops do",
    load: async () => (await import('./commands/minimize/command.js')).minimizeCommand,
  },
];

/** A stub that takes every argument as it is and hands it to the real command once that is loaded. */
function lazyCommand(program: Command, ctx: CliContext, spec: (typeof LAZY_COMMANDS)[number]): Command {
  const command = new Command(spec.name);
  markLazy(command, async () => (await spec.load())(ctx)); // `autograd completion` reads the real command's options
  return command
    .description(spec.description)
    .copyInheritedSettings(program) // first: it would reset the three settings below
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_options: unknown, stub: Command) => {
      const real = (await spec.load())(ctx);
      real.copyInheritedSettings(program);
      real.parent = program; // so its usage line reads `autograd grad ...`
      await real.parseAsync(stub.args, { from: 'user' });
    });
}

/** A fresh program: errors surface as exceptions (never process.exit) and all output goes through ctx. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('autograd')
    .description("Reverse-mode autodiff and linear-regression training with PyTorch's semantics")
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    // commander's own error text is replaced by main's one line (see exitCodeFor)
    .configureOutput({ writeOut: (s) => ctx.stdout(s), writeErr: (s) => ctx.stderr(s), outputError: () => undefined })
    .addHelpText('after', `${EXIT_CODES_HELP}\n\nRun 'autograd <command> --help' for a command's flags and examples.`);
  for (const factory of [trainCommand, genDataCommand, predictCommand, evalCommand, cacheCommand, completionCommand]) {
    const cmd = factory(ctx);
    cmd.copyInheritedSettings(program);
    for (const sub of cmd.commands) sub.copyInheritedSettings(cmd); // `cache clear`
    program.addCommand(cmd);
  }
  for (const spec of LAZY_COMMANDS) program.addCommand(lazyCommand(program, ctx, spec));
  return program;
}

/** The subcommand argv names, for messages ("autograd train: ..."). */
function commandName(program: Command, argv: readonly string[]): string {
  const sub = program.commands.find((c) => c.name() === argv[0]);
  return sub === undefined ? 'autograd' : `autograd ${sub.name()}`;
}

/** One line on stderr, and the exit code for `err`. */
export function exitCodeFor(err: unknown, ctx: CliContext, name = 'autograd'): number {
  if (err instanceof CommanderError) {
    // help and version are successes; 'commander.help' (help shown because no command was given) is usage
    if (err.exitCode === 0 && err.code !== 'commander.help') return 0;
    if (err.code !== 'commander.help') ctx.stderr(`${name}: ${commanderLine(err.message)} (see '${name} --help')\n`);
    return EXIT_CODES.usage;
  }
  if (err instanceof ExpressionError) {
    ctx.stderr(expressionLines(name, err));
    return EXIT_CODES[err.kind];
  }
  // stopped because stdout failed (`| head` closed it): main reports that instead (EPIPE: nothing, exit 0)
  if (err instanceof AutogradError && err.kind === 'interrupted' && ctx.signal.reason instanceof StdoutFailed) return EXIT_CODES.interrupted;
  if (err instanceof AutogradError && err.kind === 'interrupted' && ctx.signal.reason === 'SIGTERM') {
    ctx.stderr(`${name}: ${oneLine(err.message.replace(/^interrupted/, 'terminated (SIGTERM)'))}\n`);
    return EXIT_TERMINATED;
  }
  if (err instanceof AutogradError) {
    ctx.stderr(`${name}: ${oneLine(err.message)}\n`);
    return EXIT_CODES[err.kind];
  }
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (process.env.AUTOGRAD_TRACE) ctx.stderr(String((err as Error)?.stack) + "\n");
  ctx.stderr(`${name}: internal error (please report it): ${oneLine(what)}\n`);
  return EXIT_CODES.runtime;
}

/** Commander quotes the flag's text whole ('--lr' argument '...' is invalid): cut what is long. */
function cutQuotes(text: string): string {
  return text.replace(/'([^']{81,})'/g, (_m, inner: string) => quote(inner));
}

/** Commander's text on one line: its `\n(Did you mean train?)` becomes ` (did you mean train?)`. */
function commanderLine(message: string): string {
  return oneLine(cutQuotes(message.replace(/^error: /, '').replace(/\s*\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')));
}

/**
 * A malformed expression: the one-line error, the expression early in it (so that a long message cannot
 * push it off the screen), then a second line with a caret under the offending character of that same
 * expression (README "Exit codes" says so): `autograd grad: in '2 * x ^ 2': unexpected character ...`.
 */
function expressionLines(name: string, err: ExpressionError): string {
  const shown = err.source.replace(/[\t\n\r]/g, ' '); // one character each: the caret's column stays right
  const before = `${name}: in '`;
  const column = escapeControls(shown.slice(0, Math.max(0, Math.min(err.position, shown.length)))).length;
  return `${before}${escapeControls(shown)}': ${oneLine(err.detail)}\n${' '.repeat(before.length + column)}^\n`;
}

/** One line, with any control character left in it escaped (messages quote file names and input). */
export function oneLine(text: string): string {
  return escapeControls(text.replace(/\s*\n\s*/g, '; '));
}

/** Colour only on a terminal, never with NO_COLOR or TERM=dumb; FORCE_COLOR (not 0/false) forces it. */
export function colorAllowed(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

interface ProcessContext {
  ctx: CliContext;
  /** Wait until stdout has taken everything; an error writing it (other than a closed pipe) is returned. */
  drain(): Promise<Error | null>;
  dispose(): void;
}

/** The real context: process streams, environment, terminal width, SIGINT and SIGTERM as an abort signal. */
export function processContext(): ProcessContext {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort('SIGINT');
  const onSigterm = (): void => controller.abort('SIGTERM');
  // once: a second Ctrl-C (or SIGTERM) gets Node's default and ends the process at once
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  let outError: Error | null = null;
  const onOutError = (err: Error): void => {
    outError ??= err;
    controller.abort(new StdoutFailed(err)); // nobody reads the output any more: stop working
  };
  process.stdout.on('error', onOutError);
  const isTTY = process.stdout.isTTY === true;
  const ctx: CliContext = {
    stdout: (text) => {
      if (outError === null) process.stdout.write(text);
    },
    stderr: (text) => void process.stderr.write(text),
    isTTY,
    progressTTY: process.stderr.isTTY === true,
    color: colorAllowed(process.env, isTTY),
    columns: process.stdout.columns ?? process.stderr.columns ?? 80,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  const drain = (): Promise<Error | null> =>
    new Promise((resolve) => {
      if (outError !== null) return resolve(outError);
      process.stdout.write('', () => resolve(outError));
    });
  const dispose = (): void => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };
  return { ctx, drain, dispose };
}

/** A failed stdout: a closed pipe (`| head`) ends quietly with 0, anything else is an I/O error (74). */
function stdoutFailure(err: Error, ctx: CliContext): number {
  if (errnoCode(err) === 'EPIPE') return 0;
  ctx.stderr(`autograd: error writing to standard output: ${errnoReason(err)}\n`);
  return EXIT_CODES.io;
}

/** `autograd help [command]` is `autograd [command] --help` (so that lazily loaded commands show their full help). */
function helpAsFlag(argv: string[]): string[] {
  return argv[0] === 'help' && argv.length <= 2 ? [...argv.slice(1), '--help'] : argv;
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const argv = helpAsFlag(args);
  const program = createProgram(ctx);
  const previous = setWarningHandler((message) => ctx.stderr(`warning: ${oneLine(message)}\n`));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return exitCodeFor(err, ctx, commandName(program, argv));
  } finally {
    setWarningHandler(previous);
  }
}

/** Run the CLI with `argv` (without node and the script) and return the exit code; nothing calls process.exit. */
export async function main(argv: string[], ctx?: CliContext): Promise<number> {
  if (ctx !== undefined) return run(argv, ctx);
  const real = processContext();
  try {
    const code = await run(argv, real.ctx);
    const outError = await real.drain();
    return outError === null ? code : stdoutFailure(outError, real.ctx);
  } finally {
    real.dispose();
  }
}
