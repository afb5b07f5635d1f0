// The public creation and random functions (torch.zeros, torch.arange, torch.randint, ...): the ones in
// factories.ts, random.ts and multinomial.ts, taking PyTorch's keywords for their positional parameters
// too (`torch.zeros({ size: [2, 3] })`, `torch.arange(0, 5, { step: 2 })`), as every op does.

import { PUBLIC_POSITIONAL } from './ops/keywords.generated.js';
import * as factories from '../tensor/factories.js';
import { withKeywordCheck } from '../tensor/keywords.js';
import * as multinomials from '../tensor/multinomial.js';
import * as random from '../tensor/random.js';

type AnyFn = (...args: never[]) => unknown;

function bound<F extends AnyFn>(name: string, fn: F): F {
  const p = PUBLIC_POSITIONAL[name];
  return p === undefined ? fn : withKeywordCheck(name, fn, p.keys, p.positional);
}

export const tensor = bound('tensor', factories.tensor);
export const from_numpy = bound('from_numpy', factories.from_numpy);
export const zeros = bound('zeros', factories.zeros);
export const ones = bound('ones', factories.ones);
export const full = bound('full', factories.full);
export const empty = bound('empty', factories.empty);
export const eye = bound('eye', factories.eye);
export const arange = bound('arange', factories.arange);
export const linspace = bound('linspace', factories.linspace);
export const logspace = bound('logspace', factories.logspace);
export const zeros_like = bound('zeros_like', factories.zeros_like);
export const ones_like = bound('ones_like', factories.ones_like);
export const full_like = bound('full_like', factories.full_like);
export const empty_like = bound('empty_like', factories.empty_like);
export const rand = bound('rand', random.rand);
export const randn = bound('randn', random.randn);
export const rand_like = bound('rand_like', random.rand_like);
export const randn_like = bound('randn_like', random.randn_like);
export const randint = bound('randint', random.randint);
export const randperm = bound('randperm', random.randperm);
export const normal = bound('normal', random.normal);
export const bernoulli = bound('bernoulli', random.bernoulli);
export const multinomial = bound('multinomial', multinomials.multinomial);
