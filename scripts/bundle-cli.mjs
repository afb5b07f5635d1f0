// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, lazily loaded commands and
// the dependencies included) into one CommonJS module, dist/cli.cjs, which bin/autograd.cjs runs. Why:
// Node resolves, reads and links every ES module separately, and an ES module entry point costs more to
// start than a CommonJS one; for a small `autograd train` that start-up was larger than the training
// (measured: ~340 ms as separate ES modules, ~230 ms as one ES module, ~200 ms as one CommonJS module).
// Then V8's code cache of a small run is written beside it (bin/load-cli.cjs: ~174 → ~150 ms for the
// tutorial run). Run by `npm run build`.
//
// Also the library as CommonJS, for `require('autograd')` (package.json `exports`' `require` condition):
// dist/cjs/index.cjs (one module; the dependencies stay in node_modules), with the declaration files of
// dist/src copied beside it under a package.json of type commonjs, so that TypeScript reads them as the
// CommonJS module's types.

import { build } from 'esbuild-wasm';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** commander's node:child_process, loaded only if used (scripts/lazy-child-process.cjs). */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    const shim = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lazy-child-process.cjs');
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (args.importer.includes(`${path.sep}commander${path.sep}`) ? { path: shim } : undefined));
  },
};

/** src/viz/import_esm.ts's import() goes through bin/import-esm.cjs (import() in the vm.Script has no loader). */
const importEsm = {
  name: 'import-esm',
  setup(b) {
    b.onLoad({ filter: /[\\/]viz[\\/]import_esm\.js$/ }, () => ({
      contents: "import load from '../bin/import-esm.cjs'; export const importEsm = load;",
      loader: 'js',
    }));
  },
};

// an earlier build's code cache must not outlive its bundle (bin/load-cli.cjs also checks)
rmSync('dist/cli.cjs.cache', { force: true });

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import.meta does not exist in CommonJS: the bundle's own URL stands in (used to find data/tutorial.csv)
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  // the picture libraries are large and needed only by --graph/--report/--plot: loaded from node_modules when used
  external: ['@viz-js/viz', 'vega', 'vega-lite', '../bin/import-esm.cjs'],
  plugins: [lazyChildProcess, importEsm],
  logLevel: 'warning',
});

// the library as CommonJS: its entry also exports the CSV parse workers' function (data/csv_parallel.ts
// starts workers on the module that import.meta.url names: here, this bundle)
rmSync('dist/cjs', { recursive: true, force: true });
await build({
  stdin: {
    contents: "export * from './dist/src/index.js';\nexport { runCsvWorker } from './dist/src/data/csv_parallel.js';\n",
    resolveDir: '.',
    sourcefile: 'autograd-cjs-entry.js',
  },
  outfile: 'dist/cjs/index.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});
/** Every .d.ts file under `from`, copied to the same place under `to`. */
function copyDeclarations(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) copyDeclarations(src, path.join(to, entry.name));
    else if (entry.name.endsWith('.d.ts')) {
      mkdirSync(to, { recursive: true });
      cpSync(src, path.join(to, entry.name));
    }
  }
}
copyDeclarations('dist/src', 'dist/cjs');
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

// V8's code cache of a small training run, for bin/autograd.cjs (scripts/cache-cli.cjs)
const made = spawnSync(process.execPath, ['scripts/cache-cli.cjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (made.status !== 0) throw new Error(`scripts/cache-cli.cjs failed (exit ${made.status})`);
