// The keyword options of every registry op, read from registry.ts's types with the TypeScript compiler:
// for each spelling (fn, method, inplace), the property names of the plain-object parameters, or null
// when a parameter's type is open (unknown, any, an index signature) and so cannot be checked.
// gen-ops.mjs writes them to src/autograd/ops/keywords.generated.ts.

import ts from 'typescript';

const REGISTRY = 'src/autograd/ops/registry.ts';
/** Public functions outside the registry whose Python keywords are bound too (scripts/positional.mjs). */
export const PUBLIC_FILES = ['src/tensor/factories.ts', 'src/tensor/random.ts', 'src/tensor/multinomial.ts', 'src/nn/dropout.ts', 'src/nn/functional.ts'];

/** The option keys of a parameter type; null for an open type. */
export function objectKeys(checker, type, seen = new Set(), skipClasses = false) {
  if (seen.has(type)) return new Set();
  seen.add(type);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return null;
  const out = new Set();
  const merge = (types) => {
    for (const t of types) {
      const keys = objectKeys(checker, t, seen, skipClasses);
      if (keys === null) return false;
      for (const k of keys) out.add(k);
    }
    return true;
  };
  if (type.isUnion() || type.isIntersection()) return merge(type.types) ? out : null;
  if (checker.isTupleType(type)) return merge(checker.getTypeArguments(type)) ? out : null;
  // an array's elements: a rest parameter (`...args: Array<Tensor | { indexing }>`) holds the options
  if (checker.isArrayType(type)) return merge(checker.getTypeArguments(type)) ? out : null;
  if (!(type.flags & ts.TypeFlags.Object)) return out;
  if (type.getCallSignatures().length > 0) return out;
  const name = type.getSymbol()?.getName();
  // a class's instances (Generator, Module) are never keyword objects (for the positional table)
  const declaration = type.getSymbol()?.valueDeclaration;
  if (skipClasses && declaration !== undefined && ts.isClassDeclaration(declaration)) return out;
  // tensors and typed arrays are never keyword objects; a tensor-like interface (item()) neither
  if (name === 'Tensor' || /Array$|Storage$/.test(name ?? '') || type.getProperty('item')) return out;
  if (type.getStringIndexType() !== undefined || type.getNumberIndexType() !== undefined) return null;
  for (const p of type.getProperties()) out.add(p.getName());
  return out;
}

let cached;

/** The compiler's view of registry.ts: its checker, source file and the type of `registry`. */
export function registryProgram() {
  if (cached !== undefined) return cached;
  const program = ts.createProgram([REGISTRY, ...PUBLIC_FILES], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(REGISTRY);
  let registryType;
  ts.forEachChild(source, (node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const d of node.declarationList.declarations) if (d.name.getText(source) === 'registry') registryType = checker.getTypeAtLocation(d.name);
  });
  if (registryType === undefined) throw new Error(`no 'registry' in ${REGISTRY}`);
  cached = { program, checker, source, registryType };
  return cached;
}

/** { op: { fn, method, inplace } } with sorted key lists (or null), for the spellings that exist. */
export function registryKeywords() {
  const { checker, source, registryType } = registryProgram();
  const result = {};
  for (const entry of registryType.getProperties()) {
    const entryType = checker.getTypeOfSymbolAtLocation(entry, source);
    const spellings = {};
    for (const spelling of ['fn', 'method', 'inplace']) {
      const symbol = entryType.getProperty(spelling);
      if (symbol === undefined) continue;
      const signatures = checker.getTypeOfSymbolAtLocation(symbol, source).getCallSignatures();
      if (signatures.length === 0) continue;
      let keys = new Set();
      for (const signature of signatures) {
        for (const parameter of signature.getParameters()) {
          const k = objectKeys(checker, checker.getTypeOfSymbolAtLocation(parameter, source));
          if (k === null) keys = null;
          if (keys === null) break;
          for (const key of k) keys.add(key);
        }
        if (keys === null) break;
      }
      spellings[spelling] = keys === null ? null : [...keys].sort();
    }
    result[entry.getName()] = spellings;
  }
  return result;
}
