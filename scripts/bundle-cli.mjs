// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, lazily loaded commands and
// the dependencies included) into one module, dist/cli.js, which bin/autograd.js runs. Why: Node
// resolves, reads and links every module separately (and scans each CommonJS one for its exports), and
// for a small `autograd train` that start-up cost was larger than the training. Run by `npm run build`.

import { build } from 'esbuild-wasm';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // the bundled CommonJS dependencies (commander, seedrandom, asciichart) call require() for Node's modules
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});
