// at::mt19937 (aten/src/ATen/core/MT19937RNGEngine.h): init_genrand seeding with seed & 0xffffffff, the
// state kept as `left`/`next` exactly as PyTorch keeps it, so get_rng_state() round-trips byte for byte.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UMASK = 0x80000000;
const LMASK = 0x7fffffff;

/** MT19937's tempering of one state word (as an int32: callers store it or take >>> 0). */
function temper(word: number): number {
  let y = word;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return y ^ (y >>> 18);
}

export class MT19937 {
  readonly state = new Uint32Array(N);
  /** The 64-bit seed as given (PyTorch keeps all 64 bits; only the low 32 seed the state). */
  seed: bigint = 5489n;
  left = 1;
  next = 0;

  constructor(seed: bigint = 5489n) {
    this.initWithUint32(seed);
  }

  initWithUint32(seed: bigint): void {
    this.seed = BigInt.asUintN(64, seed);
    const s = this.state;
    s[0] = Number(this.seed & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const p = s[j - 1];
      s[j] = (Math.imul(1812433253, p ^ (p >>> 30)) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
  }

  copyFrom(other: MT19937): void {
    this.state.set(other.state);
    this.seed = other.seed;
    this.left = other.left;
    this.next = other.next;
  }

  /** The next 624 words of state. NOTE: the MATRIX_A term without a branch: a coin-flip branch per word was most of a draw's time. */
  private nextState(): void {
    const s = this.state;
    this.left = N;
    this.next = 0;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (s[i] & UMASK) | (s[i + 1] & LMASK);
      s[i] = s[i + M] ^ (y >>> 1) ^ (-(s[i + 1] & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      const y = (s[i] & UMASK) | (s[i + 1] & LMASK);
      s[i] = s[i + M - N] ^ (y >>> 1) ^ (-(s[i + 1] & 1) & MATRIX_A);
    }
    const y = (s[N - 1] & UMASK) | (s[0] & LMASK);
    s[N - 1] = s[M - 1] ^ (y >>> 1) ^ (-(s[0] & 1) & MATRIX_A);
  }

  /** The state after `count` more draws, as nextUint32 would leave it (without tempering the draws). */
  skip(count: number): void {
    while (count > 0) {
      const free = this.left - 1; // draws before the one that makes the next state
      if (count <= free) {
        this.left -= count;
        this.next += count;
        return;
      }
      this.nextState(); // that draw: left reaches 0, the state is made, then next++
      this.next = 1;
      count -= free + 1;
    }
  }

  /**
   * The next `count` tempered draws into out[0..count), as that many nextUint32() calls make them (a
   * typed array holds them unboxed: a million-element randperm's draws, one call each, took most of its time).
   */
  fillUint32(out: Uint32Array, count: number): void {
    const s = this.state;
    for (let i = 0; i < count; i++) {
      if (--this.left === 0) this.nextState();
      out[i] = temper(s[this.next++]);
    }
  }

  /** One tempered 32-bit draw, as an unsigned number. */
  nextUint32(): number {
    if (--this.left === 0) this.nextState();
    return temper(this.state[this.next++]) >>> 0;
  }
}
