// The options of `autograd predict`, as commander parses them.

export interface PredictOptions {
  model: string;
  data: string;
  /** The field delimiter; 'auto' (default) detects it. */
  delimiter?: ',' | ';' | '\t' | '|' | 'auto';
  out?: string;
}
