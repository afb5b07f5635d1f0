// Turns the `expr` of a PyTorch ops fixture case into a call of our API.
// Scalar literals inside the expression are part of the op (`a + 2.5`, `3 / a`, `a ** -2.5`).

import * as torch from '../../src/index.js';
import { binary_cross_entropy_with_logits, linear, mse_loss, type Reduction } from '../../src/autograd/ops/index.js';
import type { Tensor } from '../../src/index.js';

export interface OpsCaseKwargs {
  dim?: number | number[];
  keepdim?: boolean;
  reduction?: Reduction;
  shape?: number[];
  dims?: number[];
}

type Build = (inputs: Tensor[], kw: OpsCaseKwargs) => Tensor;

const NUM = '(-?[0-9.]+(?:e-?[0-9]+)?)';
const unaryFns: Record<string, (x: Tensor) => Tensor> = {
  exp: torch.exp, log: torch.log, log2: torch.log2, log10: torch.log10, sqrt: torch.sqrt,
  abs: torch.abs, sigmoid: torch.sigmoid, tanh: torch.tanh, relu: torch.relu,
};

/** Patterns in the order they are tried; each returns a builder or null. */
const patterns: Array<[RegExp, (m: RegExpMatchArray) => Build]> = [
  [/^a ([-+*/]|\*\*) b$/, (m) => ([a, b]) => binaryOp(m[1])(a, b)],
  [/^a @ b$/, () => ([a, b]) => torch.matmul(a, b)],
  [new RegExp(`^a ([-+*/]|\\*\\*) ${NUM}$`), (m) => ([a]) => binaryOp(m[1])(a, Number(m[2]))],
  [new RegExp(`^${NUM} ([-+*/]|\\*\\*) a$`), (m) => ([a]) => binaryOp(m[2])(Number(m[1]), a)],
  [/^-a$/, () => ([a]) => torch.neg(a)],
  [/^(\w+)\(a\)$/, (m) => ([a]) => unaryFns[m[1]](a)],
  [/^a\.(sum|mean)\(.*\)$/, (m) => ([a], kw) => (m[1] === 'sum' ? a.sum(kw.dim, kw.keepdim ?? false) : a.mean(kw.dim, kw.keepdim ?? false))],
  [/^a\.t\(\)$/, () => ([a]) => a.t()],
  [/^a\.transpose\(.*\)$/, () => ([a], kw) => a.transpose((kw.dims as number[])[0], (kw.dims as number[])[1])],
  [/^a\.reshape\(.*\)$/, () => ([a], kw) => a.reshape(kw.shape as number[])],
  [/^F\.linear\(/, () => ([x, W, b]) => linear(x, W, b ?? null)],
  [/^F\.mse_loss\(/, () => ([a, b], kw) => mse_loss(a, b, kw.reduction ?? 'mean')],
  [/^F\.binary_cross_entropy_with_logits\(/, () => ([z, y], kw) => binary_cross_entropy_with_logits(z, y, { reduction: kw.reduction ?? 'mean' })],
  [/^2 \* w \*\* 2$/, () => ([w]) => torch.mul(2, w.pow(2))],
  [/^\(x1\*\*2 \+ x2\*\*2 \+ x1\*x2\)\.sum\(\)$/, () => ([x1, x2]) => x1.pow(2).add(x2.pow(2)).add(x1.mul(x2)).sum()],
  [/^\(inp \+ 1\)\.pow\(2\)\.t\(\)$/, () => ([inp]) => inp.add(1).pow(2).t()],
  [/^\(\(x \+ 2\) \* \(x \+ 2\) \* 3\)\.mean\(\)$/, () => ([x]) => x.add(2).mul(x.add(2)).mul(3).mean()],
  [/^h = a\*b; \(h\*h \+ h\)\.sum\(\)$/, () => ([a, b]) => { const h = a.mul(b); return h.mul(h).add(h).sum(); }],
  [new RegExp(`^repeat (\\d+): x = x \\* ${NUM} \\+ ${NUM}$`), (m) => ([x]) => {
    let y = x;
    for (let i = 0; i < Number(m[1]); i++) y = y.mul(Number(m[2])).add(Number(m[3]));
    return y;
  }],
];

function binaryOp(op: string): (a: Tensor | number, b: Tensor | number) => Tensor {
  switch (op) {
    case '+': return torch.add;
    case '-': return torch.sub;
    case '*': return torch.mul;
    case '/': return torch.div;
    default: return torch.pow;
  }
}

/** The builder for an expression, or null when the expression is of a kind we do not know. */
export function builderFor(expr: string): Build | null {
  for (const [re, make] of patterns) {
    const m = expr.match(re);
    if (m !== null) return make(m);
  }
  return null;
}
