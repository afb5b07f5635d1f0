// What a CSV table's features become after parsing: text columns one-hot encoded (one 0/1 feature per
// category, named `column=category`), and missing cells filled with their feature's mean. The parse
// writes a categorical cell as its category's index (or NaN when missing); this expands those indexes.

import { DataError } from '../errors.js';
import { allocShared } from '../kernels/shared_memory.js';
import { allocStorage, type DType, type Storage } from '../tensor/dtype.js';
import { quote } from '../quote.js';

/** The most categories a column may have: more is almost surely a numeric or an id column given by mistake. */
export const MAX_CATEGORIES = 1024;

/** A one-hot encoded feature: its categories in output order, and each parsed index's position among them. */
export interface OneHot {
  categories: string[];
  /** remap[index written by the parse] = position in `categories`. */
  remap: Int32Array;
}

/** Collected categories (in the order first seen) sorted, with the remapping of their indexes. */
export function sortedOneHot(seen: readonly string[]): OneHot {
  const categories = [...seen].sort();
  const at = new Map(categories.map((c, i): [string, number] => [c, i]));
  return { categories, remap: Int32Array.from(seen, (c) => at.get(c) as number) };
}

/** Known categories (a model's), kept in their order. */
export function knownOneHot(categories: readonly string[]): OneHot {
  return { categories: [...categories], remap: Int32Array.from(categories, (_, i) => i) };
}

/** The encoded features' names: a numeric column keeps its name, a categorical one becomes `name=category` per category. */
export function encodedNames(columns: readonly string[], encoders: ReadonlyArray<OneHot | null>): string[] {
  return columns.flatMap((name, k) => {
    const e = encoders[k];
    return e === null ? [name] : e.categories.map((c) => `${name}=${c}`);
  });
}

/**
 * rows × (raw features) → rows × (encoded features): a numeric value copied, a category index as 1 in its
 * category's column and 0 in the others, NaN (missing) as NaN in all of them.
 */
export function oneHotRows(raw: ArrayLike<number>, rows: number, encoders: ReadonlyArray<OneHot | null>, dtype: DType, shared = false): Storage {
  const R = encoders.length;
  const width = encoders.reduce((n, e) => n + (e === null ? 1 : e.categories.length), 0);
  const out = (shared ? allocShared(dtype, rows * width) : null) ?? allocStorage(dtype, rows * width);
  for (let i = 0; i < rows; i++) {
    let o = i * width;
    for (let k = 0; k < R; k++) {
      const v = raw[i * R + k];
      const e = encoders[k];
      if (e === null) {
        out[o++] = v;
        continue;
      }
      const n = e.categories.length;
      if (Number.isNaN(v)) out.fill(NaN, o, o + n);
      else out[o + e.remap[v]] = 1; // the others are 0 already
      o += n;
    }
  }
  return out;
}

/**
 * Each feature's mean over the rows where it is not NaN, in float64, summed row by row in file order:
 * fed the whole table at once or chunk by chunk (--stream), the means are the same to the bit.
 */
export class MeanAccumulator {
  private sum: Float64Array | null = null;
  private count: Float64Array | null = null;

  add(X: ArrayLike<number>, rows: number, F: number): void {
    this.sum ??= new Float64Array(F);
    this.count ??= new Float64Array(F);
    const { sum, count } = this;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < F; j++) {
        const v = X[i * F + j];
        if (v === v) {
          sum[j] += v;
          count[j]++;
        }
      }
    }
  }

  /** The means; NaN for a feature without a value. */
  means(F: number): number[] {
    const { sum, count } = this;
    return Array.from({ length: F }, (_, j) => (sum === null || count === null || count[j] === 0 ? NaN : sum[j] / count[j]));
  }

  /** The means that fill missing cells; a feature without a single value is a DataError naming it. */
  fill(names: readonly string[], file: string): number[] {
    const means = this.means(names.length);
    const j = means.findIndex((m) => Number.isNaN(m));
    if (j >= 0) throw new DataError(`${file}: feature ${quote(names[j])} has no values to take the mean of (every cell is missing)`, { file });
    return means;
  }
}

/** The means that fill missing cells of rows × features X (see MeanAccumulator). */
export function imputationMeans(X: ArrayLike<number>, rows: number, names: readonly string[], file: string): number[] {
  const acc = new MeanAccumulator();
  acc.add(X, rows, names.length);
  return acc.fill(names, file);
}

/** Replace every NaN in column j with fill[j], in place; returns how many were replaced. */
export function fillMissing(X: Storage, rows: number, fill: readonly number[]): number {
  const F = fill.length;
  let n = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < F; j++) {
      const at = i * F + j;
      if (X[at] !== X[at]) {
        X[at] = fill[j];
        n++;
      }
    }
  }
  return n;
}
