// nn.functional's one_hot, normalize, cosine_similarity, pairwise_distance, kl_div and embedding against PyTorch 1.13
// (test/fixtures/torch/gen_similarity.py): programs compared on values, gradients, grad_fn names, flags
// and error texts, as the differential tester compares them.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { compare, runProgram, type Program } from '../autograd/programs.js';

interface EmbeddingModuleCase {
  args: [number, number];
  kwargs: Record<string, number | boolean>;
  repr: string;
  weight: number[];
  padding_idx: number | null;
}

const fixture = readFixture<{ torch: string; cases: Array<Program & { op: string }>; warnings: Record<string, string>; embedding_modules: EmbeddingModuleCase[] }>(
  'torch/similarity.json',
);

describe(`one_hot, normalize, cosine_similarity, pairwise_distance and kl_div against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      assert.deepEqual(compare(c, runProgram(c)).slice(0, 3), []);
    });
  }
});

test("kl_div's reduction='mean' warns with PyTorch's text; one_hot is int64 and not differentiable", () => {
  const seen: string[] = [];
  torch.resetWarnings();
  const previous = torch.setWarningHandler((m) => seen.push(m));
  try {
    torch.nn.functional.kl_div(torch.zeros(2), torch.ones(2));
  } finally {
    torch.setWarningHandler(previous);
  }
  assert.deepEqual(seen, [fixture.warnings.kl_div_mean]);
  const h = torch.nn.functional.one_hot(torch.tensor([2n, 0n]), 3);
  assert.equal(String(h), 'tensor([[0, 0, 1],\n        [1, 0, 0]])');
  assert.equal(h.requires_grad, false);
});

describe('nn.Embedding against PyTorch: repr, padding_idx, weights drawn after torch.manual_seed(7)', () => {
  for (const [i, c] of fixture.embedding_modules.entries()) {
    test(`${i}: ${c.repr}`, () => {
      torch.manual_seed(7);
      const m = new torch.nn.Embedding(c.args[0], c.args[1], c.kwargs);
      assert.equal(String(m), c.repr);
      assert.equal(m.padding_idx, c.padding_idx);
      assert.deepEqual(Array.from(m.weight.detach().numpy()), c.weight);
    });
  }
});

test('nn.CosineSimilarity, nn.PairwiseDistance and nn.KLDivLoss are their functions, printed as PyTorch prints them', () => {
  const x = torch.tensor([[1, 2, 3], [-1, 0.5, 2]]);
  const y = torch.tensor([[0.5, 2, -1], [1, 1, 1]]);
  const cos = new torch.nn.CosineSimilarity({ dim: 0, eps: 1e-6 });
  assert.equal(String(cos), 'CosineSimilarity()');
  assert.deepEqual(Array.from(cos.forward(x, y).numpy()), Array.from(torch.nn.functional.cosine_similarity(x, y, 0, 1e-6).numpy()));
  const pd = new torch.nn.PairwiseDistance({ p: 1, keepdim: true });
  assert.equal(String(pd), 'PairwiseDistance()');
  assert.deepEqual([...pd.forward(x, y).shape], [2, 1]);
  assert.deepEqual(Array.from(pd.forward(x, y).numpy()), Array.from(torch.nn.functional.pairwise_distance(x, y, 1, 1e-6, true).numpy()));
  const kl = new torch.nn.KLDivLoss({ reduction: 'batchmean', log_target: true });
  assert.equal(String(kl), 'KLDivLoss()');
  assert.equal(kl.forward(x, y).item(), torch.nn.functional.kl_div(x, y, { reduction: 'batchmean', log_target: true }).item());
});
