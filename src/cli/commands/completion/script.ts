// The completion scripts of `autograd completion`: the program's commands and options, read from the
// commander program itself (lazily loaded commands included), written as a bash, zsh or fish script.
// A flag's value completes by what commander knows of it: its choices (--optimizer), a file name when its
// placeholder names a file (<file>, <model.json>, <file.html>), a folder for <dir>, nothing otherwise.

import type { Argument, Command, Option } from 'commander';
import { realCommand } from '../../lazy.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What completes after a flag or as an argument. */
export type ValueKind = { kind: 'none' } | { kind: 'value' } | { kind: 'file' } | { kind: 'dir' } | { kind: 'choices'; choices: string[] };

export interface OptionSpec {
  long: string | null;
  short: string | null;
  description: string;
  value: ValueKind;
}

export interface CommandSpec {
  /** The words that lead to it: [] for the program, ['cache', 'clear'] for `autograd cache clear`. */
  path: string[];
  name: string;
  description: string;
  options: OptionSpec[];
  commands: CommandSpec[];
  /** What its first argument completes to (a shell, a command name), or null when it takes none. */
  argument: ValueKind | null;
}

/** A flag's or an argument's value, from its choices or its placeholder (`<file>`, `<dir>`, `<model.json>`). */
function valueKind(placeholder: string | null, choices: readonly string[] | undefined): ValueKind {
  if (choices !== undefined && choices.length > 0) return { kind: 'choices', choices: [...choices] };
  if (placeholder === null) return { kind: 'none' };
  if (/dir/i.test(placeholder)) return { kind: 'dir' };
  if (/file|\.\w+$/i.test(placeholder)) return { kind: 'file' };
  return { kind: 'value' };
}

function optionSpec(o: Option): OptionSpec {
  const placeholder = /[<[]([^>\]]*)[>\]]/.exec(o.flags)?.[1] ?? null;
  return { long: o.long ?? null, short: o.short ?? null, description: o.description, value: valueKind(placeholder, o.argChoices) };
}

function argumentKind(args: readonly Argument[]): ValueKind | null {
  const first = args[0];
  return first === undefined ? null : valueKind(first.name(), first.argChoices);
}

async function describe(cmd: Command, path: string[]): Promise<CommandSpec> {
  const real = await realCommand(cmd);
  const help = real.createHelp();
  const subs = help.visibleCommands(real);
  const described = await Promise.all(subs.map((c) => describe(c, [...path, c.name()])));
  // a `help` command (commander's) takes the name of one of the other commands
  const others = described.map((c) => c.name).filter((n) => n !== 'help');
  const commands = described.map((c): CommandSpec => (c.name === 'help' && c.commands.length === 0 ? { ...c, argument: { kind: 'choices', choices: others } } : c));
  return {
    path,
    name: real.name(),
    description: cmd.description() || real.description(),
    options: help.visibleOptions(real).map(optionSpec),
    commands,
    argument: path.length === 0 ? null : argumentKind(help.visibleArguments(real)),
  };
}

/** The program's commands and options, every lazily loaded command loaded to read its own. */
export function describeProgram(program: Command): Promise<CommandSpec> {
  return describe(program, []);
}

/** Every command below `spec` (itself first), depth first. */
function walk(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap(walk)];
}

/** A description on one short line: without its parenthesized remarks, up to a semicolon, cut at about 70 characters. */
function short(text: string): string {
  const plain = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s*\([^()]*\)/g, '').replace(/\s+/g, ' ').trim();
  const head = plain.split('; ')[0];
  return head.length <= 70 ? head : `${head.slice(0, 67).replace(/\s+\S*$/, '')}...`;
}

/** Words a shell script may hold unquoted (flag names, command names, choices). */
const SAFE = /^[\w.,:=+@%/-]+$/;
function words(list: readonly string[]): string {
  return list.filter((w) => SAFE.test(w)).join(' ');
}

const flagsOf = (o: OptionSpec): string[] => [o.long, o.short].filter((f): f is string => f !== null);

function bash(program: CommandSpec): string {
  const all = walk(program);
  const pathCases = all.filter((c) => c.path.length > 0).map((c) => `"${c.path.slice(0, -1).join(' ')} ${c.name}"`);
  const branches = all.map((c) => {
    const valueCases: string[] = [];
    const byKind = new Map<string, string[]>();
    for (const o of c.options) {
      const v = o.value;
      const key = v.kind === 'choices' ? `choices:${v.choices.join(' ')}` : v.kind;
      if (v.kind !== 'none') byKind.set(key, [...(byKind.get(key) ?? []), ...flagsOf(o)]);
    }
    for (const [key, flags] of byKind) {
      const action = key === 'file' ? 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))'
        : key === 'dir' ? 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur"))'
        : key === 'value' ? 'COMPREPLY=()'
        : `COMPREPLY=($(compgen -W "${words(key.slice('choices:'.length).split(' '))}" -- "$cur"))`;
      valueCases.push(`        ${flags.filter((f) => SAFE.test(f)).join('|')}) ${action}; return 0 ;;`);
    }
    const arg = c.argument;
    const argWords = arg?.kind === 'choices' ? arg.choices : [];
    const flags = words(c.options.flatMap(flagsOf));
    const others = words([...c.commands.map((s) => s.name), ...argWords]);
    const fileArg = arg?.kind === 'file' ? '\n      [[ "$cur" != -* ]] && { compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return 0; }' : '';
    // flags when the word starts with '-' (or nothing else fits), else the subcommands and the argument's choices
    const complete = others === '' ? `COMPREPLY=($(compgen -W "${flags}" -- "$cur"))`
      : `if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${flags}" -- "$cur")); else COMPREPLY=($(compgen -W "${others}" -- "$cur")); fi`;
    return `    "${c.path.join(' ')}")${valueCases.length > 0 ? `\n      case "$prev" in\n${valueCases.join('\n')}\n      esac` : ''}${fileArg}
      ${complete} ;;`;
  });
  return `# bash completion for autograd: source <(autograd completion bash)
# (generated by \`autograd completion bash\` from the program's commands and options)
_autograd() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" i
  # the command the words so far name: "", "train", "cache clear", ...
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "$path \${COMP_WORDS[i]}" in
      ${pathCases.join('|')}) path="\${path:+$path }\${COMP_WORDS[i]}" ;;
    esac
  done
  case "$path" in
${branches.join('\n')}
  esac
  return 0
}
complete -F _autograd autograd
`;
}

/** Text inside a zsh single-quoted _arguments spec's [description]. */
function zshDescription(text: string): string {
  return short(text).replace(/'/g, "'\\''").replace(/[[\]]/g, (c) => `\\${c}`).replace(/:/g, '\\:');
}

function zshAction(v: ValueKind): string {
  switch (v.kind) {
    case 'file':
      return ':file:_files';
    case 'dir':
      return ':folder:_files -/';
    case 'choices':
      return `:value:(${words(v.choices)})`;
    case 'value':
      return ':value: ';
    case 'none':
      return '';
  }
}

function zshFunctionName(c: CommandSpec): string {
  return ['_autograd', ...c.path].join('_').replace(/[^\w]/g, '_');
}

function zsh(program: CommandSpec): string {
  const functions = walk(program).map((c) => {
    const specs = c.options.flatMap((o) => flagsOf(o).filter((f) => SAFE.test(f)).map((f) => `'${f}[${zshDescription(o.description)}]${zshAction(o.value)}'`));
    if (c.commands.length === 0) {
      const arg = c.argument === null ? [] : [`'1${zshAction(c.argument.kind === 'none' ? { kind: 'value' } : c.argument)}'`];
      return `${zshFunctionName(c)}() {\n  _arguments -s \\\n    ${[...specs, ...arg].join(' \\\n    ')}\n}`;
    }
    const described = c.commands.map((s) => `'${s.name}:${zshDescription(s.description)}'`).join(' ');
    const dispatch = c.commands.map((s) => `      ${s.name}) ${zshFunctionName(s)} ;;`).join('\n');
    return `${zshFunctionName(c)}() {
  local curcontext="$curcontext" state line
  local -a commands
  commands=(${described})
  _arguments -C \\
    ${[...specs, "'1: :->command'", "'*:: :->argument'"].join(' \\\n    ')}
  case $state in
    command) _describe -t commands 'autograd${c.path.length > 0 ? ` ${c.path.join(' ')}` : ''} command' commands ;;
    argument)
      case $words[1] in
${dispatch}
      esac ;;
  esac
}`;
  });
  return `#compdef autograd
# zsh completion for autograd: autograd completion zsh > "\${fpath[1]}/_autograd", or source <(autograd completion zsh)
# (generated by \`autograd completion zsh\` from the program's commands and options)

${functions.join('\n\n')}

if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _autograd "$@"
else
  compdef _autograd autograd
fi
`;
}

/** A fish single-quoted string. */
function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fish(program: CommandSpec): string {
  const lines: string[] = [];
  for (const c of walk(program)) {
    const subs = c.commands.map((s) => s.name);
    // the command's own words are typed, and none of its subcommands yet
    const here = c.path.length === 0 ? '__fish_use_subcommand'
      : `__fish_seen_subcommand_from ${c.path[c.path.length - 1]}${subs.length > 0 ? `; and not __fish_seen_subcommand_from ${words(subs)}` : ''}`;
    const condition = fishQuote(here);
    for (const s of c.commands) lines.push(`complete -c autograd -n ${condition} -a ${s.name} -d ${fishQuote(short(s.description))}`);
    if (c.argument?.kind === 'choices') lines.push(`complete -c autograd -n ${condition} -a ${fishQuote(words(c.argument.choices))}`);
    if (c.argument?.kind === 'file') lines.push(`complete -c autograd -n ${condition} -F`);
    for (const o of c.options) {
      const names = [o.long !== null && SAFE.test(o.long) ? `-l ${o.long.slice(2)}` : '', o.short !== null && SAFE.test(o.short) ? `-s ${o.short.slice(1)}` : ''].filter((x) => x !== '');
      if (names.length === 0) continue;
      const v = o.value;
      const value = v.kind === 'file' ? ' -r -F' : v.kind === 'dir' ? ` -x -a '(__fish_complete_directories)'` : v.kind === 'choices' ? ` -x -a ${fishQuote(words(v.choices))}` : v.kind === 'value' ? ' -x' : '';
      lines.push(`complete -c autograd -n ${condition} ${names.join(' ')}${value} -d ${fishQuote(short(o.description))}`);
    }
  }
  return `# fish completion for autograd: autograd completion fish > ~/.config/fish/completions/autograd.fish
# (generated by \`autograd completion fish\` from the program's commands and options)
complete -c autograd -f
${lines.join('\n')}
`;
}

export function completionScript(shell: Shell, program: CommandSpec): string {
  return shell === 'bash' ? bash(program) : shell === 'zsh' ? zsh(program) : fish(program);
}
