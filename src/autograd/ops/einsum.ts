// torch.einsum without ellipsis: explicit ('ij,jk->ik') and implicit ('ij,jk') outputs, repeated
// subscripts (diagonals), size-1 broadcasting. One operand without repeated subscripts is PyTorch's permute
// view and sum; anything else goes through one contraction kernel; the gradient of an operand is the
// contraction of the gradient with the other operands, so it differentiates again. The grad_fn is the
// last node of PyTorch's decomposition (README: the nodes before it are not PyTorch's).

import { RuntimeError } from '../../errors.js';
import { allocStorage, scalarTypeName, type DType } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { resultType } from './elementwise.js';
import { sum } from './reduce.js';
import { permute } from './reorder.js';
import { recordNode } from './pointwise.js';

interface Spec {
  inputs: string[];
  output: string;
}

const LETTER = /^[a-zA-Z]$/;

function parse(equation: string, operands: readonly Tensor[]): Spec {
  const eq = equation.replace(/ /g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  for (let i = 0; i < eq.length; i++) {
    const c = eq[i];
    if (c === ',' || (c === '-' && eq[i + 1] === '>') || (c === '>' && eq[i - 1] === '-') || LETTER.test(c)) continue;
    if (c === '.') throw new RuntimeError('einsum(): ellipsis (...) is not supported by this library');
    throw new RuntimeError(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
  }
  const inputs = lhs.split(',');
  if (inputs.length > operands.length) throw new RuntimeError('einsum(): fewer operands were provided than specified in the equation');
  if (inputs.length < operands.length) throw new RuntimeError('einsum(): more operands were provided than specified in the equation');
  inputs.forEach((subs, k) => {
    if (subs.length !== operands[k].ndim) {
      throw new RuntimeError(
        `einsum(): the number of subscripts in the equation (${subs.length}) does not match the number of dimensions (${operands[k].ndim}) for operand ${k} and no ellipsis was given`,
      );
    }
  });
  let output: string;
  if (arrow >= 0) {
    output = eq.slice(arrow + 2);
    for (const c of output) {
      if (!inputs.some((s) => s.includes(c))) throw new RuntimeError(`einsum(): output subscript ${c} does not appear in the equation for any input operand`);
      if (output.indexOf(c) !== output.lastIndexOf(c)) throw new RuntimeError(`einsum(): output subscript ${c} appears more than once in the output`);
    }
  } else {
    // implicit output: the subscripts that appear exactly once, in alphabetical order (upper case first)
    const all = inputs.join('');
    output = [...new Set(all)].filter((c) => all.indexOf(c) === all.lastIndexOf(c)).sort().join('');
  }
  return { inputs, output };
}

/** Each subscript's size, with PyTorch's checks (size 1 broadcasts). */
function letterSizes(spec: Spec, operands: readonly Tensor[]): Map<string, number> {
  const sizes = new Map<string, number>();
  spec.inputs.forEach((subs, k) => {
    const seen = new Map<string, number>();
    [...subs].forEach((c, d) => {
      const s = operands[k]._shape[d];
      const mine = seen.get(c);
      if (mine !== undefined && mine !== s) throw new RuntimeError(`einsum(): subscript ${c} is repeated for operand ${k} but the sizes don't match, ${s} != ${mine}`);
      seen.set(c, s);
      const prev = sizes.get(c);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new RuntimeError(`einsum(): subscript ${c} has size ${s} for operand ${k} which does not broadcast with previously seen size ${prev}`);
      }
      if (prev === undefined || prev === 1) sizes.set(c, s);
    });
  });
  return sizes;
}

/** Σ over every assignment of the subscripts of Π operands, written at the output's (diagonal) positions. */
function contract(spec: Spec, operands: readonly Tensor[], sizes: Map<string, number>, outShape: readonly number[], dtype: DType): Tensor {
  const letters = [...sizes.keys()];
  const pos = new Map(letters.map((c, i) => [c, i]));
  const strideOf = (subs: string, shape: readonly number[]): number[] => {
    const st = new Array<number>(letters.length).fill(0);
    let s = 1;
    for (let d = subs.length - 1; d >= 0; d--) {
      if (shape[d] !== 1) st[pos.get(subs[d]) as number] += s;
      s *= shape[d];
    }
    return st;
  };
  const inStrides = spec.inputs.map((subs, k) => strideOf(subs, operands[k]._shape));
  const outStrides = strideOf(spec.output, outShape);
  const acc = new Float64Array(numel(outShape));
  const dims = letters.map((c) => sizes.get(c) as number);
  const total = numel(dims);
  const idx = new Array<number>(letters.length).fill(0);
  const offs = new Array<number>(operands.length).fill(0);
  let o = 0;
  for (let n = 0; n < total; n++) {
    let p = 1;
    for (let k = 0; k < operands.length; k++) p *= operands[k]._data[offs[k]];
    acc[o] += p;
    for (let d = letters.length - 1; d >= 0; d--) {
      idx[d]++;
      o += outStrides[d];
      for (let k = 0; k < operands.length; k++) offs[k] += inStrides[k][d];
      if (idx[d] < dims[d]) break;
      o -= outStrides[d] * dims[d];
      for (let k = 0; k < operands.length; k++) offs[k] -= inStrides[k][d] * dims[d];
      idx[d] = 0;
    }
  }
  const out = allocStorage(dtype, acc.length);
  out.set(acc);
  return new Tensor(out, outShape);
}

/** The grad_fn of PyTorch 1.13's einsum: its decomposition's last op. */
function nodeName(spec: Spec): string {
  const summed = [...new Set(spec.inputs.join(''))].some((c) => !spec.output.includes(c));
  if (spec.inputs.length === 1) return summed ? 'SumBackward1' : 'PermuteBackward0';
  return summed ? 'ViewBackward0' : 'MulBackward0';
}

function run(spec: Spec, operands: readonly Tensor[], sizes: Map<string, number>, outShape: readonly number[], name: string): Tensor {
  const dtype = resultType(operands);
  const out = contract(spec, operands, sizes, outShape, dtype);
  return recordNode(out, name, operands, operands, (g, needs) =>
    operands.map((x, k) => {
      if (!needs[k]) return null;
      // d out / d operand k: the gradient contracted with the other operands, onto operand k's subscripts
      const others = operands.filter((_, j) => j !== k);
      const gradSpec: Spec = { inputs: [spec.output, ...spec.inputs.filter((_, j) => j !== k)], output: spec.inputs[k] };
      return run(gradSpec, [g, ...others], sizes, x._shape, 'EinsumBackward');
    }),
  false);
}

export function einsum(equation: string, ...operands: Tensor[] | [Tensor[]]): Tensor {
  const list: Tensor[] = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as Tensor[]) : (operands as Tensor[]);
  const spec = parse(equation, list);
  const sizes = letterSizes(spec, list);
  // NOTE: PyTorch multiplies operands that share no summed subscript (mul promotes dtypes); a contraction is
  // its bmm, which wants one dtype
  const summed = [...new Set(spec.inputs.join(''))].some((c) => !spec.output.includes(c));
  for (const t of list) {
    if (summed && t.dtype !== list[0].dtype) throw new RuntimeError(`expected scalar type ${scalarTypeName(list[0]._dtype)} but found ${scalarTypeName(t._dtype)}`);
  }
  const outShape = [...spec.output].map((c) => sizes.get(c) as number);
  const subs = spec.inputs[0];
  if (list.length === 1 && new Set(subs).size === subs.length) {
    // PyTorch's einsum of one operand: a permute (a view) to the output's subscripts then the summed ones, and a sum of those
    const summedLetters = [...subs].filter((c) => !spec.output.includes(c));
    const permuted = permute(list[0], [...spec.output, ...summedLetters].map((c) => subs.indexOf(c)));
    if (summedLetters.length === 0) return permuted;
    return sum(permuted, summedLetters.map((_, i) => spec.output.length + i));
  }
  return run(spec, list, sizes, outShape, nodeName(spec));
}
