// Loads an ES-module-only dependency on demand. The CLI bundle replaces this module with
// bin/import-esm.cjs (scripts/bundle-cli.mjs), as import() inside its vm.Script has no loader.
export function importEsm<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
