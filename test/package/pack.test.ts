// The package as a user installs it (issue 19, item 5): `npm pack`, then the tarball in a temporary ES
// module consumer and a CommonJS one, each compiled with `tsc --strict` (this repository's TypeScript,
// with no @types at all: the public .d.ts files must not need a devDependency such as @types/seedrandom
// or @types/node) and run: tensors and autograd, loadCsv, a trained nn.Linear saved with saveModel,
// loadModel and predict, the same numbers from `import` and from `require`.
//
// Offline: `npm install --offline <tgz>` needs every dependency in npm's cache, which a fresh machine
// does not have; so the tarball is unpacked into node_modules/autograd (what npm install does with it) and
// its dependencies are linked to this repository's node_modules (same versions, from package-lock.json).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** What both consumers run; `torch` is the package, imported or required. */
const BODY = `
const x = torch.tensor([1, 2, 3], { requires_grad: true });
x.pow(2).sum().backward();
console.log('grad', String(x.grad));
const state = new torch.AleaGenerator(7).get_state();
console.log('alea', typeof state.alea.s0);

async function main(): Promise<void> {
  const file = path.join(dir, 'data.csv');
  writeFileSync(file, 'a;b;colour;y\\n1;2;red;5\\n2;;blue;4\\n3;1;red;8\\n4;3;blue;7\\n');
  const table: torch.CsvTable = await torch.loadCsv(file, { categorical: ['colour'], missing: 'mean', dtype: 'float64' });
  console.log('csv', table.delimiter, table.featureNames.join(' '), table.fill?.join(' '));
  torch.manual_seed(0);
  const model = new torch.nn.Linear(4, 1, { dtype: 'float64' });
  const X = torch.from_numpy(table.X, [table.rows, 4]);
  const Y = torch.from_numpy(table.y, [table.rows, 1]);
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  const loss_fn = new torch.nn.MSELoss();
  for (let i = 0; i < 20; i++) {
    const loss = loss_fn.forward(model.forward(X), Y);
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  const saved: torch.ModelFile = torch.modelFromLinear(model, table);
  torch.saveModel(path.join(dir, 'model.json'), saved);
  const loaded = torch.loadModel(path.join(dir, 'model.json'));
  console.log('version', loaded.version, JSON.stringify(loaded.preprocessing?.categories));
  const again = await torch.loadCsv(file, torch.csvOptionsFor(loaded));
  console.log('predict', Array.from(torch.predict(loaded, again).numpy(), (v) => v.toFixed(6)).join(' '));
  console.log('same', String(model.forward(X).detach().reshape(-1)) === String(torch.predict(loaded, X).reshape(-1)));
}
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`;

const ESM = `import * as torch from 'autograd';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
const dir = process.argv[2];
${BODY}`;

const CJS = `import torch = require('autograd');
import fs = require('node:fs');
import path = require('node:path');
const { writeFileSync } = fs;
const dir = process.argv[2];
${BODY}`;

/** The minimal declarations of node the consumers themselves use (they have no @types/node). */
const NODE_SHIM = `declare module 'node:fs' { export function writeFileSync(file: string, text: string): void; }
declare module 'node:path' { export function join(...parts: string[]): string; }
declare const process: { argv: string[]; exitCode: number | undefined };
declare const console: { log(...a: unknown[]): void; error(...a: unknown[]): void };
`;

function consumer(base: string, kind: 'esm' | 'cjs', tarball: string, deps: string[]): string {
  const dir = path.join(base, kind);
  const pkg = path.join(dir, 'node_modules', 'autograd');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  for (const dep of deps) {
    const at = path.join(dir, 'node_modules', dep);
    mkdirSync(path.dirname(at), { recursive: true });
    symlinkSync(path.join(root, 'node_modules', dep), at);
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${kind}`, version: '1.0.0', private: true, ...(kind === 'esm' ? { type: 'module' } : {}) }));
  writeFileSync(path.join(dir, 'index.ts'), kind === 'esm' ? ESM : CJS);
  writeFileSync(path.join(dir, 'node.d.ts'), NODE_SHIM);
  const module = kind === 'esm' ? 'nodenext' : 'commonjs';
  const resolution = kind === 'esm' ? 'nodenext' : 'node10';
  // no skipLibCheck: autograd's own .d.ts files are checked too; types [] keeps out any @types in reach
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module, moduleResolution: resolution, target: 'es2022', lib: ['es2022'], types: [], outDir: 'out' }, files: ['index.ts', 'node.d.ts'] }));
  return dir;
}

function compileAndRun(dir: string): string {
  const built = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  assert.equal(built.status, 0, `tsc --strict failed in ${dir}:\n${built.stdout}${built.stderr}`);
  const ran = spawnSync(process.execPath, [path.join(dir, 'out', 'index.js'), dir], { encoding: 'utf8', cwd: dir });
  assert.equal(ran.status, 0, ran.stderr);
  return ran.stdout;
}

test('npm pack: the tarball works in an ES module and a CommonJS consumer under tsc --strict', { timeout: 120_000 }, () => {
  assert.ok(existsSync(path.join(root, 'dist', 'cjs', 'index.cjs')), 'dist/cjs/index.cjs is missing: run `node scripts/bundle-cli.mjs` (npm run build)');
  const base = mkdtempSync(path.join(tmpdir(), 'autograd-pack-'));
  // --ignore-scripts: the package is built already (prepare would build it again)
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', base], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed[0].files.map((f) => f.path);
  for (const want of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/cjs/index.cjs', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'dist/cli.cjs', 'bin/autograd.cjs', 'data/tutorial.csv']) {
    assert.ok(files.includes(want), `${want} is not in the tarball`);
  }
  assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/')), 'tests or sources are in the tarball');
  // no public declaration names a package the consumer does not install
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const deps = Object.keys(manifest.dependencies);
  const tarball = path.join(base, packed[0].filename);
  const esm = compileAndRun(consumer(base, 'esm', tarball, deps));
  const cjs = compileAndRun(consumer(base, 'cjs', tarball, deps));
  assert.match(esm, /^grad tensor\(\[2\., 4\., 6\.\]\)\nalea number\ncsv ; a b colour=blue colour=red 2\.5 2 0\.5 0\.5\nversion 3 \{"colour":\["blue","red"\]\}\npredict( -?\d+\.\d{6}){4}\nsame true\n$/);
  assert.equal(cjs, esm);
});
