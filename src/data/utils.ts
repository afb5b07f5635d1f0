// torch.utils.data: datasets, the DataLoader, samplers and random_split.

import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../random/generator.js';
import type { Dataset } from './dataset.js';
import { randomSplitIndices } from './sampler.js';

export { TensorDataset, DataLoader, gatherRows, type Dataset, type DataLoaderOptions } from './dataset.js';
export { RandomSampler, SequentialSampler, SubsetRandomSampler, type RandomSamplerOptions } from './sampler.js';

/** `Subset(dataset, indices)`: the samples of `dataset` at `indices`, in that order. */
export class Subset implements Dataset {
  constructor(
    readonly dataset: Dataset,
    readonly indices: readonly number[],
  ) {}

  get length(): number {
    return this.indices.length;
  }

  get(index: number): Tensor[] {
    return this.dataset.get(this.indices[index]);
  }
}

/**
 * `random_split(dataset, lengths, generator)`: Subsets over consecutive slices of randperm(len(dataset)),
 * the lengths as counts or as fractions summing to 1 (PyTorch 1.13's rounding).
 */
export function random_split(dataset: Dataset, lengths: readonly number[], generator?: Generator): Subset[] {
  return randomSplitIndices(dataset.length, lengths, generator).map((indices) => new Subset(dataset, indices));
}
