// torchviz's make_dot: the backward graph of a tensor as Graphviz DOT (grad_fn names as boxes,
// AccumulateGrad above each leaf, leaves light blue with their names and shapes, the output green),
// laid out to SVG by Graphviz compiled to WebAssembly (@viz-js/viz), loaded only when asked for.
// Reads only public graph information: grad_fn, name(), next_functions, AccumulateGrad.variable.

import { AccumulateGrad, type Node } from '../tensor/autograd/node.js';
import type { Tensor } from '../tensor/tensor.js';
import { importEsm } from './import_esm.js';

export interface MakeDotOptions {
  /** Names for leaf tensors, as torchviz's `params=dict(model.named_parameters())`. */
  params?: Record<string, Tensor>;
}

/** torchviz's size_to_str: `(3, 2)`, `()` for a scalar. */
function sizeToStr(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** A DOT double-quoted string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The DOT text and, on request, its Graphviz layout (graphviz.Digraph's `source` and `pipe`). */
export class Digraph {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }

  toString(): string {
    return this.source;
  }

  /** The graph laid out by Graphviz (WebAssembly): `svg` or `dot` text. */
  async pipe(format: 'svg' | 'dot' = 'svg'): Promise<string> {
    if (format === 'dot') return this.source;
    const { instance } = await importEsm<typeof import('@viz-js/viz')>('@viz-js/viz');
    const viz = await instance();
    return viz.renderString(this.source, { format: 'svg', engine: 'dot' });
  }
}

/**
 * The backward graph reachable from `outputs` as torchviz 0.0.2's make_dot draws it: one box per grad_fn
 * (its `name()`), edges from each input function to the function that uses it, AccumulateGrad nodes
 * for leaves with the leaf tensor (name from `params`, and shape) above them, and each output tensor.
 */
export function make_dot(outputs: Tensor | readonly Tensor[], options: MakeDotOptions = {}): Digraph {
  const list: readonly Tensor[] = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const names = new Map<Tensor, string>();
  for (const [name, t] of Object.entries(options.params ?? {})) names.set(t, name);
  const ids = new Map<Node | Tensor, string>();
  const idOf = (x: Node | Tensor): string => {
    let id = ids.get(x);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(x, id);
    }
    return id;
  };
  const lines: string[] = [];
  const tensorLabel = (t: Tensor): string => `${names.get(t) ?? ''}\n ${sizeToStr(t._shape)}`;
  const seen = new Set<Node>();
  // iterative walk (deep graphs must not overflow the stack), nodes drawn in first-visit order
  const stack: Node[] = [];
  const visit = (fn: Node): void => {
    if (seen.has(fn)) return;
    seen.add(fn);
    stack.push(fn);
  };
  for (const out of list) {
    const fn = out.grad_fn;
    if (fn === null) {
      lines.push(`\t${idOf(out)} [label=${quote(tensorLabel(out))} fillcolor=lightblue]`);
      continue;
    }
    lines.push(`\t${idOf(out)} [label=${quote(tensorLabel(out))} fillcolor=darkolivegreen1]`);
    visit(fn);
    lines.push(`\t${idOf(fn)} -> ${idOf(out)}`);
  }
  while (stack.length > 0) {
    const fn = stack.pop() as Node;
    lines.push(`\t${idOf(fn)} [label=${quote(fn.name().replace('torch::autograd::', ''))}]`);
    if (fn instanceof AccumulateGrad) {
      const leaf = fn.variable;
      lines.push(`\t${idOf(leaf)} [label=${quote(tensorLabel(leaf))} fillcolor=lightblue]`);
      lines.push(`\t${idOf(leaf)} -> ${idOf(fn)}`);
    }
    for (const [next] of fn.next_functions) {
      if (next === null) continue;
      lines.push(`\t${idOf(next)} -> ${idOf(fn)}`);
      visit(next);
    }
  }
  const header = [
    'digraph {',
    '\tgraph [size="12,12"]',
    '\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]',
  ];
  return new Digraph(`${[...header, ...lines, '}'].join('\n')}\n`);
}
