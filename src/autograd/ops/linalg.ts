// torch.linalg: the registry's linalg_* entries under PyTorch's names, checking their keywords as every op does.

import { registry } from './registry.js';
import { KEYWORDS, POSITIONAL } from './keywords.generated.js';
import { withKeywordCheck } from '../../tensor/keywords.js';

export const vector_norm = withKeywordCheck('vector_norm', registry.linalg_vector_norm.fn, KEYWORDS.linalg_vector_norm.fn, POSITIONAL.linalg_vector_norm.fn);
export const norm = withKeywordCheck('norm', registry.linalg_norm.fn, KEYWORDS.linalg_norm.fn, POSITIONAL.linalg_norm.fn);
export const cross = withKeywordCheck('cross', registry.linalg_cross.fn, KEYWORDS.linalg_cross.fn, POSITIONAL.linalg_cross.fn);
