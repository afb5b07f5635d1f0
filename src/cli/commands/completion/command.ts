// `autograd completion bash|zsh|fish`: a shell completion script, generated from the program's own
// commands and options (script.ts), so it lists every flag --help does and never drifts from them.

import { Argument, Command } from 'commander';
import type { CliContext } from '../../context.js';
import { SHELLS, type Shell } from './script.js';

const EXAMPLES = `
Examples:
  source <(autograd completion bash)                                  # bash, this shell
  autograd completion bash > ~/.local/share/bash-completion/completions/autograd
  autograd completion zsh > "\${fpath[1]}/_autograd"                  # zsh (or: source <(autograd completion zsh))
  autograd completion fish > ~/.config/fish/completions/autograd.fish

Commands, flags, their choices (--optimizer adam, --loss huber, ...) and file names for file flags complete.`;

export function completionCommand(ctx: CliContext): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', `the shell: ${SHELLS.join(', ')}`).choices(SHELLS))
    .addHelpText('after', EXAMPLES)
    .action(async (name: Shell, _o: unknown, cmd: Command) => {
      const { completionScript, describeProgram } = await import('./script.js');
      ctx.stdout(completionScript(name, await describeProgram(cmd.parent as Command)));
    });
}
