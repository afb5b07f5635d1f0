// `autograd train`'s optimizer, loss, schedule, split, early-stopping and resume flags: each refused
// combination is a usage error (exit 2) naming the flag, before any data is read.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const refused: Array<[string[], RegExp]> = [
  [['--optimizer', 'lbfgs'], /option '--optimizer <name>' argument 'lbfgs' is invalid\. Allowed choices are sgd, adam, adamw, rmsprop, adagrad/],
  [['--loss', 'hinge'], /option '--loss <name>' argument 'hinge' is invalid/],
  [['--scheduler', 'cyclic'], /option '--scheduler <name>' argument 'cyclic' is invalid/],
  [['--optimizer', 'adam', '--momentum', '0.9'], /--momentum applies to --optimizer sgd or rmsprop, not adam/],
  [['--optimizer', 'adam', '--nesterov'], /--nesterov applies to --optimizer sgd, not adam/],
  [['--optimizer', 'rmsprop', '--dampening', '0.1'], /--dampening applies to --optimizer sgd, not rmsprop/],
  [['--betas', '0.9,0.99'], /--betas applies to --optimizer adam or adamw, not sgd/],
  [['--optimizer', 'sgd', '--amsgrad'], /--amsgrad applies to --optimizer adam or adamw, not sgd/],
  [['--optimizer', 'adam', '--alpha', '0.9'], /--alpha applies to --optimizer rmsprop, not adam/],
  [['--optimizer', 'adagrad', '--centered'], /--centered applies to --optimizer rmsprop, not adagrad/],
  [['--optimizer', 'adam', '--lr-decay', '0.1'], /--lr-decay applies to --optimizer adagrad, not adam/],
  [['--eps', '1e-8'], /--eps applies to --optimizer adam, adamw, rmsprop or adagrad, not sgd/],
  [['--optimizer', 'adam', '--betas', '0.9'], /'--betas <b1,b2>' argument '0\.9' is invalid\. Expected two numbers separated by a comma/],
  [['--optimizer', 'adam', '--betas', '0.9,1'], /beta 2 must be in \[0, 1\), got 1/],
  [['--delta', '2'], /--delta applies to --loss huber, not mse/],
  [['--loss', 'huber', '--beta', '2'], /--beta applies to --loss smooth-l1, not huber/],
  [['--loss', 'huber', '--delta', '0'], /'--delta <d>' argument '0' is invalid\. It must be greater than 0/],
  [['--gamma', '0.5'], /--gamma needs --scheduler step, multistep or exponential/],
  [['--scheduler', 'cosine', '--gamma', '0.5'], /--gamma applies to --scheduler step, multistep or exponential, not cosine/],
  [['--scheduler', 'step'], /--scheduler step needs --step-size/],
  [['--scheduler', 'multistep'], /--scheduler multistep needs --milestones/],
  [['--scheduler', 'exponential'], /--scheduler exponential needs --gamma/],
  [['--scheduler', 'multistep', '--milestones', '5,3'], /The milestones must increase: 5 then 3/],
  [['--scheduler', 'multistep', '--milestones', '0,3'], /Expected positive whole epoch numbers/],
  [['--scheduler', 'linear', '--start-factor', '0'], /It must be greater than 0 and at most 1/],
  [['--scheduler', 'plateau', '--factor', '1'], /It must be between 0 and 1 \(both excluded\)/],
  [['--scheduler', 'plateau', '--patience', '-1'], /'--patience <n>' argument '-1' is invalid/],
  [['--early-stopping', '3'], /--early-stopping needs --val-split: it watches the validation loss/],
  [['--min-delta', '0.1'], /--min-delta needs --early-stopping/],
  [['--early-stopping', '0', '--val-split', '0.2'], /'--early-stopping <n>' argument '0' is invalid/],
  [['--val-split', '0.5', '--test-split', '0.5'], /--val-split 0\.5 and --test-split 0\.5 leave no training rows/],
  [['--test-split', '1'], /'--test-split <fraction>' argument '1' is invalid/],
  [['--stream', '--test-split', '0.2'], /--stream cannot be combined with --test-split/],
  [['--stream', '--resume', 'm.json'], /--resume cannot be combined with --stream/],
  [['--test-split', '0.001'], /--test-split 0\.001 of 100 rows leaves 0 test and 100 training rows; test needs at least one/],
];

for (const [args, pattern] of refused) {
  test(`train ${args.join(' ')}: usage error`, async () => {
    const r = await runCli(['train', '--quiet', ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  });
}

test('--resume refuses a model of other columns or dtype, and a broken training state, naming the file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autograd-resume-'));
  try {
    const file = path.join(dir, 'm.json');
    const ok = await runCli(['train', '--quiet', '--epochs', '2', '--save', file]);
    assert.equal(ok.code, 0, ok.stderr);
    const dt = await runCli(['train', '--quiet', '--resume', file, '--dtype', 'float64']);
    assert.equal(dt.code, 2);
    assert.match(dt.stderr, /--resume .*m\.json holds a float32 model; train it with --dtype float32/);
    const csv = path.join(dir, 'two.csv');
    writeFileSync(csv, 'a,b,y\n1,2,3\n2,3,5\n3,1,4\n');
    const cols = await runCli(['train', '--quiet', '--resume', file, '--data', csv]);
    assert.equal(cols.code, 2);
    assert.match(cols.stderr, /was trained on features 'x0', the data has 'a', 'b' \(choose them with --features\)/);
    const bad = path.join(dir, 'bad.json');
    const model = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as { training_state: { optimizer: { state_dict: { param_groups: unknown[] } } } };
    model.training_state.optimizer.state_dict.param_groups = [];
    writeFileSync(bad, JSON.stringify(model));
    const broken = await runCli(['train', '--quiet', '--resume', bad]);
    assert.equal(broken.code, 65, broken.stderr);
    assert.match(broken.stderr, /bad\.json: not a valid model file: 'training_state\.optimizer' cannot be loaded: loaded state dict has a different number of parameter groups/);
    const other = await runCli(['train', '--quiet', '--resume', file, '--optimizer', 'sgd', '--momentum', '0.5', '--epochs', '1']);
    assert.equal(other.code, 0, other.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
