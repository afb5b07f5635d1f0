// Files for the CLI: the shared file helpers (src/io/files.ts: inputs read with the right error kind,
// outputs written atomically), and paths resolved against the command's working directory.

import path from 'node:path';

export * from '../io/files.js';

/** `file` as given when the context's directory is the process's own (messages then show it as typed), else resolved against it. */
export function resolvePath(cwd: string, file: string): string {
  return path.isAbsolute(file) || path.resolve(cwd) === process.cwd() ? file : path.resolve(cwd, file);
}

/** A data file name: '-' (standard input) stays '-'; any other is resolved as resolvePath does. */
export function dataPath(cwd: string, file: string): string {
  return file === '-' ? file : resolvePath(cwd, file);
}
