// Tensor printing: a port of PyTorch 1.13's torch/_tensor_str.py (same functions, camelCase), text for text.

import { RuntimeError } from '../errors.js';
import { dtypeName, get_default_dtype, isFloating, type DType, type Storage } from './dtype.js';
import { numel } from './shape.js';
import { formatExp, formatFixed } from './pyfloat.js';

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sci_mode: boolean | null;
}

type Profile = 'default' | 'short' | 'full';

const PROFILES: Record<Profile, Omit<PrintOptions, 'sci_mode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

/** PyTorch's PRINT_OPTS: one process-wide setting, as in PyTorch. */
const PRINT_OPTS: PrintOptions = { ...PROFILES.default, sci_mode: null };

/**
 * `torch.set_printoptions`: the profile first, then each option given.
 * NOTE: as in PyTorch, `sci_mode` is reset to null (automatic) by every call that does not pass it,
 * and an unknown profile name is ignored.
 */
export function set_printoptions(options: Partial<PrintOptions> & { profile?: Profile }): void {
  const { profile, precision, threshold, edgeitems, linewidth, sci_mode } = options;
  if (profile !== undefined && Object.hasOwn(PROFILES, profile)) Object.assign(PRINT_OPTS, PROFILES[profile]);
  if (precision !== undefined) PRINT_OPTS.precision = precision;
  if (threshold !== undefined) PRINT_OPTS.threshold = threshold;
  if (edgeitems !== undefined) PRINT_OPTS.edgeitems = edgeitems;
  if (linewidth !== undefined) PRINT_OPTS.linewidth = linewidth;
  PRINT_OPTS.sci_mode = sci_mode ?? null;
}

/** The current print options (a copy). */
export function get_printoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}

/** A row-major sub-tensor while printing: `self[i][j]…` is a view into the same flat data. */
interface View {
  data: ArrayLike<number>;
  offset: number;
  shape: readonly number[];
}

/** `self[i]` of a view with at least one dim. */
function select(self: View, i: number): View {
  const inner = self.shape.slice(1);
  return { data: self.data, offset: self.offset + i * numel(inner), shape: inner };
}

function allIndices(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

/** Indices of Python's `self[:e]`. */
function headIndices(n: number, e: number): number[] {
  return Array.from({ length: Math.min(e, n) }, (_, k) => k);
}

/** Indices of Python's `self[-e:]`. NOTE: `self[-0:]` is the whole of self, so edgeitems=0 keeps every element. */
function tailIndices(n: number, e: number): number[] {
  const start = e === 0 ? 0 : Math.max(0, n - e);
  return Array.from({ length: n - start }, (_, k) => start + k);
}

/** `range(len(self) - e, len(self))`, the rows kept at the end of a summarized dim (empty for e=0). */
function lastRows(n: number, e: number): number[] {
  return Array.from({ length: Math.min(e, n) }, (_, k) => n - Math.min(e, n) + k);
}

/** PyTorch's _Formatter: int mode, scientific mode and the column width, from the nonzero finite values. */
class Formatter {
  intMode = true;
  sciMode = false;
  maxWidth = 1;
  /** For integer and bool tensors: each value as Python's '{}'.format prints it. */
  private readonly plain: ((v: number) => string) | null = null;

  constructor(values: ArrayLike<number>, dtype: DType) {
    if (!isFloating(dtype)) {
      this.plain = dtype === 'bool' ? (v) => (v !== 0 ? 'True' : 'False') : (v) => BigInt(v).toString();
      for (let i = 0; i < values.length; i++) this.maxWidth = Math.max(this.maxWidth, this.plain(values[i]).length);
      return;
    }
    const nonzeroFinite: number[] = [];
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i]) && values[i] !== 0) nonzeroFinite.push(values[i]);
    }
    // no valid number: the defaults stand, and so does an explicit sci_mode (PyTorch returns early here)
    if (nonzeroFinite.length === 0) return;
    this.measure(nonzeroFinite);
    if (PRINT_OPTS.sci_mode !== null) this.sciMode = PRINT_OPTS.sci_mode;
  }

  private measure(values: readonly number[]): void {
    let min = Infinity;
    let max = 0;
    for (const value of values) {
      const abs = Math.abs(value);
      if (abs < min) min = abs;
      if (abs > max) max = abs;
      if (value !== Math.ceil(value)) this.intMode = false;
    }
    const p = PRINT_OPTS.precision;
    const wideRange = max / min > 1000.0 || max > 1.0e8;
    if (this.intMode) {
      // integers print as `10.`: the width of '{:.0f}' plus one for the dot
      this.sciMode = wideRange;
      for (const value of values) {
        const width = this.sciMode ? formatExp(value, p).length : formatFixed(value, 0).length + 1;
        this.maxWidth = Math.max(this.maxWidth, width);
      }
    } else {
      this.sciMode = wideRange || min < 1.0e-4;
      for (const value of values) {
        const width = (this.sciMode ? formatExp(value, p) : formatFixed(value, p)).length;
        this.maxWidth = Math.max(this.maxWidth, width);
      }
    }
  }

  width(): number {
    return this.maxWidth;
  }

  format(value: number): string {
    let ret: string;
    if (this.plain !== null) ret = this.plain(value);
    else if (this.sciMode) ret = formatExp(value, PRINT_OPTS.precision);
    else if (this.intMode) ret = formatFixed(value, 0) + (Number.isFinite(value) ? '.' : '');
    else ret = formatFixed(value, PRINT_OPTS.precision);
    return ret.padStart(this.maxWidth, ' ');
  }
}

function scalarStr(self: View, formatter: Formatter): string {
  return formatter.format(self.data[self.offset]);
}

function vectorStr(self: View, indent: number, summarize: boolean, formatter: Formatter): string {
  // length includes spaces and comma between elements
  const elementLength = formatter.width() + 2;
  const elementsPerLine = Math.max(1, Math.floor((PRINT_OPTS.linewidth - indent) / elementLength));
  const n = self.shape[0];
  const e = PRINT_OPTS.edgeitems;
  const valueAt = (k: number): string => formatter.format(self.data[self.offset + k]);
  const data =
    summarize && n > 2 * e
      ? [...headIndices(n, e).map(valueAt), ' ...', ...tailIndices(n, e).map(valueAt)]
      : allIndices(n).map(valueAt);
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStrWithFormatter(self: View, indent: number, summarize: boolean, formatter: Formatter): string {
  const dim = self.shape.length;
  if (dim === 0) return scalarStr(self, formatter);
  if (dim === 1) return vectorStr(self, indent, summarize, formatter);
  const n = self.shape[0];
  const e = PRINT_OPTS.edgeitems;
  const sliceStr = (i: number): string => tensorStrWithFormatter(select(self, i), indent + 1, summarize, formatter);
  const slices =
    summarize && n > 2 * e
      ? [...headIndices(n, e).map(sliceStr), '...', ...lastRows(n, e).map(sliceStr)]
      : allIndices(n).map(sliceStr);
  return `[${slices.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** The values a summarized print shows (the first and last edgeitems along every dim), flattened. */
function getSummarizedData(self: View, out: number[]): void {
  const dim = self.shape.length;
  if (dim === 0) {
    out.push(self.data[self.offset]);
    return;
  }
  const n = self.shape[0];
  const e = PRINT_OPTS.edgeitems;
  const summarized = n > 2 * e;
  if (dim === 1) {
    const kept = summarized ? [...headIndices(n, e), ...tailIndices(n, e)] : allIndices(n);
    for (const k of kept) out.push(self.data[self.offset + k]);
    return;
  }
  const rows = summarized ? [...headIndices(n, e), ...lastRows(n, e)] : allIndices(n);
  // NOTE: PyTorch stacks the kept rows, which fails when edgeitems=0 leaves none
  if (rows.length === 0) throw new RuntimeError('stack expects a non-empty TensorList');
  for (const i of rows) getSummarizedData(select(self, i), out);
}

function tensorStr(self: View, indent: number, dtype: DType): string {
  if (numel(self.shape) === 0) return '[]';
  const summarize = numel(self.shape) > PRINT_OPTS.threshold;
  let values: ArrayLike<number> = self.data;
  if (summarize) {
    const kept: number[] = [];
    getSummarizedData(self, kept);
    values = kept;
  }
  return tensorStrWithFormatter(self, indent, summarize, new Formatter(values, dtype));
}

/** Appends `, suffix` to the last line, or `,\n<indent>suffix` when the line would pass linewidth. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number, forceNewline: boolean): string {
  const parts = [text];
  // NOTE: PyTorch's measure is two more than the last line's length; kept, so lines wrap where PyTorch's do
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  let newline = forceNewline;
  for (const suffix of suffixes) {
    if (newline || lastLineLen + suffix.length + 2 > PRINT_OPTS.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
      newline = false;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Python's `str(tuple(shape))`: `(0, 3)`, `(0,)`, `()`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export interface TensorPrintInfo {
  data: Storage;
  shape: readonly number[];
  dtype: DType;
  gradFnName?: string | null;
  requiresGrad?: boolean;
}

/** `str(tensor)` as PyTorch 1.13 writes it (_str_intern for a dense CPU tensor). */
export function formatTensor(info: TensorPrintInfo, prefix = 'tensor('): string {
  const indent = prefix.length;
  const suffixes: string[] = [];
  const self: View = { data: info.data.subarray(0, numel(info.shape)), offset: 0, shape: info.shape };
  let text: string;
  if (numel(info.shape) === 0) {
    // the shape is printed unless it is (0,), to match NumPy
    if (info.shape.length !== 1) suffixes.push(`size=${pyTuple(info.shape)}`);
    text = '[]';
    // an empty tensor has no values to tell int64 by, so every dtype but the default is shown
    if (info.dtype !== get_default_dtype()) suffixes.push(`dtype=${dtypeName(info.dtype)}`);
  } else {
    text = tensorStr(self, indent, info.dtype);
    // the default dtype, int64 and bool are told by their values
    if (info.dtype !== get_default_dtype() && info.dtype !== 'int64' && info.dtype !== 'bool') suffixes.push(`dtype=${dtypeName(info.dtype)}`);
  }
  if (info.gradFnName !== undefined && info.gradFnName !== null) suffixes.push(`grad_fn=<${info.gradFnName}>`);
  else if (info.requiresGrad === true) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + text, suffixes, indent, false);
}
