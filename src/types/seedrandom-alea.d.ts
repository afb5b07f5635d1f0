// seedrandom's Alea on its own (the package's lib/alea.js, the function seedrandom.alea is): the package's
// index also loads node:crypto for seeding from entropy, which this project never does (~7 ms of start-up).
declare module 'seedrandom/lib/alea.js' {
  import type seedrandom from 'seedrandom';

  const alea: typeof seedrandom.alea;
  export default alea;
}
