// File output that never leaves a half-written file, and the real process-facing CliContext.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, OutputError } from '../errors.js';
import type { CliContext } from './context.js';

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOSPC') return 'no space left on device';
  if (code === 'EROFS') return 'read-only file system';
  return (err as Error).message;
}

/** Write `text` to `file` atomically: a temporary file in the same directory, then a rename. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new OutputError(`cannot write '${file}': ${reason(err)}`);
  }
}

export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${what} '${file}': ${code === 'ENOENT' ? 'no such file or directory' : reason(err)}`);
  }
}

export function fileExists(file: string): boolean {
  return existsSync(file);
}

/** Colour by NO_COLOR / FORCE_COLOR, else only on a terminal. */
export function colorAllowed(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

/** The context for a real run: process streams, environment, SIGINT as an abort signal. */
export function processContext(): CliContext {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const isTTY = process.stdout.isTTY === true;
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY,
    color: colorAllowed(process.env, isTTY),
    columns: process.stdout.columns ?? 80,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}
