'use strict';
// Loads the CLI bundle, dist/cli.cjs, with the V8 code cache that `npm run build` writes beside it
// (dist/cli.cjs.cache, made by scripts/cache-cli.cjs from a small training run): the functions such a
// run uses are then not compiled again (measured: ~13% of a fresh `autograd train`'s training time on
// the tutorial data). The cache is used only while the bundle's size and mtime are those it was made
// for (V8 itself checks only the source's length); without it the bundle is compiled as usual.

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, '..', 'dist', 'cli.cjs');
const cacheFile = `${file}.cache`;
const keyFile = `${file}.cache-key`;

/** The bundle's identity for the cache: size and modification time. */
function bundleKey() {
  const st = fs.statSync(file);
  return `${st.size}:${st.mtimeMs}`;
}

function cachedData() {
  try {
    return fs.readFileSync(keyFile, 'utf8') === bundleKey() ? fs.readFileSync(cacheFile) : undefined;
  } catch {
    return undefined; // no cache (yet): compiled as usual
  }
}

/** Run the bundle as CommonJS; returns its exports and the compiled script (for createCachedData). */
function loadCli(useCache = true) {
  const source = fs.readFileSync(file, 'utf8');
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: useCache ? cachedData() : undefined });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return { exports: mod.exports, script };
}

/** Write the code cache of `script` (compiled by loadCli) for the current bundle. */
function writeCache(script) {
  fs.writeFileSync(cacheFile, script.createCachedData());
  fs.writeFileSync(keyFile, bundleKey());
}

module.exports = { loadCli, writeCache };
