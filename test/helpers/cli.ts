// A fake CliContext capturing output, and a helper that runs the CLI in-process with a fresh program.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: Partial<CliContext> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    isTTY: false,
    color: false,
    columns: 80,
    env: {},
    cwd: process.cwd(),
    signal: new AbortController().signal,
    ...options,
  };
  const code = await main(args, ctx);
  return { code, stdout, stderr };
}

export interface BinRun extends CliRun {
  /** The exit code, or null when the process ended by a signal (the timeout's SIGKILL included). */
  code: number;
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** bin/autograd.cjs from the built tests (dist/test/helpers/ → the repository's bin/). */
export function binPath(): string {
  return fileURLToPath(new URL('../../../bin/autograd.cjs', import.meta.url));
}

export interface BinOptions {
  cwd?: string;
  /** Killed (SIGKILL) after this many milliseconds, so that a hang fails the test instead of stalling the suite. */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Called with the child once it runs (to send it a signal, or to close its stdout). */
  onSpawn?: (child: ChildProcess) => void;
  /** Let the child's stdout go to this file descriptor / stream instead of capturing it. */
  stdout?: 'pipe' | 'ignore' | number;
}

/** Run the real CLI as a process, always with a timeout; `code` is -1 when it ended by a signal. */
export function runBin(args: string[], options: BinOptions = {}): Promise<BinRun> {
  const child = spawn(process.execPath, [binPath(), ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => void (stderr += d.toString()));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 20_000);
  options.onSpawn?.(child);
  return new Promise((resolve) => {
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ code: status ?? -1, status, signal, timedOut, stdout, stderr });
    });
  });
}
