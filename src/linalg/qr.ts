// Householder QR with LAPACK's conventions (dgeqr2 + dorg2r, what scipy.linalg.qr(mode='economic') runs
// for small matrices), on row-major Float64Arrays. Used by make_low_rank_matrix and least squares.

/** A factorisation in LAPACK's packed form: R on and above the diagonal, reflectors v below, and tau. */
export interface PackedQR {
  a: Float64Array;
  m: number;
  n: number;
  tau: Float64Array;
}

/** dgeqr2: factor the m×n matrix `A` (copied). */
export function householderQR(A: Float64Array, m: number, n: number): PackedQR {
  const a = Float64Array.from(A);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const alpha = a[j * n + j];
    let xnorm = 0;
    for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, a[i * n + j]);
    if (xnorm === 0) continue; // H_j = I, tau_j = 0
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) a[i * n + j] *= scale;
    a[j * n + j] = 1; // v_j = [1, a[j+1.., j]] while applying
    applyReflector(a, m, n, j, tau[j], j + 1, n);
    a[j * n + j] = beta;
  }
  return { a, m, n, tau };
}

/** C[j.., c0..c1) -= tau · v (vᵀ C), with v stored in column j of `a` from row j (v_j = 1 there). */
function applyReflector(a: Float64Array, m: number, n: number, j: number, tau: number, c0: number, c1: number, v: Float64Array = a, vCol = j, vStride = n): void {
  if (tau === 0) return;
  for (let c = c0; c < c1; c++) {
    let w = 0;
    for (let i = j; i < m; i++) w += v[i * vStride + vCol] * a[i * n + c];
    w *= tau;
    for (let i = j; i < m; i++) a[i * n + c] -= w * v[i * vStride + vCol];
  }
}

/** dorg2r: the economic Q (m × k, k = min(m, n)) from a packed factorisation. */
export function qFactor(qr: PackedQR): Float64Array {
  const { m, n, tau } = qr;
  const k = Math.min(m, n);
  const q = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let c = 0; c < k; c++) q[i * k + c] = qr.a[i * n + c];
  for (let i = k - 1; i >= 0; i--) {
    if (i < k - 1) {
      q[i * k + i] = 1;
      applyReflector(q, m, k, i, tau[i], i + 1, k);
    }
    for (let r = i + 1; r < m; r++) q[r * k + i] *= -tau[i];
    q[i * k + i] = 1 - tau[i];
    for (let r = 0; r < i; r++) q[r * k + i] = 0;
  }
  return q;
}

/** Apply Qᵀ to the columns of B (m × t, in place), using the packed reflectors. */
export function applyQT(qr: PackedQR, B: Float64Array, t: number): void {
  const { a, m, n, tau } = qr;
  for (let j = 0; j < Math.min(m, n); j++) {
    const saved = a[j * n + j];
    a[j * n + j] = 1;
    applyReflector(B, m, t, j, tau[j], 0, t, a, j, n);
    a[j * n + j] = saved;
  }
}
