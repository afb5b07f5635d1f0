// The public library API, spelled as PyTorch spells it: `import * as torch from 'autograd'`.

import './autograd/ops/methods.js';

export { Tensor, type NestedArray, type NestedData, type BackwardOptions } from './tensor/tensor.js';
export { typedArrayDtype, type TensorOptions, type LogspaceOptions, type TypedArray } from './tensor/factories.js';
// the creation and random functions, taking PyTorch's keywords for their positional parameters too
export {
  tensor, from_numpy, zeros, ones, full, empty, eye, arange, linspace, zeros_like, ones_like, full_like, empty_like, logspace,
  rand, randn, rand_like, randn_like, randint, randperm, normal, bernoulli, multinomial,
} from './autograd/creation.js';
export { float32, float64, float, double, int64, long, int32, int, int16, short, int8, uint8, bool, defaultDtypeObject as get_default_dtype, set_default_dtype, LongStorage, BoolStorage, TorchDType as dtype, type DType, type DTypeArg, type Storage } from './tensor/dtype.js';
export { promote_types, result_type, can_cast } from './tensor/promotion.js';
export { Size } from './tensor/size.js';
export { finfo, iinfo, FInfo, IInfo } from './tensor/type_info.js';
export { set_printoptions, get_printoptions, type PrintOptions } from './tensor/format.js';
export * from './autograd/ops/functions.generated.js';
export { ReturnTypes } from './autograd/ops/return_types.js';
export { slice, Slice, type IndexItem } from './autograd/ops/indexing.js';
export * as linalg from './autograd/ops/linalg.js';
export { type TensorLike, type ReduceArgs } from './autograd/ops/index.js';
export { no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode, is_inference_mode_enabled, type GradModeDecorator } from './tensor/autograd/grad_mode.js';
export { Node } from './tensor/autograd/node.js';
export * as autograd from './autograd/api.js';
export { is_anomaly_enabled, is_anomaly_check_nan_enabled } from './autograd/anomaly_mode.js';
export * as viz from './viz/index.js';
export * from './errors.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as utils_data from './data/utils.js';
import * as utilsData from './data/utils.js';
/** `torch.utils.data`: `torch.utils.data.DataLoader`, `TensorDataset`, `random_split`, `Subset`, the samplers. */
export const utils = { data: utilsData } as const;
export { TensorDataset, DataLoader, type Dataset, type DataLoaderOptions } from './data/dataset.js';
export { fitStandardization, applyStandardization, trainValSplit, type Standardization } from './data/preprocess.js';
export { fit, fitAsync, evaluateLoss, type RowsBatch, type FitOptions, type FitCallbacks, type History, type StepInfo, type EpochInfo, type LossFn } from './train/fit.js';
export { setWarningHandler, resetWarnings, setPrintHandler, type WarningHandler, type PrintHandler } from './warnings.js';
// torch.save / torch.load in JSON (issue 17)
export { save, load, dumps, loads, type Saveable } from './io/save.js';
export { make_regression, makeRegressionArrays, type MakeRegressionParams, type MakeRegressionOptions, type MakeRegressionArrays } from './data/make_regression.js';
export { NumpyRandomState, createRandomSource, type RngKind } from './random/numpy.js';
// rng (issue 14): PyTorch's CPU generator and its samplers
export { Generator, manual_seed, initial_seed, seed, get_rng_state, set_rng_state, default_generator } from './random/generator.js';
export * as random from './random/torch_random.js';
export { AleaGenerator } from './random/alea.js';
export { normal_, uniform_, random_, bernoulli_, exponential_, type RandomOptions, type GeneratorOption } from './tensor/random.js';
export { type MultinomialOptions } from './tensor/multinomial.js';
export { RandomSampler, SubsetRandomSampler, SequentialSampler, randomSplitIndices, type RandomSamplerOptions } from './data/sampler.js';
export { lstsq, linearMSE, type LeastSquares } from './linalg/lstsq.js';
// CSV files and saved models (issue 19): the loader and the model file `autograd train` uses
export {
  loadCsv, streamCsv, csvEncoding, fillMissing, imputationMeans, FIELD_DELIMITERS, STDIN,
  type CsvOptions, type CsvTable, type CsvBatch, type CsvEncoding, type ColumnRef, type FieldDelimiter, type MissingPolicy,
} from './data/csv.js';
export { loadModel, saveModel, parseModel, csvOptionsFor, type ModelFile, type Preprocessing, type TrainingState, type SettingValue } from './io/model_file.js';
export { predict, modelFromLinear, type ModelColumns } from './io/predict.js';
