// The library's side of a saved model (issue 19): how to read a CSV for it, its predictions as a tensor,
// and a model file made from an nn.Linear trained in the library. The file format is model_file.ts.

import type { CsvTable } from '../data/csv_options.js';
import { fillMissing } from '../data/csv_encode.js';
import { ValueError } from '../errors.js';
import type { Linear } from '../nn/linear.js';
import { Tensor } from '../tensor/tensor.js';
import { MODEL_FORMAT, MODEL_VERSION, predictRows, type ModelFile, type Preprocessing, type SettingValue, type Standardization } from './model_file.js';

/**
 * The model's predictions, rows × targets in float64: for a table read with csvOptionsFor(model) (its
 * features must be the model's, by name; NaN cells take the model's fill), or for a [rows, features]
 * tensor of raw features. The standardization saved with the model is applied.
 */
export function predict(model: ModelFile, data: CsvTable | Tensor): Tensor {
  const F = model.feature_names.length;
  let X: ArrayLike<number>;
  let rows: number;
  if (data instanceof Tensor) {
    if (data.ndim !== 2 || data._shape[1] !== F) throw new ValueError(`predict: expected a [rows, ${F}] tensor of the model's features (${model.feature_names.slice(0, 5).join(', ')}${F > 5 ? ', ...' : ''}), got shape [${data._shape.join(', ')}]`);
    X = data.detach().contiguous().numpy();
    rows = data._shape[0];
  } else {
    const same = data.featureNames.length === F && data.featureNames.every((n, j) => n === model.feature_names[j]);
    if (!same) throw new ValueError(`predict: the table's features (${data.featureNames.slice(0, 5).join(', ')}) are not the model's (${model.feature_names.slice(0, 5).join(', ')}): read it with csvOptionsFor(model)`);
    X = data.X;
    rows = data.rows;
  }
  const fill = model.preprocessing?.fill ?? null;
  if (fill !== null) {
    const filled = Float64Array.from(X);
    fillMissing(filled, rows, fill);
    X = filled;
  }
  return new Tensor(predictRows(model, X, rows), [rows, model.target_names.length]);
}

/** The columns of a model made by modelFromLinear, when not taken from a CsvTable. */
export interface ModelColumns {
  feature_names: string[];
  target_names: string[];
  preprocessing?: Preprocessing | null;
}

/**
 * A model file for an nn.Linear trained in the library, so that `autograd predict` and `eval` (and
 * loadModel/predict) can use it: its weight and bias, and its columns, from the CsvTable it was trained
 * on (feature and target names, one-hot categories, the missing cells' fill) or given; `standardization`:
 * the statistics its inputs were standardized with (fitStandardization's), if any.
 */
export function modelFromLinear(linear: Linear, from: CsvTable | ModelColumns, extra: { standardization?: Standardization | null; settings?: Record<string, SettingValue> } = {}): ModelFile {
  const columns: ModelColumns = 'featureNames' in from
    ? {
      feature_names: from.featureNames,
      target_names: from.targetNames,
      preprocessing: { columns: from.encoding.columns, categories: from.encoding.categories, missing: from.fill === null ? 'error' : 'mean', fill: from.fill },
    }
    : from;
  if (columns.feature_names.length !== linear.in_features || columns.target_names.length !== linear.out_features) {
    throw new ValueError(`modelFromLinear: the Linear has ${linear.in_features} features and ${linear.out_features} targets, the names are ${columns.feature_names.length} and ${columns.target_names.length}`);
  }
  const s = extra.standardization ?? null;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    dtype: linear.weight._dtype === 'float64' ? 'float64' : 'float32',
    feature_names: [...columns.feature_names],
    target_names: [...columns.target_names],
    weight: linear.weight.detach().tolist() as number[][],
    bias: linear.bias === null ? new Array<number>(linear.out_features).fill(0) : Array.from(linear.bias.detach().numpy()),
    standardization: s === null ? null : { mean: Array.from(s.mean), std: Array.from(s.std) },
    settings: extra.settings ?? {},
    metrics: {},
    preprocessing: columns.preprocessing ?? null,
  };
}
