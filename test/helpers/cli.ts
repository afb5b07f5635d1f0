// A fake CliContext capturing output, and a helper that runs the CLI in-process with a fresh program.

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
