// `autograd completion bash|zsh|fish` (issue 19, item 8): each script names every command and every flag
// that `--help` lists (lazily loaded commands included), and completes in the real shell: commands,
// flags, a flag's choices, file names after a file flag, a subcommand, an argument's choices. bash always
// runs; zsh (through zpty) and fish (`complete -C`) run when installed, as .ci/run installs them (in CI,
// a missing shell fails instead of skipping).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-completion-'));
writeFileSync(path.join(dir, 'alpha.csv'), 'x,y\n1,2\n');
writeFileSync(path.join(dir, 'alpha.csv.gz'), '');
writeFileSync(path.join(dir, 'beta.json'), '{}');

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  assert.equal(r.code, 0, r.stderr);
  const file = path.join(dir, `autograd.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

/** The flags a command's --help lists (`autograd <words> --help`). */
async function helpFlags(words: string[]): Promise<string[]> {
  const r = await runCli([...words, '--help']);
  assert.equal(r.code, 0, r.stderr);
  const options = r.stdout.split(/\nOptions:\n/)[1]?.split(/\n\n/)[0] ?? '';
  return [...options.matchAll(/(?:^|[\s,])(--?[a-zA-Z][\w-]*)/gm)].map((m) => m[1]);
}

/** The commands --help lists under "Commands:". */
async function helpCommands(words: string[]): Promise<string[]> {
  const r = await runCli([...words, '--help']);
  const commands = r.stdout.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? '';
  return [...commands.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]);
}

/** What each shell offers for a command line (the cursor at its end): the cases every shell must pass. */
const CASES: Array<[string, string[]]> = [
  ['autograd tr', ['train']],
  ['autograd gen', ['gen-data']],
  ['autograd train --opt', ['--optimizer']],
  ['autograd train --optimizer ada', ['adagrad', 'adam', 'adamw']],
  ['autograd train --loss sm', ['smooth-l1']],
  ['autograd train --missing d', ['drop']],
  ['autograd gen-data --rng n', ['numpy']],
  ['autograd grad --gr', ['--grad-output', '--graph']], // grad is loaded lazily: its real options
  ['autograd minimize --st', ['--steps']],
  ['autograd cache cl', ['clear']],
  ['autograd cache clear --cache', ['--cache-dir']],
  ['autograd completion ', ['bash', 'fish', 'zsh']],
  ['autograd help gr', ['grad']],
  [`autograd train --data ${dir}/al`, [`${dir}/alpha.csv`, `${dir}/alpha.csv.gz`]],
  [`autograd predict --model ${dir}/b`, [`${dir}/beta.json`]],
];

const sorted = (list: string[]): string[] => [...new Set(list.filter((x) => x !== ''))].sort();

describe('autograd completion', () => {
  test('every script names every command and every flag --help lists', async () => {
    const scripts = await Promise.all(['bash', 'zsh', 'fish'].map(async (s) => (await runCli(['completion', s])).stdout));
    const commands = await helpCommands([]);
    assert.ok(commands.includes('train') && commands.includes('grad') && commands.includes('completion'), commands.join(' '));
    const places: string[][] = [[], ...commands.filter((c) => c !== 'help').map((c) => [c]), ['cache', 'clear']];
    for (const words of places) {
      const flags = await helpFlags(words);
      assert.ok(flags.length > 0, `no flags read from ${words.join(' ')} --help`);
      for (const s of scripts) {
        for (const c of await helpCommands(words)) assert.ok(s.includes(c), `command ${c} missing`);
        // fish names a flag without its dashes (-l data, -s h)
        for (const f of flags) assert.ok(s.includes(f) || s.includes(f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`), `${[...words, f].join(' ')} missing from a script`);
      }
    }
  });

  test('an unknown shell is a usage error (2) on one line', async () => {
    const r = await runCli(['completion', 'tcsh']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "autograd completion: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish. (see 'autograd completion --help')\n");
  });

  test('bash completes commands, flags, choices and file names', async () => {
    const file = await script('bash');
    for (const [line, want] of CASES) {
      const words = line.split(' ');
      const program = `source ${JSON.stringify(file)}
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}
_autograd; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(sorted(r.stdout.split('\n')), sorted(want), line);
    }
  });

  const have = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0']).status === 0;
  const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  const shellTest = (shell: string, body: () => Promise<void>): void => {
    const missing = !have(shell);
    if (missing && inCi) test(`${shell} completes the same (${shell} must be installed in CI: .ci/run)`, () => assert.fail(`${shell} is not installed`));
    else test(`${shell} completes the same`, { skip: missing ? `${shell} is not installed (apt-get install ${shell})` : false }, body);
  };

  shellTest('zsh', async () => {
    const file = await script('zsh');
    assert.equal(spawnSync('zsh', ['-n', file]).status, 0, 'zsh -n');
    const capture = path.join(dir, 'capture.zsh');
    writeFileSync(capture, CAPTURE_ZSH);
    for (const [line, want] of CASES) {
      const r = spawnSync('zsh', ['-f', capture, file, line], { encoding: 'utf8', timeout: 30_000, cwd: dir });
      assert.equal(r.status, 0, r.stderr);
      // zsh adds a file's name without its folder (the folder is the match's prefix)
      const names = want.map((w) => (w.startsWith(dir) ? path.basename(w) : w));
      assert.deepEqual(sorted(r.stdout.split('\n')).filter((m) => !/^\s*$/.test(m)), sorted(names), line);
    }
  });

  shellTest('fish', async () => {
    const file = await script('fish');
    assert.equal(spawnSync('fish', ['-n', file]).status, 0, 'fish -n');
    for (const [line, want] of CASES) {
      const r = spawnSync('fish', ['--no-config', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', cwd: dir });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(sorted(r.stdout.split('\n').map((l) => l.split('\t')[0])), sorted(want), line);
    }
  });
});

/**
 * `zsh -f capture.zsh SCRIPT LINE` prints the matches zsh's completion system offers for LINE<Tab>: an
 * interactive zsh in a pseudo-terminal (zpty) with compinit and the script, compadd wrapped to print what
 * it adds. The markers are written split ("<ma""tch>") so that the terminal's echo never matches them.
 */
const CAPTURE_ZSH = String.raw`zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='>'"
zpty -w z "autoload -U compinit; compinit -u -d ${'$'}{TMPDIR:-/tmp}/zcompdump-capture-$$"
zpty -w z "source ${'$'}{(q)1}"
zpty -w z 'compadd () {
  if [[ " $* " == *" -O "* || " $* " == *" -A "* || " $* " == *" -D "* ]]; then builtin compadd "$@"; return; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  local h; for h in $__hits; do print -r -- "<ma""tch>$h"; done
  builtin compadd "$@"
}'
zpty -w z 'comppostfuncs=(_capture_done); _capture_done () { print -r -- "<do""ne>" }'
zpty -w z 'zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" select-prompt ""; zstyle ":completion:*" menu no'
zpty -n -w z "$2"$'\t'
integer tries=0
local line
while (( tries++ < 20000 )); do
  zpty -r -t z line || { sleep 0.005; continue }
  line=${'$'}{line//$'\r'/}
  [[ $line == *'<done>'* ]] && break
  [[ $line == *'<match>'* ]] && print -r -- ${'$'}{line#*<match>}
done
zpty -d z
`;
