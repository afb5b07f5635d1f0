// The options of `autograd gen-data`, as commander parses them.

import type { DtypeName } from '../../options.js';

export interface GenDataOptions {
  nSamples: number;
  nFeatures: number;
  nInformative: number;
  nTargets: number;
  bias: number;
  noise: number;
  effectiveRank?: number;
  tailStrength: number;
  shuffle: boolean;
  signedCoef: boolean;
  seed: number;
  rng: 'default' | 'numpy';
  out?: string;
  dtype: DtypeName;
}
