// Compiling and instantiating the kernels' WebAssembly modules (their bytes are committed as base64).

/** The part of the WebAssembly global the kernels use (TypeScript declares it only with the DOM library). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The module in `base64`, compiled and instantiated with `imports`; throws where WebAssembly (or SIMD) is unavailable. */
export function instantiate(base64: string, imports: object = {}): { module: object; exports: unknown } {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) throw new Error('no WebAssembly');
  const module = new api.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  return { module, exports: new api.Instance(module, imports).exports };
}
