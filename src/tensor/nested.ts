// Nested arrays at the boundary: `tensor([[1, 2], [3, 4]])` and `new Tensor([[1, 2]])` read them here.

import { ValueError } from '../errors.js';
import type { DType, Storage } from './dtype.js';

export type NestedArray = number | NestedArray[];

/** A one-element tensor inside nested data (`torch.tensor([t1, t2])`): its value, as Python's float(t). */
export interface ScalarSource {
  item(): number;
  readonly dtype: DType;
}

/** What `tensor()` and `new Tensor()` read: numbers or one-element tensors, nested. */
export type NestedData = number | ScalarSource | readonly NestedData[];

function isScalarSource(v: unknown): v is ScalarSource {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as ScalarSource).item === 'function';
}

/**
 * PyTorch's infer_scalar_type for data holding tensors: their dtypes and, when numbers are there too,
 * the default dtype, promoted; undefined when the data holds no tensor.
 */
export function nestedTensorDtype(value: NestedData, defaultDtype: DType): DType | undefined {
  let sawTensor = false;
  let sawNumber = false;
  let wide = false;
  const walk = (v: NestedData): void => {
    if (Array.isArray(v)) (v as readonly NestedData[]).forEach(walk);
    else if (isScalarSource(v)) {
      sawTensor = true;
      if (v.dtype === 'float64') wide = true;
    } else sawNumber = true;
  };
  walk(value);
  if (!sawTensor) return undefined;
  if (sawNumber && defaultDtype === 'float64') wide = true;
  return wide ? 'float64' : 'float32';
}

/** The shape of nested arrays, from their first elements. */
export function inferShape(value: NestedData): number[] {
  const shape: number[] = [];
  let v: NestedData = value;
  while (Array.isArray(v)) {
    const list = v as readonly NestedData[];
    shape.push(list.length);
    if (list.length === 0) break;
    v = list[0];
  }
  return shape;
}

/** The values of nested arrays of `shape`, row-major, into `out`; PyTorch's errors for ragged input. */
export function flatten(value: NestedData, shape: readonly number[], out: Storage): void {
  let k = 0;
  const walk = (v: NestedData, dim: number): void => {
    if (dim === shape.length) {
      if (isScalarSource(v)) {
        out[k++] = v.item();
        return;
      }
      if (typeof v !== 'number') throw new ValueError(`expected a number at depth ${dim}, got ${Array.isArray(v) ? 'a list' : typeof v}`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ValueError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(v) ? v.length : typeof v})`);
    }
    for (const item of v as readonly NestedData[]) walk(item, dim + 1);
  };
  walk(value, 0);
}

