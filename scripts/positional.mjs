// Python's keywords for positional parameters (`torch.cat(ts, dim=1)`, `t.softmax(dim=-1)`): PyTorch 1.13's
// parameter names (test/fixtures/torch/signatures.json, written by gen_signatures.py from PyTorch itself)
// matched to the positions of the TypeScript signatures (read with the compiler, as keywords.mjs reads
// the options). gen-ops.mjs writes the table to src/autograd/ops/keywords.generated.ts; the keyword layer
// (src/tensor/keywords.ts) moves an options object's keys that name positions into those positions.
//
// A PyTorch parameter goes to the TS position of the same index, or to the TS position that has its
// name where that differs; one the TS signature has no position for (past its parameters, or where it
// takes an options object) is left out and reported: that keyword stays PyTorch's TypeError.

import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { objectKeys, registryProgram } from './keywords.mjs';

const SIGNATURES = JSON.parse(readFileSync(new URL('../test/fixtures/torch/signatures.json', import.meta.url), 'utf8'));

/** The public functions outside the registry: [table key, file, export name, signatures.json section, Python name]. */
export const PUBLIC = [
  ...['tensor', 'zeros', 'ones', 'full', 'empty', 'eye', 'arange', 'linspace', 'logspace', 'zeros_like', 'ones_like', 'full_like', 'empty_like', 'from_numpy']
    .map((n) => [n, 'src/tensor/factories.ts', n, 'factories', n]),
  ...['rand', 'randn', 'rand_like', 'randn_like', 'randint', 'randperm', 'normal', 'bernoulli'].map((n) => [n, 'src/tensor/random.ts', n, 'factories', n]),
  ['multinomial', 'src/tensor/multinomial.ts', 'multinomial', 'factories', 'multinomial'],
  ['F_dropout', 'src/nn/dropout.ts', 'dropout', 'functional', 'dropout'],
  ['F_relu', 'src/nn/functional.ts', 'relu', 'functional', 'relu'],
];

/** A parameter's type without undefined and null. */
function constituents(type) {
  const all = type.isUnion() ? type.types : [type];
  return all.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
}

/** The TS positions of one spelling: [{ names: Set, pure: bool (takes only an options object), options: bool, rest: bool }]. */
function tsPositions(checker, source, type, dropSelf) {
  const positions = [];
  let rest = false;
  for (const signature of type.getCallSignatures()) {
    const parameters = signature.getParameters().slice(dropSelf ? 1 : 0);
    parameters.forEach((parameter, i) => {
      const declaration = parameter.valueDeclaration;
      const isRest = declaration !== undefined && ts.isParameter(declaration) && declaration.dotDotDotToken !== undefined;
      const t = checker.getTypeOfSymbolAtLocation(parameter, source);
      const keys = objectKeys(checker, t, new Set(), true);
      const options = keys === null || keys.size > 0;
      const parts = constituents(t);
      const pure = !isRest && options && parts.length > 0 && parts.every((p) => {
        const k = objectKeys(checker, p, new Set(), true);
        return (k === null || k.size > 0) && !(p.flags & ts.TypeFlags.Any);
      });
      if (isRest) rest = true;
      const at = (positions[i] ??= { names: new Set(), pure: true, options: false, rest: false });
      at.names.add(parameter.getName());
      at.pure &&= pure;
      at.options ||= options;
      at.rest ||= isRest;
    });
  }
  return { positions, rest };
}

/** PyTorch's deprecated or internal positional parameters, never bound (F.mse_loss's size_average, F.softmax's _stacklevel). */
const NEVER = new Set(['size_average', 'reduce', '_stacklevel', 'out']);

/** The first parameter's usual TS spellings, not reported as renames of PyTorch's input/self. */
const FIRST = new Set(['x', 'a', 'self', 't', 'input']);

/**
 * One spelling's table: PyTorch's name at each TS position, per overload, and the positions that take an
 * options object. `report` collects what could not be matched and the renames.
 */
function positional(sig, ts_, optionKeys, label, report) {
  const { positions, rest } = ts_;
  const restAt = positions.findIndex((p) => p.rest);
  const fixed = restAt < 0 ? positions.length : restAt;
  const isOption = (name) => optionKeys !== null && optionKeys.has(name);
  // PyTorch's overloads that the TS signature spells: where some overload has the TS name at a position,
  // the overloads with another name there are ones the TS function does not implement (named tensors, to(device))
  const candidates = sig.overloads.filter((o) => o.params.every((name, i) => {
    if (i >= fixed || NEVER.has(name) || positions[i].names.has(name) || positions.some((p) => p.names.has(name))) return true;
    return !sig.overloads.some((other) => other.params[i] !== undefined && positions[i].names.has(other.params[i]));
  }));
  const merged = [];
  for (const o of candidates) {
    const names = [];
    o.params.forEach((name, i) => {
      if (i < o.posonly || NEVER.has(name)) return; // positional-only: never a keyword
      const at = i;
      const usable = at < fixed ? !positions[at].pure : rest;
      if (!usable) {
        // an option of the TS options object at that position stays an option
        if (!isOption(name)) report.unmatched.add(`${label}: ${name}`);
        return;
      }
      if (at < fixed && !isOption(name) && !positions[at].names.has(name) && !(at === 0 && [...positions[at].names].some((n) => FIRST.has(n)))) {
        report.renamed.add(`${label}: ${[...positions[at].names].join('|')} -> ${name}`);
      }
      if (names[at] === undefined) names[at] = name;
    });
    const list = Array.from(names, (n) => n ?? null);
    const required = Math.min(o.required, list.length);
    const same = merged.find(([n]) => JSON.stringify(n) === JSON.stringify(list));
    if (same) same[1] = Math.min(same[1], required);
    else if (list.length > 0) merged.push([list, required]);
  }
  // a method of no arguments, where the TS one takes no options either: "Tensor.neg() takes no keyword arguments"
  if (merged.length === 0) return { name: sig.qualname, overloads: [], options: [], ...(sig.nokeywords && optionKeys !== null && optionKeys.size === 0 ? { none: true } : {}) };
  const options = [];
  positions.forEach((p, i) => { if (p.options && !p.rest) options.push(i); });
  return { name: sig.qualname, overloads: merged, options };
}

/** { op: { fn?, method?, inplace?, functional? } } for the registry, and { key: positional } for PUBLIC; plus the report. */
export function positionalTables(keywords) {
  const { checker, source, registryType, program } = registryProgram();
  const report = { unmatched: new Set(), renamed: new Set(), missing: [] };
  const registryTable = {};
  // nn.functional's own functions (F.relu(input, inplace)) are not the registry entry's
  const ownFunctional = new Set(PUBLIC.filter(([key]) => key.startsWith('F_')).map(([, , , , pyName]) => pyName));
  for (const entry of registryType.getProperties()) {
    const op = entry.getName();
    const entryType = checker.getTypeOfSymbolAtLocation(entry, source);
    const isTorch = checker.typeToString(checker.getTypeOfSymbolAtLocation(entryType.getProperty('torch'), source)) === 'true';
    const out = {};
    for (const spelling of ['fn', 'method', 'inplace', 'functional']) {
      if (spelling === 'functional' && ownFunctional.has(op)) continue;
      const symbol = entryType.getProperty(spelling === 'functional' ? 'fn' : spelling);
      if (symbol === undefined) continue;
      const type = checker.getTypeOfSymbolAtLocation(symbol, source);
      if (type.getCallSignatures().length === 0) continue;
      const sig = SIGNATURES[spelling]?.[op];
      if (sig === undefined || sig === null) {
        if (spelling !== 'functional' && !(spelling === 'fn' && !isTorch) && !['index', 'setitem'].includes(op)) report.missing.push(`${op}.${spelling}`);
        continue;
      }
      const keys = keywords[op]?.[spelling === 'functional' ? 'fn' : spelling];
      if (keys === null) continue; // an open options type: not checked, not bound
      const table = positional(sig, tsPositions(checker, source, type, spelling === 'method' || spelling === 'inplace'), new Set(keys ?? []), `${op}.${spelling}`, report);
      if (table !== null) out[spelling] = table;
    }
    registryTable[op] = out;
  }
  const publicTable = {};
  for (const [key, file, exportName, section, pyName] of PUBLIC) {
    const sf = program.getSourceFile(file);
    const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(sf)).find((s) => s.getName() === exportName);
    if (symbol === undefined) throw new Error(`no export ${exportName} in ${file}`);
    const type = checker.getTypeOfSymbolAtLocation(symbol, sf);
    const sig = SIGNATURES[section][pyName];
    if (sig === undefined || sig === null) { report.missing.push(key); continue; }
    let keys = new Set();
    for (const s of type.getCallSignatures()) for (const p of s.getParameters()) {
      const k = objectKeys(checker, checker.getTypeOfSymbolAtLocation(p, sf), new Set(), true);
      if (k === null) { keys = null; break; }
      for (const x of k) keys.add(x);
    }
    const table = positional(sig, tsPositions(checker, sf, type, false), keys, key, report);
    if (table !== null) publicTable[key] = { keys: keys === null ? null : [...keys].sort(), ...table };
  }
  return { registryTable, publicTable, report };
}
