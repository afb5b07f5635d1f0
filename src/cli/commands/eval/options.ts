// The options of `autograd eval`, as commander parses them.

export interface EvalOptions {
  model: string;
  data: string;
  json: boolean;
}
