// How a module's extra_repr prints its hyper-parameters: as Python prints the value it was given.

import { pyRepr } from '../tensor/pyfloat.js';

/**
 * A number as PyTorch's repr shows it. JavaScript has one number type, so an integer given by the user
 * prints as a Python int (`ELU(alpha=2)`, as `nn.ELU(2)` does) and a default as PyTorch's own default
 * literal (`ELU(alpha=1.0)`, `Softplus(beta=1, threshold=20)`): `pyDefault` is that literal's repr.
 */
export function hyperRepr(value: number, given: boolean, pyDefault: string): string {
  if (!given) return pyDefault;
  return Number.isInteger(value) ? String(value) : pyRepr(value);
}

export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}
