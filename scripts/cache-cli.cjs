'use strict';
// Writes dist/cli.cjs.cache (see bin/load-cli.cjs): compiles the bundle, runs `autograd train --json` on
// the tutorial data (so that the functions a training run uses are compiled; its output is not needed:
// run with stdout ignored), then saves V8's code cache. Run by scripts/bundle-cli.mjs after bundling.

const { loadCli, writeCache } = require('../bin/load-cli.cjs');

const { exports: cli, script } = loadCli(false);
cli.main(['train', '--json']).then((code) => {
  if (code !== 0) throw new Error(`autograd train exited ${code} while making the code cache`);
  writeCache(script);
});
