// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, lazily loaded commands and
// the dependencies included) into one CommonJS module, dist/cli.cjs, which bin/autograd.cjs runs. Why:
// Node resolves, reads and links every ES module separately, and an ES module entry point costs more to
// start than a CommonJS one; for a small `autograd train` that start-up was larger than the training
// (measured: ~340 ms as separate ES modules, ~230 ms as one ES module, ~200 ms as one CommonJS module).
// Run by `npm run build`.

import { build } from 'esbuild-wasm';
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
  plugins: [lazyChildProcess],
  logLevel: 'warning',
});
