// The options of `autograd predict`, as commander parses them.

export interface PredictOptions {
  model: string;
  data: string;
  out?: string;
}
