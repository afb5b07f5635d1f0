// Householder QR with LAPACK's conventions (dgeqr2 + dorg2r, what scipy.linalg.qr(mode='economic') runs),
// plus a column-pivoted variant for least squares. Row-major in and out; column-major inside, as LAPACK.

/** A factorisation in LAPACK's packed form: R on and above the diagonal, reflectors v below it, and tau. */
export interface PackedQR {
  /** m × n, column-major (entry (i, j) at j·m + i): R in the upper triangle, v_j without its leading 1 below the diagonal. */
  cols: Float64Array;
  m: number;
  n: number;
  /** tau_j of H_j = I - tau_j v_j v_jᵀ; tau_j = 0 means H_j = I. */
  tau: Float64Array;
}

/** A pivoted factorisation A·P = Q·R: column j of the packed R belongs to column perm[j] of A. */
export interface PivotedQR extends PackedQR {
  perm: Int32Array;
}

/** R[i][j] (i <= j) of a packed factorisation. */
export function rAt(qr: PackedQR, i: number, j: number): number {
  return qr.cols[j * qr.m + i];
}

function toColumnMajor(A: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = A[i * n + j];
  return out;
}

/** ‖x‖₂ of x = a[from..to); a plain sum of squares unless it under- or overflows, then a scaled one. */
function norm2(a: Float64Array, from: number, to: number): number {
  let ssq = 0;
  for (let i = from; i < to; i++) ssq += a[i] * a[i];
  if (ssq > 1e-280 && ssq < 1e280) return Math.sqrt(ssq);
  let scale = 0;
  for (let i = from; i < to; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  ssq = 0;
  for (let i = from; i < to; i++) ssq += (a[i] / scale) * (a[i] / scale);
  return scale * Math.sqrt(ssq);
}

/**
 * dlarf from the left on rows j..m-1 of the column-major C's columns c0..c1-1: C -= tau·v·(vᵀC), where
 * v = v[vOff + j..vOff + m) with its leading entry taken as 1 (LAPACK stores R there).
 */
function applyReflector(v: Float64Array, vOff: number, j: number, m: number, tau: number, C: Float64Array, c0: number, c1: number): void {
  if (tau === 0) return;
  for (let c = c0; c < c1; c++) {
    const col = c * m;
    let w = C[col + j];
    for (let i = j + 1; i < m; i++) w += v[vOff + i] * C[col + i];
    w *= tau;
    C[col + j] -= w;
    for (let i = j + 1; i < m; i++) C[col + i] -= w * v[vOff + i];
  }
}

/**
 * dlarfg + dlarf on column j: beta = -sign(alpha)·hypot(alpha, ‖x‖) (sign(0) = +), tau = (beta - alpha)/beta,
 * v = [1, x/(alpha - beta)]; H_j is then applied to the columns right of j.
 */
function reflectColumn(a: Float64Array, m: number, n: number, j: number): number {
  const col = j * m;
  const alpha = a[col + j];
  const xnorm = norm2(a, col + j + 1, col + m);
  if (xnorm === 0) return 0; // H_j = I; R[j][j] keeps alpha
  const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
  const tau = (beta - alpha) / beta;
  const scale = 1 / (alpha - beta);
  for (let i = col + j + 1; i < col + m; i++) a[i] *= scale;
  applyReflector(a, col, j, m, tau, a, j + 1, n);
  a[col + j] = beta;
  return tau;
}

/** dgeqr2: factor the row-major m×n matrix `A` (not modified). */
export function householderQR(A: ArrayLike<number>, m: number, n: number): PackedQR {
  const cols = toColumnMajor(A, m, n);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  for (let j = 0; j < k; j++) tau[j] = reflectColumn(cols, m, n, j);
  return { cols, m, n, tau };
}

/**
 * QR with column pivoting (dlaqp2, the unblocked dgeqp3): before step j the remaining column with the largest
 * norm over rows j.. (the first on ties) is swapped into place, so |R[j][j]| decreases and shows the rank.
 */
export function pivotedQR(A: ArrayLike<number>, m: number, n: number): PivotedQR {
  const cols = toColumnMajor(A, m, n);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const perm = new Int32Array(n);
  const partial = new Float64Array(n); // vn1: norms of the columns over rows j..m-1
  const reference = new Float64Array(n); // vn2: the norms when last computed in full
  for (let c = 0; c < n; c++) {
    perm[c] = c;
    partial[c] = reference[c] = norm2(cols, c * m, c * m + m);
  }
  for (let j = 0; j < k; j++) {
    let best = j;
    for (let c = j + 1; c < n; c++) if (partial[c] > partial[best]) best = c;
    if (best !== j) {
      swapColumns(cols, m, j, best, perm);
      partial[best] = partial[j];
      reference[best] = reference[j];
    }
    tau[j] = reflectColumn(cols, m, n, j);
    downdateNorms(cols, m, n, j, partial, reference);
  }
  return { cols, m, n, tau, perm };
}

/**
 * After step j, drop row j from each remaining column norm: vn1 *= sqrt(1 - (|R[j][c]|/vn1)²), recomputed
 * from rows j+1.. when cancellation has eaten half the digits (LAPACK's tol3z = sqrt(eps) test).
 */
function downdateNorms(cols: Float64Array, m: number, n: number, j: number, partial: Float64Array, reference: Float64Array): void {
  for (let c = j + 1; c < n; c++) {
    if (partial[c] === 0) continue;
    const ratio = Math.abs(cols[c * m + j]) / partial[c];
    const keep = Math.max(0, 1 - ratio * ratio);
    const rel = partial[c] / reference[c];
    if (keep * rel * rel <= Math.sqrt(Number.EPSILON)) {
      partial[c] = reference[c] = j + 1 < m ? norm2(cols, c * m + j + 1, c * m + m) : 0;
    } else {
      partial[c] *= Math.sqrt(keep);
    }
  }
}

function swapColumns(cols: Float64Array, m: number, c1: number, c2: number, perm: Int32Array): void {
  const tmp = cols.slice(c1 * m, c1 * m + m);
  cols.copyWithin(c1 * m, c2 * m, c2 * m + m);
  cols.set(tmp, c2 * m);
  const p = perm[c1];
  perm[c1] = perm[c2];
  perm[c2] = p;
}

/** dorg2r: the economic Q (m × k, k = min(m, n), row-major) of a packed factorisation, H_0·…·H_{k-1} from the last. */
export function qFactor(qr: PackedQR): Float64Array {
  const { m, n, tau } = qr;
  const k = Math.min(m, n);
  const q = qr.cols.slice(0, m * k);
  for (let i = k - 1; i >= 0; i--) {
    const col = i * m;
    if (i < k - 1) applyReflector(q, col, i, m, tau[i], q, i + 1, k);
    for (let r = i + 1; r < m; r++) q[col + r] *= -tau[i];
    q[col + i] = 1 - tau[i];
    for (let r = 0; r < i; r++) q[col + r] = 0;
  }
  const out = new Float64Array(m * k);
  for (let c = 0; c < k; c++) for (let r = 0; r < m; r++) out[r * k + c] = q[c * m + r];
  return out;
}

/** `scipy.linalg.qr(A, mode='economic')[0]`: the m × min(m, n) Q factor of the row-major m × n `A`. */
export function economicQ(A: ArrayLike<number>, m: number, n: number): Float64Array {
  return qFactor(householderQR(A, m, n));
}

/** B ← Qᵀ·B for the row-major m × t `B` (in place): H_{k-1}·…·H_0·B with the packed reflectors. */
export function applyQT(qr: PackedQR, B: Float64Array, t: number): void {
  const { cols, m, n, tau } = qr;
  const k = Math.min(m, n);
  const b = toColumnMajor(B, m, t);
  for (let j = 0; j < k; j++) applyReflector(cols, j * m, j, m, tau[j], b, 0, t);
  for (let i = 0; i < m; i++) for (let c = 0; c < t; c++) B[i * t + c] = b[c * m + i];
}
