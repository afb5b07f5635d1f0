// matmul's gradients over tensors (create_graph). PyTorch 1.13's matmul is a composite of dot, mv,
// mm, bmm, reshapes, transposes and expands; the one node here returns what the backward of that
// composite returns, node for node, so that gradients of gradients have PyTorch's grad_fns.
// Which reshape is a view and which a copy (UnsafeViewBackward0 over CloneBackward0) depends on the
// strides PyTorch's intermediate tensors would have: `virtualStrides` tracks them.

import { numel, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { at } from './at.js';
import { viewStrides, virtualStrides } from './strides.js';

export type MatmulPath = 'dot' | 'mv' | 'vm' | 'mm' | 'fold' | 'foldT' | 'bmm';

/** `x.reshape(shape)` as PyTorch does it for x's strides: a view when possible, else clone + _unsafe_view. */
function reshapeAs(x: Tensor, strides: readonly number[], shape: Shape): Tensor {
  const s = viewStrides(x.shape, strides, shape);
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
  if (columnMajor(virtualStrides(mat1), mat1.shape)) return at.t(at.mm(mat2, at.t(g)));
  return at.mm(g, at.t(mat2));
}

/** d(mat1 @ mat2)/d mat2 for the upstream gradient g. */
export function mmGradB(g: Tensor, mat1: Tensor, mat2: Tensor): Tensor {
  if (columnMajor(virtualStrides(mat2), mat2.shape)) return at.t(at.mm(at.t(g), mat1));
  return at.mm(at.t(mat1), g);
}

type Grads = [Tensor | null, Tensor | null];

/** The gradients of `a @ b` (taken along `path`) for the upstream gradient g. */
export function matmulGraph(path: MatmulPath, a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[]): Grads {
  switch (path) {
    case 'dot':
      return [needs[0] ? at.mul(g, b) : null, needs[1] ? at.mul(g, a) : null];
    case 'mv':
      // mv: self gets grad.ger(vec) = grad.reshape(n, 1) * vec, vec gets self.t().mv(grad)
      return [needs[0] ? at.mul(at.reshape(g, [g.numel(), 1]), b) : null, needs[1] ? at.mv(at.t(a), g) : null];
    case 'vm': {
      // a.unsqueeze(0).mm(b).squeeze_(0)
      const g1 = at.unsqueeze(g, 0);
      const a1 = at.unsqueeze(a, 0);
      return [needs[0] ? at.squeeze(mmGradA(g1, a1, b), 0) : null, needs[1] ? mmGradB(g1, a1, b) : null];
    }
    case 'mm':
      return [needs[0] ? mmGradA(g, a, b) : null, needs[1] ? mmGradB(g, a, b) : null];
    case 'fold':
      return foldGraph(a, b, g, needs);
    case 'foldT':
      return foldTGraph(a, b, g, needs);
    case 'bmm':
      return bmmGraph(a, b, g, needs);
  }
}

/** a (3+ dims) folded to [N, k] times b (1 or 2 dims), viewed back: _unsafe_view(a.reshape(-1, k).mm(b)). */
function foldGraph(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[]): Grads {
  const k = a.shape[a.ndim - 1];
  const rows = a.numel() / Math.max(k, 1);
  const a2 = reshapeAs(a, virtualStrides(a), [rows, k]);
  if (b.ndim === 2) {
    const g2 = at.reshape(g, [rows, b.shape[1]]);
    return [needs[0] ? at.reshape(mmGradA(g2, a2, b), a.shape) : null, needs[1] ? mmGradB(g2, a2, b) : null];
  }
  const g2 = at.reshape(g, [rows]);
  return [needs[0] ? at.reshape(at.mul(at.reshape(g2, [rows, 1]), b), a.shape) : null, needs[1] ? at.mv(at.t(a2), g2) : null];
}

/** The transposed fold: (bᵀ @ aᵀ)ᵀ for a of 1 or 2 dims and b of 3+ dims. */
function foldTGraph(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[]): Grads {
  const m = b.shape[b.ndim - 2];
  const p = b.shape[b.ndim - 1];
  const rows = (b.numel() / Math.max(m * p, 1)) * p;
  const bT = at.transpose(b, -1, -2);
  const t2 = reshapeAs(bT, virtualStrides(bT), [rows, m]);
  // the gradient of t2 back to b: reshape to bᵀ's shape, then transpose
  const toB = (gt2: Tensor): Tensor => at.transpose(at.reshape(gt2, bT.shape), -1, -2);
  if (a.ndim === 1) {
    const g2 = at.reshape(g, [rows]);
    return [needs[0] ? at.mv(at.t(t2), g2) : null, needs[1] ? toB(at.mul(at.reshape(g2, [rows, 1]), a)) : null];
  }
  const n = a.shape[0];
  const gT = at.transpose(g, -1, -2);
  const g2 = reshapeAs(gT, virtualStrides(gT), [rows, n]);
  const t1 = at.t(a);
  return [needs[0] ? at.t(mmGradB(g2, t2, t1)) : null, needs[1] ? toB(mmGradA(g2, t2, t1)) : null];
}

/** Broadcast batches: expand both, reshape to [batch, rows, cols], bmm, _unsafe_view back. */
function bmmGraph(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[]): Grads {
  const batch = g.shape.slice(0, -2);
  const nb = numel(batch);
  const [n, m1] = a.shape.slice(-2);
  const [m2, p] = b.shape.slice(-2);
  const flat = (x: Tensor, rows: number, cols: number): Tensor => {
    const e = at.expand(x, [...batch, rows, cols]);
    return reshapeAs(e, virtualStrides(e), [nb, rows, cols]);
  };
  const aR = flat(a, n, m1);
  const bR = flat(b, m2, p);
  const g3 = at.reshape(g, [nb, n, p]);
  const back = (gr: Tensor, x: Tensor, rows: number, cols: number): Tensor => at.sumTo(at.reshape(gr, [...batch, rows, cols]), x.shape);
  return [
    needs[0] ? back(at.bmm(g3, at.transpose(bR, 1, 2)), a, n, m1) : null,
    needs[1] ? back(at.bmm(at.transpose(aR, 1, 2), g3), b, m2, p) : null,
  ];
}

/** bmm's own formula: grad.bmm(mat2ᵀ), self ᵀ.bmm(grad). */
export function bmmGraph3(a: Tensor, b: Tensor, g: Tensor, needs: readonly boolean[]): Grads {
  return [needs[0] ? at.bmm(g, at.transpose(b, 1, 2)) : null, needs[1] ? at.bmm(at.transpose(a, 1, 2), g) : null];
}
