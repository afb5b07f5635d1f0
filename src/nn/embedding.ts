// nn.Embedding: a lookup table of num_embeddings rows (init.normal_, the padding row zeroed), its forward
// F.embedding, its repr PyTorch's (`Embedding(10, 3, padding_idx=0)`).

import { embedding, paddingIndex } from '../autograd/ops/embedding.js';
import type { Generator } from '../random/generator.js';
import { get_default_dtype, type DType } from '../tensor/dtype.js';
import { no_grad } from '../tensor/autograd/grad_mode.js';
import { zeros } from '../tensor/factories.js';
import type { Tensor } from '../tensor/tensor.js';
import { fill_ } from '../autograd/ops/inplace.js';
import { select } from '../autograd/ops/views.js';
import { hyperRepr } from './hyper.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface EmbeddingModuleOptions {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  _weight?: Tensor | null;
  dtype?: DType;
  generator?: Generator;
}

export class Embedding extends Module {
  static override readonly __module__ = 'torch.nn.modules.sparse';
  readonly num_embeddings: number;
  readonly embedding_dim: number;
  readonly padding_idx: number | null;
  readonly max_norm: number | null;
  readonly norm_type: number;
  readonly scale_grad_by_freq: boolean;
  readonly sparse: boolean;
  declare weight: Parameter;

  constructor(num_embeddings: number, embedding_dim: number, options: EmbeddingModuleOptions = {}) {
    super();
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    const p = options.padding_idx ?? null;
    this.padding_idx = p === null ? null : paddingIndex(p, num_embeddings);
    this.max_norm = options.max_norm ?? null;
    this.norm_type = options.norm_type ?? 2;
    this.scale_grad_by_freq = options.scale_grad_by_freq ?? false;
    this.sparse = options.sparse ?? false;
    if (options._weight !== undefined && options._weight !== null) {
      this.weight = new Parameter(options._weight);
    } else {
      this.weight = new Parameter(zeros(num_embeddings, embedding_dim, { dtype: options.dtype ?? get_default_dtype() }));
      this.reset_parameters(options.generator);
    }
  }

  /** init.normal_(weight), then the padding row zeroed. */
  reset_parameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, generator === undefined ? {} : { generator });
    if (this.padding_idx !== null) {
      const row = this.padding_idx;
      no_grad(() => fill_(select(this.weight, 0, row), 0));
    }
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      padding_idx: this.padding_idx,
      max_norm: this.max_norm,
      norm_type: this.norm_type,
      scale_grad_by_freq: this.scale_grad_by_freq,
      sparse: this.sparse,
    });
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${hyperRepr(this.max_norm, true, '')}`;
    if (this.norm_type !== 2) s += `, norm_type=${hyperRepr(this.norm_type, true, '')}`;
    if (this.scale_grad_by_freq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}
