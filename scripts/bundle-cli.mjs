// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, lazily loaded commands
// included) into one module, dist/cli.js, which bin/autograd.js runs. Why: Node resolves, reads and
// links every ES module separately, and for a small `autograd train` that start-up cost was larger
// than the training. Dependencies in node_modules stay imports. Run by `npm run build` after tsc.

import { build } from 'esbuild-wasm';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
