// Where the reference fixtures live: test/fixtures/, or AUTOGRAD_FIXTURES_DIR when set.

import { readFileSync } from 'node:fs';
import path from 'node:path';

export function fixturesDir(): string {
  const override = process.env.AUTOGRAD_FIXTURES_DIR;
  return override !== undefined && override !== '' ? path.resolve(override) : path.resolve(process.cwd(), 'test/fixtures');
}

/** Parse `<fixturesDir>/<relative>` as JSON. */
export function readFixture<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(fixturesDir(), relative), 'utf8')) as T;
}

/** A tensor as the fixtures write it: shape plus flat row-major data (float64 JSON numbers). */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/** A number as the fixture scripts encode it: 'nan', 'inf', '-inf' and '-0' for what JSON cannot hold. */
export type EncodedNumber = number | 'nan' | 'inf' | '-inf' | '-0';

export function decodeNumber(v: EncodedNumber): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v;
}
