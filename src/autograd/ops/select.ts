// select, as torch.autograd.functional's jacobian uses it (torch.stack of the rows, out.reshape(-1)[j]):
// SelectBackward0 and select_backward's SelectBackwardBackward0 are the views of basic indexing (views.ts).

export { select, selectBackward } from './views.js';
// torch.stack is in cat.ts with torch.cat
export { stack } from './cat.js';
