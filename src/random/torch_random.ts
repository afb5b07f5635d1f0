// `torch.random`: the module's functions over the default generator.

export { manual_seed, seed, initial_seed, get_rng_state, set_rng_state, fork_rng } from './generator.js';
