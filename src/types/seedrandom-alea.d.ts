// seedrandom's Alea on its own (the package's lib/alea.js, the function seedrandom.alea is): the package's
// index also loads node:crypto for seeding from entropy, which this project never does (~7 ms of start-up).
// The types are written here (seedrandom 3's Alea), not taken from @types/seedrandom: that is a
// devDependency, and the public .d.ts files must not need it (a strict consumer would fail on TS7016).
declare module 'seedrandom/lib/alea.js' {
  /** Alea's state: its three terms and carry, as seedrandom 3 keeps them. */
  export interface AleaState {
    c: number;
    s0: number;
    s1: number;
    s2: number;
  }

  export interface AleaPRNG {
    (): number;
    double(): number;
    int32(): number;
    quick(): number;
    state(): AleaState;
  }

  function alea(seed?: string, options?: { state?: boolean | AleaState }): AleaPRNG;
  export default alea;
}
