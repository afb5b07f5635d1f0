// torch.viz.make_dot: the backward graph torchviz draws (labels and edges from real PyTorch 1.13 graphs,
// gen_make_dot.py), its Graphviz SVG, and `autograd grad --graph`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { CompiledExpression } from '../../src/expr/evaluate.js';
import { parseExpression, type Literal } from '../../src/expr/parser.js';
import { readFixture } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

interface Case {
  source: string;
  at: Record<string, Literal>;
  nodes: Array<[string, string | null]>;
  edges: Array<[string, string]>;
}
const { cases } = readFixture<{ cases: Case[] }>('torch/make_dot.json');

/** Node labels (with fill colours) and edges by label, from make_dot's DOT text. */
function parseDot(source: string): { nodes: Array<[string, string | null]>; edges: Array<[string, string]> } {
  const labels = new Map<string, [string, string | null]>();
  const edges: Array<[string, string]> = [];
  for (const line of source.split('\n')) {
    const node = /^\t(\w+) \[label="((?:[^"\\]|\\.)*)"(?: fillcolor=(\w+))?\]$/.exec(line);
    if (node !== null) labels.set(node[1], [node[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1'), node[3] ?? null]);
    const edge = /^\t(\w+) -> (\w+)$/.exec(line);
    if (edge !== null) edges.push([edge[1], edge[2]]);
  }
  const label = (id: string): string => (labels.get(id) as [string, string | null])[0];
  const key = (n: [string, string | null]): string => `${n[0]}\u0000${n[1] ?? ''}`;
  return {
    nodes: [...labels.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
    edges: edges.map(([a, b]): [string, string] => [label(a), label(b)]).sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1)),
  };
}

function evaluate(c: Case): { out: Tensor; vars: Record<string, Tensor> } {
  const vars = Object.fromEntries(Object.entries(c.at).map(([k, v]) => [k, torch.tensor(v, { requires_grad: true })]));
  const out = new CompiledExpression(parseExpression(c.source)).evaluate(vars, { dtype: 'float32' }) as Tensor;
  return { out, vars };
}

for (const c of cases) {
  test(`make_dot draws torchviz's graph of ${c.source}`, () => {
    const { out, vars } = evaluate(c);
    const dot = torch.viz.make_dot(out, { params: vars });
    assert.match(dot.source, /^digraph \{\n/);
    assert.deepEqual(parseDot(dot.source), { nodes: c.nodes, edges: c.edges });
  });
}

test('make_dot lays the graph out with Graphviz: one SVG node per graph node, labels kept', async () => {
  const c = cases[0];
  const { out, vars } = evaluate(c);
  const svg = await torch.viz.make_dot(out, { params: vars }).pipe('svg');
  assert.match(svg, /^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
  assert.equal((svg.match(/<g id="node\d+" class="node">/g) ?? []).length, c.nodes.length);
  assert.equal((svg.match(/<g id="edge\d+" class="edge">/g) ?? []).length, c.edges.length);
  for (const name of ['SumBackward0', 'PowBackward0', 'AccumulateGrad', '(2, 2)']) assert.ok(svg.includes(name), name);
});

test('a leaf without a grad_fn is one light-blue node; a deep chain does not overflow the stack', () => {
  const x = torch.tensor([1, 2], { requires_grad: true });
  assert.match(torch.viz.make_dot(x, { params: { x } }).source, /\[label="x\\n \(2\)" fillcolor=lightblue\]/);
  let y: Tensor = x;
  for (let i = 0; i < 5000; i++) y = torch.mul(y, 1);
  const lines = torch.viz.make_dot(y).source.split('\n').filter((l) => l.includes('MulBackward0'));
  assert.equal(lines.length, 5000);
});

test('autograd grad --graph writes .dot and .svg files; other extensions are a usage error', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autograd-graph-'));
  const args = ['grad', '(w * x + b) ** 2', '--at', 'w=0.5', '--at', 'x=2', '--at', 'b=[1,2]', '--sum'];
  const dot = await runCli([...args, '--graph', 'g.dot'], { cwd: dir });
  assert.equal(dot.code, 0, dot.stderr);
  const source = readFileSync(path.join(dir, 'g.dot'), 'utf8');
  assert.match(source, /label="SumBackward0"/); // from result.sum(), the tensor backward started from
  assert.match(source, /label="b\\n \(2\)" fillcolor=lightblue/);
  const svg = await runCli([...args, '--graph', 'g.svg'], { cwd: dir });
  assert.equal(svg.code, 0, svg.stderr);
  assert.equal(svg.stdout, dot.stdout);
  assert.match(readFileSync(path.join(dir, 'g.svg'), 'utf8'), /<svg [\s\S]*PowBackward0[\s\S]*<\/svg>/);
  const bad = await runCli([...args, '--graph', 'g.png'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--graph.*\.svg or \.dot/);
  assert.equal(existsSync(path.join(dir, 'g.png')), false);
});
