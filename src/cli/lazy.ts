// Commands registered as stubs and loaded when invoked (main.ts's LAZY_COMMANDS): what a stub stands for,
// for those that need the real command without running it (`autograd completion` lists its options).

import type { Command } from 'commander';

const loaders = new WeakMap<Command, () => Promise<Command>>();

/** Record that `stub` stands for the command `load` makes. */
export function markLazy(stub: Command, load: () => Promise<Command>): void {
  loaders.set(stub, load);
}

/** The command itself: `cmd`, or the real command a lazy stub stands for. */
export async function realCommand(cmd: Command): Promise<Command> {
  const load = loaders.get(cmd);
  return load === undefined ? cmd : load();
}
