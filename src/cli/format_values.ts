// Numbers written to files so that they read back exactly.

/** float64: JavaScript's shortest round-trip text. float32: the shortest text that reads back as the same float32. */
export function exactText(v: number, dtype: 'float32' | 'float64'): string {
  if (dtype === 'float64') return String(v);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}
