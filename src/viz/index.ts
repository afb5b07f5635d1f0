// `torch.viz`: pictures of autograd graphs (torchviz's make_dot).
export { make_dot, Digraph, type MakeDotOptions } from './make_dot.js';
