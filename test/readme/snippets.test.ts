// The README is true (issue 19, item 8): its library snippets (every ```ts block of "## The library") are
// compiled with `tsc --strict` against the package as a user imports it ('autograd') and run; each
// `console.log(...)   // text` line must print exactly its comment's text (before an explaining " — "),
// in order, and those texts are PyTorch 1.13's own output (test/fixtures/torch/readme.json, made by
// test/fixtures/python/gen_readme.py). Also the README's claim about `npx autograd` in a clone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { VERSION } from '../../src/cli/version.js';
import { readFixture } from '../helpers/fixtures.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The ```ts blocks of one `## ` section. */
function snippets(section: string): string[] {
  const start = readme.indexOf(`\n## ${section}\n`);
  assert.ok(start >= 0, `no section '## ${section}' in the README`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** What a snippet says it prints: the comment of each console.log line, up to an explaining ' — '. */
function expectedOutput(code: string): string[] {
  const said = code.split('\n').map((l) => /^\s*console\.log\(.*\);\s+\/\/ (.*)$/.exec(l));
  return said.filter((m) => m !== null).map((m) => m[1].split(' — ')[0].trim());
}

interface ReadmeFixture {
  y: string;
  x_grad: string;
  t2: string;
  sgd_weight: string;
  sgd_bias: string;
  coef: string;
  gd_weight: string;
  gd_bias: string;
  gd_pred3: string[];
  net_params: string;
  net_state: string;
  net_repr: string[];
  net_out_shape: number[];
}

describe("the README's library snippets", () => {
  const blocks = snippets('The library');

  test('there are the four snippets this test knows, and their printed texts are PyTorch\'s', () => {
    assert.equal(blocks.length, 4);
    const f = readFixture<ReadmeFixture>('torch/readme.json');
    assert.deepEqual(expectedOutput(blocks[0]), [f.y, f.x_grad, f.t2]);
    assert.deepEqual(expectedOutput(blocks[1]), [`${f.sgd_weight} ${f.sgd_bias}`, f.coef]);
    assert.deepEqual(expectedOutput(blocks[2]), ["100 [ 'x0' ] [ 'y' ] ,", `${f.gd_weight} ${f.gd_bias}`, `torch.Size([100, 1]) [ ${f.gd_pred3.map((v) => `'${v}'`).join(', ')} ]`]);
    assert.deepEqual(expectedOutput(blocks[3]), [f.net_params, f.net_state, f.net_repr[1].trim(), `torch.Size([${f.net_out_shape.join(', ')}])`]);
  });

  test('each compiles with tsc --strict and prints what its comments say', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'autograd-readme-'));
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(root, path.join(dir, 'node_modules', 'autograd')); // the package as installed: its `exports`
    symlinkSync(path.join(root, 'data'), path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'readme-snippets', private: true, type: 'module' }));
    writeFileSync(path.join(dir, 'console.d.ts'), 'declare const console: { log(...values: unknown[]): void };\n');
    const files = blocks.map((code, i) => {
      writeFileSync(path.join(dir, `snippet${i}.ts`), code);
      return `snippet${i}.ts`;
    });
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: [], outDir: 'out' },
      files: [...files, 'console.d.ts'],
    }));
    const built = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    assert.equal(built.status, 0, `the README's snippets do not compile:\n${built.stdout}${built.stderr}`);
    blocks.forEach((code, i) => {
      const ran = spawnSync(process.execPath, [path.join(dir, 'out', `snippet${i}.js`)], { cwd: dir, encoding: 'utf8' });
      assert.equal(ran.status, 0, `snippet ${i + 1}: ${ran.stderr}`);
      assert.deepEqual(ran.stdout.split('\n').slice(0, -1), expectedOutput(code), `snippet ${i + 1} printed:\n${ran.stdout}`);
    });
  });
});

test('`npx autograd` runs the package\'s own command in a clone, as the README says', { timeout: 60_000 }, () => {
  assert.match(readme, /`npx autograd` runs it too/);
  const r = spawnSync('npx', ['--offline', '--no-install', 'autograd', '--version'], { cwd: root, encoding: 'utf8', timeout: 50_000 });
  if (r.error !== undefined) assert.fail(`npx could not be run: ${r.error.message}`);
  assert.equal(r.stdout.trim(), VERSION, r.stderr);
});

test("the README's output of `npm start` is what `autograd train` prints now (but the timing line)", () => {
  const start = readme.indexOf('Real output of `npm start');
  assert.ok(start >= 0, 'no "Real output of `npm start`" in the README');
  const open = readme.indexOf('```text\n', start) + '```text\n'.length;
  const block = readme.slice(open, readme.indexOf('```', open)).replace(/\n$/, '').split('\n');
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'autograd.cjs'), 'train'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');
  const isTiming = (l: string): boolean => l.startsWith('trained in ');
  // the epoch lines go to stderr, the rest to stdout: the README shows them together, in that order
  const epochs = lines(r.stderr);
  assert.deepEqual(block.filter((l) => epochs.includes(l)), epochs, 'the epoch lines (stderr)');
  assert.deepEqual(block.filter((l) => !epochs.includes(l) && !isTiming(l)), lines(r.stdout).filter((l) => !isTiming(l)), 'the report (stdout)');
});
