// Numbers written to files so that they read back exactly.

/**
 * float64: JavaScript's shortest round-trip text. float32: the shortest decimal (by toPrecision, correctly
 * rounded) that reads back as the same float32. `-0` keeps its sign.
 */
export function exactText(v: number, dtype: 'float32' | 'float64'): string {
  if (Object.is(v, -0)) return '-0';
  if (dtype === 'float64' || !Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let p = 1; p < 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9))); // 9 significant digits always identify a float32
}

/** An integer with comma thousands separators (`330,152`); toLocaleString would load ICU data (~20 ms). */
export function thousands(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 && Math.round(n) !== 0 ? `-${grouped}` : grouped;
}
