// torch.linalg: the registry's linalg_* entries under PyTorch's names.

import { registry } from './registry.js';

export const vector_norm = registry.linalg_vector_norm.fn;
export const norm = registry.linalg_norm.fn;
export const cross = registry.linalg_cross.fn;
