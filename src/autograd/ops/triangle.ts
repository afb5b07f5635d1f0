// tril, triu and diag: TrilBackward0 / TriuBackward0 (the gradient masked the same way) and DiagBackward0
// (diag_backward: the gradient's diag, or diagonal_backward for a non-square matrix).

import { IndexError, RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  // NOTE: PyTorch 1.13 returns an empty input's copy before it looks at the dims (so a 1-d empty tensor passes)
  if (x.numel() > 0) {
    if (x.ndim === 0) throw new IndexError('Dimension specified as -2 but tensor has no dimensions');
    normalizeDim(-2, x.ndim); // PyTorch's error for a 1-d tensor
  }
  const rows = x._shape[x.ndim - 2];
  const cols = x._shape[x.ndim - 1];
  const out = allocStorage(x._dtype, x.numel());
  const src = x._data;
  for (let base = 0; base < out.length; base += rows * cols) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const keep = lower ? j - i <= diagonal : j - i >= diagonal;
        if (keep) out[base + i * cols + j] = src[base + i * cols + j];
      }
    }
  }
  const result = new Tensor(out, x._shape);
  if (!shouldRecord(x)) return result;
  return attach(result, lower ? 'TrilBackward0' : 'TriuBackward0', [x], null, [], null, (g) => [triangle(g, diagonal, lower)]);
}

/** `x.tril(diagonal)`: the elements on and below the diagonal-th diagonal, the rest 0. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, true);
}

/** `x.triu(diagonal)`: the elements on and above the diagonal-th diagonal, the rest 0. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, false);
}

/** The (row, col) positions of the k-th diagonal of a rows×cols matrix. */
function diagonalLength(rows: number, cols: number, k: number): number {
  return Math.max(0, k >= 0 ? Math.min(rows, cols - k) : Math.min(rows + k, cols));
}

/** `torch.diag(x, diagonal)`: a 1-d x on the diagonal of a square matrix, or a matrix's diagonal. */
export function diag(x: Tensor, diagonal = 0): Tensor {
  if (x.ndim !== 1 && x.ndim !== 2) throw new RuntimeError('matrix or a vector expected');
  const k = diagonal;
  const r0 = k >= 0 ? 0 : -k;
  const c0 = k >= 0 ? k : 0;
  if (x.ndim === 1) {
    const n = x._shape[0];
    const m = n + Math.abs(k);
    const out = allocStorage(x._dtype, m * m);
    for (let i = 0; i < n; i++) out[(i + r0) * m + i + c0] = x._data[i];
    const result = new Tensor(out, [m, m]);
    if (!shouldRecord(x)) return result;
    return attach(result, 'DiagBackward0', [x], null, [], null, (g) => [diag(g, k)]);
  }
  const [rows, cols] = x._shape;
  // NOTE: a diagonal past the matrix's edge by more than one makes a negative length, which at::diag refuses
  if ((k >= 0 ? Math.min(rows, cols - k) : Math.min(rows + k, cols)) < 0) throw new RuntimeError('numel: integer multiplication overflow');
  const result = diagonalOf(x, k);
  if (!shouldRecord(x)) return result;
  const square = rows === cols;
  return attach(result, 'DiagBackward0', [x], null, [], null, (g) => [square ? diag(g, k) : diagonalBackward(g, rows, cols, k)]);
}

function diagonalOf(x: Tensor, k: number): Tensor {
  const [rows, cols] = x._shape;
  const len = diagonalLength(rows, cols, k);
  const r0 = k >= 0 ? 0 : -k;
  const c0 = k >= 0 ? k : 0;
  const out = allocStorage(x._dtype, len);
  for (let i = 0; i < len; i++) out[i] = x._data[(i + r0) * cols + i + c0];
  return new Tensor(out, [len]);
}

/** `x.diagonal(k)` of a matrix (DiagonalBackward0), as diagonal_backward's own formula reads it. */
function diagonal(x: Tensor, k: number): Tensor {
  const result = diagonalOf(x, k);
  if (!shouldRecord(x)) return result;
  return attach(result, 'DiagonalBackward0', [x], null, [], null, (g) => [diagonalBackward(g, x._shape[0], x._shape[1], k)]);
}

/** diagonal_backward: zeros of rows×cols with the gradient on the k-th diagonal (DiagonalBackwardBackward0). */
function diagonalBackward(g: Tensor, rows: number, cols: number, k: number): Tensor {
  const r0 = k >= 0 ? 0 : -k;
  const c0 = k >= 0 ? k : 0;
  const out = allocStorage(g._dtype, rows * cols);
  for (let i = 0; i < g.numel(); i++) out[(i + r0) * cols + i + c0] = g._data[i];
  const result = new Tensor(out, [rows, cols]);
  if (!shouldRecord(g)) return result;
  return attach(result, 'DiagonalBackwardBackward0', [g], null, [], null, (gg) => [diagonal(gg, k)]);
}
