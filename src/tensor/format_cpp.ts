// A tensor as C++'s `operator<<` prints it (aten/src/ATen/core/Formatting.cpp), which is how PyTorch's
// messages show a tensor they were given: "...but got:  1.0000  4.0000\n[ torch.FloatTensor{1,2} ]".
// Ported with its quirks (the largest exponent is taken from the signed values, 0-d and 1-d layouts).

import { tensorTypeName, type DType, type Storage } from './dtype.js';
import { pyFormat } from './pyfloat.js';

export interface CppTensorSource {
  readonly _data: Storage;
  readonly shape: readonly number[];
  readonly _dtype: DType;
}

/**
 * The stream's number format for a block of values. `precision` is the stream's: fixed and scientific
 * set it to 4, and defaultfloat keeps whatever the stream had (6 at first, 4 after an earlier block of
 * the same tensor: the state carries over from one matrix to the next, as in C++).
 */
type Style = { kind: 'default' | 'fixed' | 'scientific'; scale: number; width: number; precision: number };

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/**
 * One double as C++'s stream writes it with `spec`: as Python's format, except that a NaN with its sign
 * bit set is "-nan" (x86's default NaN, the result of 0/0 or inf - inf, has it).
 */
function cppFormat(x: number, spec: string): string {
  const text = pyFormat(x, spec);
  bits[0] = x;
  if (x === x || words[1] >>> 31 === 0) return text;
  return (text.startsWith(' ') ? text.slice(1) : text).replace('nan', '-nan');
}

/** C++'s stream output of one double in `style` (setw(width)). */
function put(x: number, style: Style): string {
  const spec = style.kind === 'fixed' ? 'f' : style.kind === 'scientific' ? 'e' : 'g';
  return cppFormat(x, `>${style.width}.${style.precision}${spec}`);
}

/** __printFormat: the style and width for the values (already doubles), on a stream of `precision`. */
function printFormat(values: ArrayLike<number>, precision: number): Style {
  const size = values.length;
  if (size === 0) return { kind: 'default', scale: 1, width: 0, precision };
  let intMode = true;
  for (let i = 0; i < size; i++) {
    const z = values[i];
    if (Number.isFinite(z) && z !== Math.ceil(z)) {
      intMode = false;
      break;
    }
  }
  let offset = 0;
  while (!Number.isFinite(values[offset])) {
    offset++;
    if (offset === size) break;
  }
  let expMin: number;
  let expMax: number;
  if (offset === size) {
    expMin = 1;
    expMax = 1;
  } else {
    expMin = Math.abs(values[offset]);
    expMax = Math.abs(values[offset]);
    for (let i = offset; i < size; i++) {
      const z = Math.abs(values[i]);
      if (Number.isFinite(z)) {
        if (z < expMin) expMin = z;
        if (values[i] > expMax) expMax = z; // sic: the signed value, as Formatting.cpp compares
      }
    }
    expMin = expMin !== 0 ? Math.floor(Math.log10(expMin)) + 1 : 1;
    expMax = expMax !== 0 ? Math.floor(Math.log10(expMax)) + 1 : 1;
  }
  if (intMode) {
    return expMax > 9 ? { kind: 'scientific', scale: 1, width: 11, precision: 4 } : { kind: 'default', scale: 1, width: expMax + 1, precision };
  }
  if (expMax - expMin > 4) {
    const width = Math.abs(expMax) > 99 || Math.abs(expMin) > 99 ? 12 : 11;
    return { kind: 'scientific', scale: 1, width, precision: 4 };
  }
  if (expMax > 5 || expMax < 0) return { kind: 'fixed', scale: Math.pow(10, expMax - 1), width: 7, precision: 4 };
  return { kind: 'fixed', scale: 1, width: expMax === 0 ? 7 : expMax + 6, precision: 4 };
}

/** printScale: defaultfloat at the stream's precision (4: a scale comes with fixed). */
function scaleLine(style: Style): string {
  return `${pyFormat(style.scale, `.${style.precision}g`)} *\n`;
}

/**
 * __printMatrix: rows of `cols` values from `values` (row-major), in column blocks that fit `linesize`;
 * also the stream's precision afterwards.
 */
function printMatrix(values: ArrayLike<number>, rows: number, cols: number, linesize: number, indent: number, precision = 6): [string, number] {
  const style = printFormat(values, precision);
  const pad = ' '.repeat(indent);
  let out = pad;
  const perLine = Math.trunc((linesize - indent) / (style.width + 1));
  let first = 0;
  while (first < cols) {
    const last = first + perLine <= cols ? first + perLine - 1 : cols - 1;
    if (perLine < cols) {
      if (first !== 0) out += '\n';
      out += `Columns ${first + 1} to ${last + 1}${pad}`;
    }
    if (style.scale !== 1) out += scaleLine(style) + pad;
    for (let l = 0; l < rows; l++) {
      for (let c = first; c <= last; c++) {
        out += put(values[l * cols + c] / style.scale, style);
        if (c === last) {
          out += '\n';
          if (l !== rows - 1) out += style.scale !== 1 ? `${pad} ` : pad;
        } else out += ' ';
      }
    }
    first = last + 1;
  }
  return [out, style.precision];
}

/** `std::cout << tensor` (print with linesize 80). */
export function cppTensorString(t: CppTensorSource, linesize = 80): string {
  const values = Float64Array.from(t._data as ArrayLike<number>);
  const shape = t.shape;
  // toString() is 'CPUFloatType'; PyTorch's Python layer rewrites the legacy types' names in messages
  // ('torch.FloatTensor'), and bool is not among them
  const name = t._dtype === 'bool' ? 'CPUBoolType' : tensorTypeName(t._dtype);
  let out = '';
  if (shape.length === 0) {
    out += `${cppFormat(values[0], 'g')}\n[ ${name}{}`;
  } else if (shape.length === 1) {
    if (values.length > 0) {
      const style = printFormat(values, 6);
      if (style.scale !== 1) out += scaleLine(style);
      for (let i = 0; i < shape[0]; i++) out += `${put(values[i] / style.scale, style)}\n`;
    }
    out += `[ ${name}{${shape[0]}}`;
  } else if (shape.length === 2) {
    if (values.length > 0) out += printMatrix(values, shape[0], shape[1], linesize, 0)[0];
    out += `[ ${name}{${shape[0]},${shape[1]}}`;
  } else {
    if (values.length > 0) out += printTensor(values, shape, linesize);
    out += `[ ${name}{${shape.join(',')}}`;
  }
  return `${out} ]`;
}

/** __printTensor: each trailing matrix, headed "(i,j,.,.) = ". */
function printTensor(values: Float64Array, shape: readonly number[], linesize: number): string {
  const lead = shape.length - 2;
  const rows = shape[lead];
  const cols = shape[lead + 1];
  const block = rows * cols;
  const counter = new Array<number>(lead).fill(0);
  counter[0] = -1;
  let out = '';
  let start = true;
  let precision = 6;
  for (;;) {
    let finished = false;
    for (let i = 0; ; i++) {
      counter[i]++;
      if (counter[i] >= shape[i]) {
        if (i === lead - 1) {
          finished = true;
          break;
        }
        counter[i] = 0;
      } else break;
    }
    if (finished) break;
    if (start) start = false;
    else out += '\n';
    let at = 0;
    for (let i = 0; i < lead; i++) at = at * shape[i] + counter[i];
    out += `(${counter.map((c) => `${c + 1},`).join('')}.,.) = \n`;
    const [text, after] = printMatrix(values.subarray(at * block, (at + 1) * block), rows, cols, linesize, 1, precision);
    out += text;
    precision = after;
  }
  return out;
}
