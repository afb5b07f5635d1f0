// matmul's gradients over tensors (create_graph). PyTorch 1.13's matmul is a composite of dot, mv,
// mm, bmm, reshapes, transposes and expands; the one node here returns what the backward of that
// composite returns, node for node, so that gradients of gradients have PyTorch's grad_fns.
// Which reshape is a view and which a copy (UnsafeViewBackward0 over CloneBackward0) depends on the
// strides PyTorch's intermediate tensors would have: `virtualStrides` tracks them.

import { numel, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Node } from '../../tensor/autograd/node.js';
import { at, forwardOf } from './at.js';
import { viewStrides, virtualStrides } from './strides.js';

export type MatmulPath = 'dot' | 'mv' | 'vm' | 'mm' | 'fold' | 'foldT' | 'bmm';

/** `x.reshape(shape)` as PyTorch does it for x's strides: a view when possible, else clone + _unsafe_view. */
function reshapeAs(x: Tensor, strides: readonly number[], shape: Shape): Tensor {
  const s = viewStrides(x._shape, strides, shape);
  if (s === null) return at.unsafeView(at.clone(x), shape);
  const v = at.reshape(x, shape);
  v._strides = s;
  return v;
}

/** mm_mat1_backward / mm_mat2_backward branch on a column-major input (strides [1, rows]). */
function columnMajor(strides: readonly number[], shape: Shape): boolean {
  return strides[0] === 1 && strides[1] === shape[0];
}

/** d(mat1 @ mat2)/d mat1 for the upstream gradient g. */
export function mmGradA(g: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  if (columnMajor(virtualStrides(mat1), mat1._shape)) return at.t(at.mm(mat2, at.t(g)));
  return at.mm(g, at.t(mat2));
}

/** d(mat1 @ mat2)/d mat2 for the upstream gradient g. */
export function mmGradB(g: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  if (columnMajor(virtualStrides(mat2), mat2._shape)) return at.t(at.mm(at.t(g), mat1));
  return at.mm(at.t(mat1), g);
}

type Grads = [Tensor | null, Tensor | null];

// NOTE: the order in which the tensors are made is PyTorch's too: its generated backward functions
// compute their inputs' gradients in the alphabetical order of the inputs' names (mm: mat2, then
// self), and the nodes of its composite forward run latest-made first. Later backward passes run
// nodes by creation order, so this decides the order in which gradients are summed there.

/** The gradients of `a @ b` (taken along `path`) for the upstream gradient g. */
export function matmulGraph(path: MatmulPath, a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[], node: Node, transposedGrad = false): Grads {
  switch (path) {
    case 'dot':
      return [needs[0] ? at.mul(g, b) : null, needs[1] ? at.mul(g, a) : null];
    case 'mv': {
      // mv: self gets grad.ger(vec) = grad.reshape(n, 1) * vec, vec gets self.t().mv(grad)
      const ga = needs[0] ? at.mul(at.reshape(g, [g.numel(), 1]), b) : null;
      return [ga, needs[1] ? at.mv(at.t(a), g) : null];
    }
    case 'vm': {
      // a.unsqueeze(0).mm(b).squeeze_(0)
      const a1 = forwardOf(node, 0, () => at.unsqueeze(a, 0));
      const g1 = at.unsqueeze(g, 0);
      const gb = needs[1] ? mmGradB(g1, a1, b) : null;
      const ga1 = needs[0] ? mmGradA(g1, a1, b) : null;
      return [ga1 === null ? null : at.squeeze(ga1, 0), gb];
    }
    case 'mm': {
      const gb = needs[1] ? mmGradB(g, a, b) : null;
      return [needs[0] ? mmGradA(g, a, b) : null, gb];
    }
    case 'fold':
      return foldGraph(a, b, g, needs, node);
    case 'foldT':
      return foldTGraph(a, b, g, needs, node, transposedGrad);
    case 'bmm':
      return bmmGraph(a, b, g, needs, node);
  }
}

/** a (3+ dims) folded to [N, k] times b (1 or 2 dims), viewed back: _unsafe_view(a.reshape(-1, k).mm(b)). */
function foldGraph(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[], node: Node): Grads {
  const k = a._shape[a.ndim - 1];
  const rows = a.numel() / Math.max(k, 1);
  const a2 = forwardOf(node, 0, () => reshapeAs(a, virtualStrides(a), [rows, k]));
  if (b.ndim === 2) {
    const g2 = at.reshape(g, [rows, b._shape[1]]);
    const gb = needs[1] ? mmGradB(g2, a2, b) : null;
    const ga2 = needs[0] ? mmGradA(g2, a2, b) : null;
    return [ga2 === null ? null : at.reshape(ga2, a._shape), gb];
  }
  const g2 = at.reshape(g, [rows]);
  const ga2 = needs[0] ? at.mul(at.reshape(g2, [rows, 1]), b) : null;
  const gb = needs[1] ? at.mv(at.t(a2), g2) : null;
  return [ga2 === null ? null : at.reshape(ga2, a._shape), gb];
}

/** The transposed fold: (bᵀ @ aᵀ)ᵀ for a of 1 or 2 dims and b of 3+ dims (`transposedGrad`: g is the gradient of bᵀ @ aᵀ). */
function foldTGraph(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[], node: Node, transposedGrad: boolean): Grads {
  const m = b._shape[b.ndim - 2];
  const p = b._shape[b.ndim - 1];
  const rows = (b.numel() / Math.max(m * p, 1)) * p;
  const bT = forwardOf(node, 0, () => at.transpose(b, -1, -2));
  // the gradient of t2 back to b: reshape to bᵀ's shape, then transpose
  const toB = (gt2: Tensor): Tensor => at.transpose(at.reshape(gt2, bT._shape), -1, -2);
  if (a.ndim === 1) {
    const t2 = forwardOf(node, 2, () => reshapeAs(bT, virtualStrides(bT), [rows, m]));
    const g2 = at.reshape(g, [rows]);
    const gt2 = needs[1] ? at.mul(at.reshape(g2, [rows, 1]), a) : null;
    const ga = needs[0] ? at.mv(at.t(t2), g2) : null;
    return [ga, gt2 === null ? null : toB(gt2)];
  }
  const t1 = forwardOf(node, 1, () => at.t(a));
  const t2 = forwardOf(node, 2, () => reshapeAs(bT, virtualStrides(bT), [rows, m]));
  // the product's own node (when the result is its transposed view) gets the gradient already transposed
  const gT = transposedGrad ? g : at.transpose(g, -1, -2);
  const g2 = reshapeAs(gT, virtualStrides(gT), [rows, a._shape[0]]);
  const gt1 = needs[0] ? mmGradB(g2, t2, t1) : null;
  const gt2 = needs[1] ? mmGradA(g2, t2, t1) : null;
  // t2's nodes run first, then t1's TBackward0, then bᵀ's TransposeBackward0
  const gbT = gt2 === null ? null : at.reshape(gt2, bT._shape);
  const ga = gt1 === null ? null : at.t(gt1);
  return [ga, gbT === null ? null : at.transpose(gbT, -1, -2)];
}

/** Broadcast batches: expand both, reshape to [batch, rows, cols], bmm, _unsafe_view back. */
function bmmGraph(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[], node: Node): Grads {
  const batch = g._shape.slice(0, -2);
  const nb = numel(batch);
  const [n, m1] = a._shape.slice(-2);
  const [m2, p] = b._shape.slice(-2);
  const flat = (x: Tensor, rows: number, cols: number): Tensor => {
    const e = at.expand(x, [...batch, rows, cols]);
    return reshapeAs(e, virtualStrides(e), [nb, rows, cols]);
  };
  const aR = forwardOf(node, 0, () => flat(a, n, m1));
  const bR = forwardOf(node, 1, () => flat(b, m2, p));
  const g3 = at.reshape(g, [nb, n, p]);
  const gbR = needs[1] ? at.bmm(at.transpose(aR, 1, 2), g3) : null;
  const gaR = needs[0] ? at.bmm(g3, at.transpose(bR, 1, 2)) : null;
  const back = (gr: Tensor, x: Tensor, rows: number, cols: number): Tensor => at.sumTo(at.reshape(gr, [...batch, rows, cols]), x._shape);
  const gb = gbR === null ? null : back(gbR, b, m2, p);
  return [gaR === null ? null : back(gaR, a, n, m1), gb];
}

/** bmm's own formula: grad.bmm(mat2ᵀ), selfᵀ.bmm(grad), mat2's first. */
export function bmmGraph3(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[]): Grads {
  const gb = needs[1] ? at.bmm(at.transpose(a, 1, 2), g) : null;
  return [needs[0] ? at.bmm(g, at.transpose(b, 1, 2)) : null, gb];
}
