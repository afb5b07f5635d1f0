// The ops as functions: every torch.* function of the registry, plus the helpers and types that
// nn, optim and the training loop call directly (never through installed Tensor methods).

import './bind.js';

export * from './functions.generated.js';
export { registry, differentiableOps, torchFunctionNames, type OpName, type Registry, type RegistryMethods, type ReduceArgs, type ExprSpelling } from './registry.js';
export { add_, sub_, mul_, div_, type TensorLike, type AlphaOption } from './arithmetic.js';
export { castScalar } from '../../tensor/dtype.js';
export { type DimArg } from './reduce.js';
export { view, toDtype } from './shape.js';
export { linear, mse_loss, binary_cross_entropy_with_logits, type Reduction, type BCEOptions } from './nn.js';
export { fill_, zero_, copy_ } from './inplace.js';
