// import() for the CLI bundle: dist/cli.cjs runs as a vm.Script, where import() has no loader, so the
// bundle's ES-module-only dependencies (the picture libraries, loaded on demand) are imported from here.
module.exports = (specifier) => import(specifier);
