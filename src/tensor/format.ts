// Tensor printing, ported from PyTorch 1.13's torch/_tensor_str.py so output diffs cleanly against PyTorch.

import { ValueError } from '../errors.js';
import { get_default_dtype, type DType, type Storage } from './dtype.js';
import { numel } from './shape.js';
import { formatExp, formatFixed } from './pyfloat.js';

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sci_mode: boolean | null;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null };
const PROFILES: Record<string, Omit<PrintOptions, 'sci_mode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

let opts: PrintOptions = { ...DEFAULTS };

/** `torch.set_printoptions`: a profile first, then any explicit option. */
export function set_printoptions(options: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  const { profile, ...rest } = options;
  if (profile !== undefined) {
    if (!(profile in PROFILES)) throw new ValueError(`unknown print profile '${profile}'`);
    opts = { ...opts, ...PROFILES[profile] };
  }
  opts = { ...opts, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
}

export function get_printoptions(): PrintOptions {
  return { ...opts };
}

/** A row-major block of values with its shape (a sub-tensor while printing). */
interface Block {
  data: ArrayLike<number>;
  offset: number;
  shape: readonly number[];
}

/** PyTorch's _Formatter: decides int mode, scientific mode and the column width from the values. */
class Formatter {
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(values: readonly number[]) {
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length > 0) this.measure(finite);
    if (opts.sci_mode !== null) this.sciMode = opts.sci_mode;
  }

  private measure(values: readonly number[]): void {
    const abs = values.map(Math.abs);
    const min = Math.min(...abs);
    const max = Math.max(...abs);
    this.intMode = values.every((v) => v === Math.ceil(v));
    const p = opts.precision;
    if (this.intMode) {
      this.sciMode = max / min > 1000 || max > 1e8;
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.sciMode ? formatExp(v, p).length : formatFixed(v, 0).length + 1);
    } else {
      this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, (this.sciMode ? formatExp(v, p) : formatFixed(v, p)).length);
    }
  }

  format(v: number): string {
    let s: string;
    if (this.sciMode) s = formatExp(v, opts.precision);
    else if (this.intMode) s = formatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = formatFixed(v, opts.precision);
    return s.padStart(this.maxWidth, ' ');
  }
}

function sub(b: Block, i: number): Block {
  const inner = numel(b.shape.slice(1));
  return { data: b.data, offset: b.offset + i * inner, shape: b.shape.slice(1) };
}

/** Indices kept along a dim of size n when summarizing: the first and last `edgeitems`. */
function keptIndices(n: number, summarize: boolean): number[] {
  const e = opts.edgeitems;
  if (summarize && n > 2 * e) return [...Array(e).keys(), ...Array.from({ length: e }, (_, k) => n - e + k)];
  return [...Array(n).keys()];
}

/** The values the formatter sees: all of them, or only the summarized corners (get_summarized_data). */
function summarizedValues(b: Block, summarize: boolean): number[] {
  if (b.shape.length === 0) return [b.data[b.offset]];
  const out: number[] = [];
  for (const i of keptIndices(b.shape[0], summarize)) out.push(...summarizedValues(sub(b, i), summarize));
  return out;
}

function vectorStr(b: Block, indent: number, summarize: boolean, f: Formatter): string {
  const n = b.shape[0];
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / (f.maxWidth + 2)));
  const e = opts.edgeitems;
  let items: string[];
  if (summarize && e === 0) items = ['...'];
  else if (summarize && n > 2 * e) {
    const at = (k: number): string => f.format(b.data[b.offset + k]);
    items = [...Array.from({ length: e }, (_, k) => at(k)), ' ...', ...Array.from({ length: e }, (_, k) => at(n - e + k))];
  } else items = Array.from({ length: n }, (_, k) => f.format(b.data[b.offset + k]));
  const lines: string[] = [];
  for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function tensorStr(b: Block, indent: number, summarize: boolean, f: Formatter): string {
  const dim = b.shape.length;
  if (dim === 0) return f.format(b.data[b.offset]);
  if (dim === 1) return vectorStr(b, indent, summarize, f);
  const n = b.shape[0];
  const e = opts.edgeitems;
  const part = (i: number): string => tensorStr(sub(b, i), indent + 1, summarize, f);
  const slices =
    summarize && n > 2 * e
      ? [...Array.from({ length: e }, (_, k) => part(k)), '...', ...Array.from({ length: e }, (_, k) => part(n - e + k))]
      : Array.from({ length: n }, (_, k) => part(k));
  return `[${slices.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

function addSuffixes(body: string, suffixes: readonly string[], indent: number): string {
  const parts = [body];
  let lastLineLen = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > opts.linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

export interface TensorPrintInfo {
  data: Storage;
  shape: readonly number[];
  dtype: DType;
  gradFnName?: string | null;
  requiresGrad?: boolean;
}

/** `str(tensor)` as PyTorch 1.13 writes it. */
export function formatTensor(info: TensorPrintInfo, prefix = 'tensor('): string {
  const indent = prefix.length;
  const suffixes: string[] = [];
  const n = info.data.length;
  let body: string;
  if (n === 0) {
    if (info.shape.length !== 1) suffixes.push(`size=(${info.shape.join(', ')}${info.shape.length === 1 ? ',' : ''})`);
    body = '[]';
  } else {
    const summarize = n > opts.threshold;
    const block: Block = { data: info.data, offset: 0, shape: info.shape };
    body = tensorStr(block, indent, summarize, new Formatter(summarizedValues(block, summarize)));
  }
  if (info.dtype !== get_default_dtype()) suffixes.push(`dtype=torch.${info.dtype}`);
  if (info.gradFnName) suffixes.push(`grad_fn=<${info.gradFnName}>`);
  else if (info.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}

