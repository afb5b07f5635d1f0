// torch.Generator for the CPU: PyTorch 1.13's CPUGeneratorImpl (aten/src/ATen/CPUGeneratorImpl.cpp) over
// at::mt19937, with its two Box–Muller caches, its 64-bit draws (hi << 32 | lo) and its byte layout of
// get_rng_state(). The default generator is one of these: every draw in the library goes through it.

import { RuntimeError, ValueError } from '../errors.js';
import { MT19937 } from './mt19937.js';

/** PyTorch's default_rng_seed_val: what `torch.Generator()` starts from. */
export const DEFAULT_SEED = 67280421310721n;

/** sizeof(CPUGeneratorImplState) on x86-64: the length of `get_state()`. */
export const RNG_STATE_SIZE = 5056;

const MAX_U64 = (1n << 64n) - 1n;
const MIN_I64 = -(1n << 63n);

/** A seed given as PyTorch takes one: any integer in [-2^63, 2^64); negatives wrap to their unsigned 64 bits. */
export function toSeed(seed: number | bigint): bigint {
  if (typeof seed === 'number' && !Number.isInteger(seed)) throw new globalThis.TypeError(`manual_seed expected an integer, got ${seed}`);
  const s = BigInt(seed);
  if (s > MAX_U64 || s < MIN_I64) throw new RuntimeError('Overflow when unpacking long');
  return BigInt.asUintN(64, s);
}

/** A 64-bit value as a number when exact, else as a bigint (Python's int has no such split). */
export function seedValue(s: bigint): number | bigint {
  return s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
}

/** c10::detail::getNonDeterministicRandom for the CPU: 53 random bits. */
function nonDeterministicSeed(): bigint {
  const w = new Uint32Array(2);
  globalThis.crypto.getRandomValues(w);
  return ((BigInt(w[0]) << 32n) | BigInt(w[1])) & 0x1fffffffffffffn;
}

export class Generator {
  readonly device = 'cpu';
  readonly engine = new MT19937(DEFAULT_SEED);
  /** The Box–Muller second values PyTorch caches (`next_double_normal_sample`, `next_float_normal_sample`). */
  nextDoubleNormal: number | null = null;
  nextFloatNormal: number | null = null;

  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manual_seed(seed);
  }

  /** Re-seed (clearing both normal caches); returns this generator, as PyTorch does. */
  manual_seed(seed: number | bigint): this {
    this.engine.initWithUint32(toSeed(seed));
    this.nextDoubleNormal = null;
    this.nextFloatNormal = null;
    return this;
  }

  /** A fresh non-deterministic seed, set and returned. */
  seed(): number | bigint {
    const s = nonDeterministicSeed();
    this.manual_seed(s);
    return seedValue(s);
  }

  initial_seed(): number | bigint {
    return seedValue(this.engine.seed);
  }

  /** One 32-bit draw (CPUGeneratorImpl::random). */
  random(): number {
    return this.engine.nextUint32();
  }

  /** The next `count` random() draws into out[0..count) (internal: not a PyTorch method). */
  _randomFill(out: Uint32Array, count: number): void {
    this.engine.fillUint32(out, count);
  }

  /** The state after `count` random() draws, without making them (internal: not a PyTorch method). */
  _skip(count: number): void {
    this.engine.skip(count);
  }

  /** Two draws as (first << 32) | second (CPUGeneratorImpl::random64). */
  random64(): bigint {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The low 53 bits of random64() times 2^-53: uniform_real_distribution<double>(0, 1). */
  nextDouble53(): number {
    const hi = this.engine.nextUint32() & 0x1fffff;
    const lo = this.engine.nextUint32();
    return (hi * 4294967296 + lo) / 9007199254740992;
  }

  /** The low 24 bits of random() times 2^-24: uniform_real_distribution<float>(0, 1). */
  nextFloat24(): number {
    return (this.engine.nextUint32() & 0xffffff) / 16777216;
  }

  /**
   * The state as PyTorch's CPUGeneratorImplState bytes (little-endian x86-64 layout): initial seed u64,
   * left i32, seeded i32, next u64, the 624 words as u64, normal_x/normal_y/normal_rho f64,
   * normal_is_valid i32, then next_float_normal_sample f32 and its valid flag. PyTorch returns a uint8 tensor;
   * this is the same bytes as a Uint8Array.
   */
  get_state(): Uint8Array {
    const buf = new ArrayBuffer(RNG_STATE_SIZE);
    const v = new DataView(buf);
    const e = this.engine;
    v.setBigUint64(0, e.seed, true);
    v.setInt32(8, e.left, true);
    v.setInt32(12, 1, true);
    v.setBigUint64(16, BigInt(e.next), true);
    for (let i = 0; i < 624; i++) v.setUint32(24 + 8 * i, e.state[i], true);
    if (this.nextDoubleNormal !== null) {
      v.setFloat64(5024, this.nextDoubleNormal, true);
      v.setInt32(5040, 1, true);
    }
    if (this.nextFloatNormal !== null) {
      v.setFloat32(5048, this.nextFloatNormal, true);
      v.setUint8(5052, 1);
    }
    return new Uint8Array(buf);
  }

  /** Restore a state from get_state() (or from PyTorch's `get_rng_state().tolist()`). */
  set_state(state: Uint8Array | ArrayLike<number>): this {
    if (state.length !== RNG_STATE_SIZE) {
      throw new RuntimeError(`Expected a CPUGeneratorImplState of size ${RNG_STATE_SIZE} but found the input RNG state size to be ${state.length}`);
    }
    const bytes = Uint8Array.from(state);
    const v = new DataView(bytes.buffer);
    const left = v.getInt32(8, true);
    const seeded = v.getInt32(12, true);
    const next = Number(v.getBigUint64(16, true) & 0xffffffffn);
    if (seeded === 0 || !(left > 0 && left <= 624) || next > 624) throw new RuntimeError('Invalid mt19937 state');
    const e = this.engine;
    e.seed = v.getBigUint64(0, true);
    e.left = left;
    e.next = next;
    for (let i = 0; i < 624; i++) e.state[i] = v.getUint32(24 + 8 * i, true);
    this.nextDoubleNormal = v.getInt32(5040, true) !== 0 ? v.getFloat64(5024, true) : null;
    this.nextFloatNormal = v.getUint8(5052) !== 0 ? v.getFloat32(5048, true) : null;
    return this;
  }

  /** A copy with the same engine state and caches (CPUGeneratorImpl::clone). */
  clone(): Generator {
    const g = new Generator();
    g.engine.copyFrom(this.engine);
    g.nextDoubleNormal = this.nextDoubleNormal;
    g.nextFloatNormal = this.nextFloatNormal;
    return g;
  }
}

/** The default generator: what factories, nn.init, nn.Linear and the samplers use when given none. */
export const default_generator = new Generator();

/** `torch.manual_seed(n)`: seed the default generator. */
export function manual_seed(seed: number | bigint): Generator {
  return default_generator.manual_seed(seed);
}

export function initial_seed(): number | bigint {
  return default_generator.initial_seed();
}

/** `torch.seed()`: a non-deterministic seed for the default generator. */
export function seed(): number | bigint {
  return default_generator.seed();
}

export function get_rng_state(): Uint8Array {
  return default_generator.get_state();
}

export function set_rng_state(state: Uint8Array | ArrayLike<number>): void {
  default_generator.set_state(state);
}

/**
 * `torch.random.fork_rng()` for the CPU: run `fn`, then restore the default generator's state (also when
 * `fn` throws). With `enabled: false` it only runs `fn`.
 */
export function fork_rng<T>(fn: () => T, options: { enabled?: boolean } = {}): T {
  if (options.enabled === false) return fn();
  const saved = default_generator.get_state();
  try {
    return fn();
  } finally {
    default_generator.set_state(saved);
  }
}

export function checkGenerator(g: unknown): Generator {
  if (!(g instanceof Generator)) throw new ValueError('generator must be a torch.Generator');
  return g;
}
