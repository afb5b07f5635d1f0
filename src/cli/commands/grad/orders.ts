// `autograd grad --order N`: derivatives up to the N-th of the backpropagated quantity, per variable,
// as the tutorials chain them in PyTorch:
//     d1, = torch.autograd.grad(y, x, create_graph=True)
//     d2, = torch.autograd.grad(d1, x, torch.ones_like(d1), create_graph=True)   # a tensor d1: its sum's gradient
//     ...
// The last order records a graph only with --create-graph (so it prints without a grad_fn otherwise).
// A derivative that no longer depends on x (constant) gives zeros from then on.

import * as torch from '../../../index.js';
import type { Tensor } from '../../../index.js';

export type Derivatives = Array<[string, Tensor[]]>;

/** `d/dx`, `d2/dx2`, ... for variable `name`. */
export function derivativeLabel(name: string, order: number): string {
  return order === 1 ? `d/d${name}` : `d${order}/d${name}${order}`;
}

function next(d: Tensor, x: Tensor, gradOutput: Tensor | null, createGraph: boolean): Tensor {
  if (!d.requires_grad) return torch.zeros_like(x);
  const seed = gradOutput ?? (d.numel() === 1 ? null : torch.ones_like(d));
  const [g] = torch.autograd.grad(d, x, seed, { create_graph: createGraph, retain_graph: true, allow_unused: true });
  return g ?? torch.zeros_like(x);
}

/** The first `order` derivatives of `root` with respect to each variable (the first with `gradOutput` when given). */
export function higherDerivatives(root: Tensor, variables: Record<string, Tensor>, order: number, createGraph: boolean, gradOutput: Tensor | null): Derivatives {
  return Object.entries(variables).map(([name, x]) => {
    const out: Tensor[] = [];
    let d = root;
    for (let k = 1; k <= order; k++) {
      d = next(d, x, k === 1 ? gradOutput : null, k < order || createGraph);
      out.push(d);
    }
    return [name, out];
  });
}
