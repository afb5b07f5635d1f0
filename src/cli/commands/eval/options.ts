// The options of `autograd eval`, as commander parses them.

export interface EvalOptions {
  model: string;
  data: string;
  /** The field delimiter; 'auto' (default) detects it. */
  delimiter?: ',' | ';' | '\t' | '|' | 'auto';
  json: boolean;
}
