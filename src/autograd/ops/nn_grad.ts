// The gradients of the fused nn.functional ops over tensors (create_graph), as the backward of PyTorch
// 1.13's decomposition returns them: linear is addmm / mm / matmul over weight.t() (a column-major
// matrix, so mm_mat2_backward's transposed branch), mse_loss_backward has its own double backward.

import { allocStorage, castScalar } from '../../tensor/dtype.js';
import { broadcastShapes, numel, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import type { Node } from '../../tensor/autograd/node.js';
import { at, forwardOf } from './at.js';
import { broadcastIndex } from './backward_ops.js';
import { mmGradA, mmGradB } from './matmul_grad.js';

type Reduction = 'mean' | 'sum' | 'none';
type Grads = Array<Tensor | null>;

/**
 * linear's gradients, as the nodes of PyTorch's linear return them in the order they run: 2-d x is
 * addmm (mat1, mat2, then the bias summed over rows) or mm (mat2 first); 1-d x is unsqueezed, mm'ed
 * and squeezed; more dims are folded to rows (the bias, added in place, goes first). weight.t() is
 * one of linear's own forward tensors (forwardOf), transposed back last.
 */
export function linearGraph(x: Tensor, weight: Tensor, bias: Tensor | null, g: Tensor, needs: readonly boolean[], node: Node): Grads {
  const [outF, inF] = weight._shape;
  const wt = forwardOf(node, 0, () => at.t(weight));
  let gb: Tensor | null = null;
  if (bias !== null && x.ndim > 2 && needs[2]) gb = at.sumTo(g, bias._shape); // add_(bias)'s AddBackward0 runs first
  let x2 = x;
  let g2 = g;
  if (x.ndim === 1) {
    x2 = forwardOf(node, 1, () => at.unsqueeze(x, 0));
    g2 = at.unsqueeze(g, 0);
  } else if (x.ndim > 2) {
    const rows = numel(x._shape.slice(0, -1)); // (not numel / inF: inF may be 0)
    x2 = forwardOf(node, 1, () => at.reshape(x, [rows, inF]));
    g2 = at.reshape(g, [rows, outF]);
  }
  const addmm = x.ndim === 2 && bias !== null;
  let gwt: Tensor | null = null;
  let gx: Tensor | null = null;
  if (!addmm && needs[1]) gwt = mmGradB(g2, x2, wt);
  if (needs[0]) gx = mmGradA(g2, x2, wt);
  if (addmm && needs[1]) gwt = mmGradB(g2, x2, wt);
  if (addmm && needs[2]) gb = at.sumTo(g, (bias as Tensor)._shape);
  if (bias !== null && x.ndim === 1 && needs[2]) gb = g;
  if (gx !== null && x.ndim === 1) gx = at.squeeze(gx, 0);
  else if (gx !== null && x.ndim > 2) gx = at.reshape(gx, x._shape);
  const out: Grads = [gx, gwt === null ? null : at.t(gwt)];
  if (bias !== null) out.push(gb);
  return out;
}

/** PyTorch's mse_loss_backward kernel: norm·(input - target)·grad, norm 2/N for 'mean' and 2 otherwise. */
export function mseLossBackward(g: Tensor, input: Tensor, target: Tensor, reduction: Reduction): Tensor {
  const dtype = input._dtype === target._dtype && target._dtype === g._dtype ? g._dtype : 'float64';
  const shape = broadcastShapes(broadcastShapes(input._shape, target._shape), g._shape);
  const n = input.numel();
  const norm = castScalar(reduction === 'mean' ? 2 / n : 2, dtype);
  const ii = broadcastIndex(shape, input._shape);
  const it = broadcastIndex(shape, target._shape);
  const ig = broadcastIndex(shape, g._shape);
  const out = allocStorage(dtype, numel(shape));
  const I = input._data;
  const T = target._data;
  const G = g._data;
  for (let i = 0; i < out.length; i++) out[i] = castScalar(norm * castScalar(I[ii[i]] - T[it[i]], dtype), dtype) * G[ig[i]];
  const result = new Tensor(out, shape);
  if (!is_grad_enabled() || !(g.requires_grad || input.requires_grad || target.requires_grad)) return result;
  return attach(result, 'MseLossBackwardBackward0', [g, input, target], null, [g, input, target], [shape, shape, shape], (gg, needs) => {
    // mse_loss_double_backward: 2·grad·grad_output (/ N for 'mean'); the grad_output's is summed for a reduction
    const twice = (): Tensor => {
      const d = at.mulScalar(at.mul(gg, g), 2, true);
      return reduction === 'mean' ? at.divScalar(d, n, true) : d;
    };
    const gOut = needs[0] ? mseLossBackward(gg, input, target, reduction) : null;
    return [
      gOut === null ? null : reduction === 'none' ? gOut : at.sum(gOut, null, false),
      needs[1] ? twice() : null,
      needs[2] ? at.neg(twice()) : null,
    ];
  });
}

/** mse_loss's gradients: mse_loss_backward on input and target broadcast together (broadcast_tensors). */
export function mseGraph(input: Tensor, target: Tensor, reduction: Reduction, g: Tensor, needs: readonly boolean[]): Grads {
  const shape = broadcastShapes(input._shape, target._shape);
  const I = sameShape(input._shape, shape) ? input : at.expand(input, shape);
  const T = sameShape(target._shape, shape) ? target : at.expand(target, shape);
  return [needs[0] ? at.mseLossBackward(g, I, T, reduction) : null, needs[1] ? at.mseLossBackward(g, T, I, reduction) : null];
}

export interface BCEGraphOptions {
  reduction: Reduction;
  weight: Tensor | null;
  pos_weight: Tensor | null;
}

/** binary_cross_entropy_with_logits_backward and its target backward (without pos_weight for the target). */
export function bceGraph(input: Tensor, target: Tensor, o: BCEGraphOptions, g: Tensor, needs: readonly boolean[]): Grads {
  const finish = (t: Tensor): Tensor => {
    let out = at.mul(t, g);
    if (o.weight !== null) out = at.mul(out, o.weight);
    return o.reduction === 'mean' ? at.divScalar(out, input.numel(), true) : out;
  };
  let gi: Tensor | null = null;
  if (needs[0]) {
    if (o.pos_weight === null) gi = at.sub(at.sigmoid(input), target);
    else {
      const t = at.mul(o.pos_weight, target);
      gi = at.sub(at.mul(at.sub(at.addScalar(t, 1), target), at.sigmoid(input)), t);
    }
    gi = finish(gi);
  }
  let gt: Tensor | null = null;
  if (needs[1]) {
    // log_sigmoid(-x).sub_(log_sigmoid(x).mul_(pos_weight)) with pos_weight, else -x
    gt = finish(o.pos_weight === null ? at.neg(input) : at.sub(at.logSigmoid(at.neg(input)), at.mul(at.logSigmoid(input), o.pos_weight)));
  }
  return [gi, gt];
}
