;; float32 GEMM kernels with WebAssembly SIMD (f64x2), bit-identical to the JavaScript loops of
;; src/autograd/ops/matmul.ts: every product of two float32 values is exact in float64, and each
;; output keeps the JavaScript loop's order of float64 additions; only independent outputs run
;; side by side. Regenerate src/kernels/gemm_wasm.ts with scripts/build-wasm.sh.
;;
;; Pointers are byte offsets into the exported memory; strides count elements.
(module
  (memory (export "memory") 1)

  ;; NOTE: helpers that take or return v128 are not inlined by Node 20's V8 (a call per element made
  ;; the kernels 7× slower), so the float32→float64 promotions are written out in place: the low two
  ;; lanes by f64x2.promote_low_f32x4, the high two by a shuffle that moves them low first.

  ;; gemmDot's final sum: (s0 + s1) + (s2 + s3), where acc01 = (s0, s1) and acc23 = (s2, s3)
  (func $finish (param $acc01 v128) (param $acc23 v128) (result f64)
    (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $acc01)) (f64x2.extract_lane 1 (local.get $acc01)))
      (f64.add (f64x2.extract_lane 0 (local.get $acc23)) (f64x2.extract_lane 1 (local.get $acc23)))))

  ;; one row: Σ x[p]·w[p] for float32 x and float64 w, partial sums s0..s3 over p mod 4, tail into s0
  (func $dot1 (param $x i32) (param $w i32) (param $k i32) (result f64)
    (local $p i32) (local $k4 i32) (local $v v128) (local $a01 v128) (local $a23 v128)
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $k4)))
        (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $a01 (f64x2.add (local.get $a01)
          (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))))
        (local.set $a23 (f64x2.add (local.get $a23)
          (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (v128.load offset=16 (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $a01 (f64x2.replace_lane 0 (local.get $a01)
          (f64.add (f64x2.extract_lane 0 (local.get $a01))
            (f64.mul
              (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2)))))
              (f64.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail)))
    (call $finish (local.get $a01) (local.get $a23)))

  ;; four rows x, x+xs, x+2xs, x+3xs (xs in bytes) against one w: four independent dot1's interleaved
  (func $dot4 (param $x i32) (param $xs i32) (param $w i32) (param $k i32) (param $out i32) (param $os i32)
    (local $p i32) (local $k4 i32) (local $xp i32) (local $w01 v128) (local $w23 v128) (local $v v128)
    (local $a01 v128) (local $a23 v128) (local $b01 v128) (local $b23 v128)
    (local $c01 v128) (local $c23 v128) (local $d01 v128) (local $d23 v128)
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $k4)))
        (local.set $w01 (v128.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $w23 (v128.load offset=16 (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $xp (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $v (v128.load (local.get $xp)))
        (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $w01))))
        (local.set $a23 (f64x2.add (local.get $a23) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $w23))))
        (local.set $xp (i32.add (local.get $xp) (local.get $xs)))
        (local.set $v (v128.load (local.get $xp)))
        (local.set $b01 (f64x2.add (local.get $b01) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $w01))))
        (local.set $b23 (f64x2.add (local.get $b23) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $w23))))
        (local.set $xp (i32.add (local.get $xp) (local.get $xs)))
        (local.set $v (v128.load (local.get $xp)))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $w01))))
        (local.set $c23 (f64x2.add (local.get $c23) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $w23))))
        (local.set $xp (i32.add (local.get $xp) (local.get $xs)))
        (local.set $v (v128.load (local.get $xp)))
        (local.set $d01 (f64x2.add (local.get $d01) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $w01))))
        (local.set $d23 (f64x2.add (local.get $d23) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $w23))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (if (i32.lt_u (local.get $p) (local.get $k))
      (then
        ;; a tail of 1..3 elements: finish each row on its own, in dot1's order
        (call $dot4tail (local.get $x) (local.get $w) (local.get $p) (local.get $k) (local.get $a01) (local.get $a23) (local.get $out))
        (call $dot4tail (i32.add (local.get $x) (local.get $xs)) (local.get $w) (local.get $p) (local.get $k)
          (local.get $b01) (local.get $b23) (i32.add (local.get $out) (local.get $os)))
        (call $dot4tail (i32.add (local.get $x) (i32.shl (local.get $xs) (i32.const 1))) (local.get $w) (local.get $p) (local.get $k)
          (local.get $c01) (local.get $c23) (i32.add (local.get $out) (i32.shl (local.get $os) (i32.const 1))))
        (call $dot4tail (i32.add (local.get $x) (i32.mul (local.get $xs) (i32.const 3))) (local.get $w) (local.get $p) (local.get $k)
          (local.get $d01) (local.get $d23) (i32.add (local.get $out) (i32.mul (local.get $os) (i32.const 3))))
        (return)))
    (f32.store (local.get $out) (f32.demote_f64 (call $finish (local.get $a01) (local.get $a23))))
    (f32.store (i32.add (local.get $out) (local.get $os)) (f32.demote_f64 (call $finish (local.get $b01) (local.get $b23))))
    (f32.store (i32.add (local.get $out) (i32.shl (local.get $os) (i32.const 1)))
      (f32.demote_f64 (call $finish (local.get $c01) (local.get $c23))))
    (f32.store (i32.add (local.get $out) (i32.mul (local.get $os) (i32.const 3)))
      (f32.demote_f64 (call $finish (local.get $d01) (local.get $d23)))))

  ;; the scalar tail of one row of dot4 (elements p..k-1 into s0), then its rounded result
  (func $dot4tail (param $x i32) (param $w i32) (param $p i32) (param $k i32) (param $a01 v128) (param $a23 v128) (param $out i32)
    (local $s0 f64)
    (local.set $s0 (f64x2.extract_lane 0 (local.get $a01)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul
            (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 2)))))
            (f64.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (f32.store (local.get $out) (f32.demote_f64
      (call $finish (f64x2.replace_lane 0 (local.get $a01) (local.get $s0)) (local.get $a23)))))

  ;; gemmDot: out[i·n + j] = A[i,:]·B[:,j] for A rows contiguous (row i at a + 4·i·ars) and B
  ;; columns contiguous (column j at b + 4·j·bcs); col is scratch for k float64 values.
  (func (export "dot_f32") (param $a i32) (param $ars i32) (param $b i32) (param $bcs i32)
        (param $m i32) (param $k i32) (param $n i32) (param $out i32) (param $col i32)
    (local $i i32) (local $j i32) (local $p i32) (local $m4 i32) (local $bj i32) (local $os i32) (local $xs i32)
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $os (i32.shl (local.get $n) (i32.const 2)))
    (local.set $xs (i32.shl (local.get $ars) (i32.const 2)))
    (block $cols_done
      (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $j) (local.get $n)))
        ;; column j promoted to float64 once (exact), then reused by every row
        (local.set $bj (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $bcs)) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $cp_done
          (loop $cp
            (br_if $cp_done (i32.ge_u (local.get $p) (local.get $k)))
            (f64.store (i32.add (local.get $col) (i32.shl (local.get $p) (i32.const 3)))
              (f64.promote_f32 (f32.load (i32.add (local.get $bj) (i32.shl (local.get $p) (i32.const 2))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $cp)))
        (local.set $i (i32.const 0))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m4)))
            (call $dot4
              (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $xs))) (local.get $xs)
              (local.get $col) (local.get $k)
              (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (local.get $os))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $rows)))
        (block $rest_done
          (loop $rest
            (br_if $rest_done (i32.ge_u (local.get $i) (local.get $m)))
            (f32.store
              (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (f32.demote_f64 (call $dot1 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $xs))) (local.get $col) (local.get $k))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rest)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols))))

  ;; load A[i, p] (float32 at base + 4·p·acs) as a float64x2 splat
  (func $splat (param $base i32) (param $p i32) (param $acs i32) (result v128)
    (f64x2.splat (f64.promote_f32
      (f32.load (i32.add (local.get $base) (i32.shl (i32.mul (local.get $p) (local.get $acs)) (i32.const 2)))))))

  ;; row[j] += (a0·b0[j] + a1·b1[j]) + (a2·b2[j] + a3·b3[j]) for j < n: gemmRows' four-row update
  (func $update4 (param $row i32) (param $n i32) (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128)
        (param $b0 i32) (param $bs i32)
    (local $j i32) (local $n4 i32) (local $r i32) (local $q i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $n4)))
        (local.set $q (i32.add (local.get $b0) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $v0 (v128.load (local.get $q)))
        (local.set $v1 (v128.load (i32.add (local.get $q) (local.get $bs))))
        (local.set $v2 (v128.load (i32.add (local.get $q) (i32.shl (local.get $bs) (i32.const 1)))))
        (local.set $v3 (v128.load (i32.add (local.get $q) (i32.mul (local.get $bs) (i32.const 3)))))
        (local.set $r (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store (local.get $r) (f64x2.add (v128.load (local.get $r))
          (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (local.get $v1))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (local.get $v2))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (local.get $v3)))))))
        (v128.store offset=16 (local.get $r) (f64x2.add (v128.load offset=16 (local.get $r))
          (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0)))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1)))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v2) (local.get $v2)))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v3) (local.get $v3))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $next)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $q (i32.add (local.get $b0) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $r (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $r) (f64.add (f64.load (local.get $r))
          (f64.add
            (f64.add
              (f64.mul (f64x2.extract_lane 0 (local.get $a0)) (f64.promote_f32 (f32.load (local.get $q))))
              (f64.mul (f64x2.extract_lane 0 (local.get $a1)) (f64.promote_f32 (f32.load (i32.add (local.get $q) (local.get $bs))))))
            (f64.add
              (f64.mul (f64x2.extract_lane 0 (local.get $a2))
                (f64.promote_f32 (f32.load (i32.add (local.get $q) (i32.shl (local.get $bs) (i32.const 1))))))
              (f64.mul (f64x2.extract_lane 0 (local.get $a3))
                (f64.promote_f32 (f32.load (i32.add (local.get $q) (i32.mul (local.get $bs) (i32.const 3))))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail))))

  ;; row[j] += a·b[j] for j < n: gemmRows' tail rows, one at a time
  (func $update1 (param $row i32) (param $n i32) (param $a v128) (param $b i32)
    (local $j i32) (local $n4 i32) (local $r i32) (local $v v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $n4)))
        (local.set $v (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $r (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store (local.get $r) (f64x2.add (v128.load (local.get $r)) (f64x2.mul (local.get $a) (f64x2.promote_low_f32x4 (local.get $v)))))
        (v128.store offset=16 (local.get $r) (f64x2.add (v128.load offset=16 (local.get $r)) (f64x2.mul (local.get $a) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $next)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $r (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $r) (f64.add (f64.load (local.get $r))
          (f64.mul (f64x2.extract_lane 0 (local.get $a))
            (f64.promote_f32 (f32.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail))))

  ;; gemmRows: out[i·n + j] = Σ_p A[i,p]·B[p,j] for any A strides and B rows contiguous (row p at
  ;; b + 4·p·brs), accumulated in a float64 row (scratch of n values at $row) four B rows per pass.
  (func (export "rows_f32") (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32)
        (param $m i32) (param $k i32) (param $n i32) (param $out i32) (param $row i32)
    (local $i i32) (local $p i32) (local $j i32) (local $k4 i32) (local $ai i32) (local $bs i32) (local $bp i32)
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (local.set $bs (i32.shl (local.get $brs) (i32.const 2)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
        (memory.fill (local.get $row) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
        (local.set $ai (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $ars)) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $quads_done
          (loop $quads
            (br_if $quads_done (i32.ge_u (local.get $p) (local.get $k4)))
            (call $update4 (local.get $row) (local.get $n)
              (call $splat (local.get $ai) (local.get $p) (local.get $acs))
              (call $splat (local.get $ai) (i32.add (local.get $p) (i32.const 1)) (local.get $acs))
              (call $splat (local.get $ai) (i32.add (local.get $p) (i32.const 2)) (local.get $acs))
              (call $splat (local.get $ai) (i32.add (local.get $p) (i32.const 3)) (local.get $acs))
              (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $bs))) (local.get $bs))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $quads)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $p) (local.get $k)))
            (call $update1 (local.get $row) (local.get $n)
              (call $splat (local.get $ai) (local.get $p) (local.get $acs))
              (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $bs))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $tail)))
        ;; the float64 row rounded to float32, as out.set(row) does
        (local.set $bp (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $store_done
          (loop $store
            (br_if $store_done (i32.ge_u (local.get $j) (local.get $n)))
            (f32.store (i32.add (local.get $bp) (i32.shl (local.get $j) (i32.const 2)))
              (f32.demote_f64 (f64.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $store)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
)
