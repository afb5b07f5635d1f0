;; The fused Linear (one output) + MSELoss step on float32 rows picked by index from a dataset in
;; shared memory (kernels/shared_memory.ts), as one job of chunks that two threads may share (`work`,
;; below): the float64 sums are formed in exactly the order of the JavaScript loops of kernels/dot.ts
;; (dot4 per row; axpy4 over rows in fours, then axpy), so the results are bit-identical to the graph
;; path's whichever thread computes what. Every product of two float32 values is exact in float64.
;; Regenerate src/kernels/rows_wasm.ts with scripts/build-wasm.sh.
;;
;; Pointers are byte offsets into the shared memory; `idx` points to the batch's row numbers (u32).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; NOTE: as in gemm.wat, v128 helpers are not inlined by Node 20's V8, so promotions are written
  ;; out in place: the low two lanes by f64x2.promote_low_f32x4, the high two after a shuffle.

  ;; dot4's final sum: (s0 + s1) + (s2 + s3), where a01 = (s0, s1) and a23 = (s2, s3)
  (func $finish (param $a01 v128) (param $a23 v128) (result f64)
    (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $a01)) (f64x2.extract_lane 1 (local.get $a01)))
      (f64.add (f64x2.extract_lane 0 (local.get $a23)) (f64x2.extract_lane 1 (local.get $a23)))))

  ;; the address of row idx[r]
  (func $row (param $x i32) (param $idx i32) (param $r i32) (param $rowBytes i32) (result i32)
    (i32.add (local.get $x)
      (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $r) (i32.const 2)))) (local.get $rowBytes))))

  ;; Load one word of every 64-byte line of rows idx[r0..r1) (and each row's last word): independent
  ;; loads, so many cache misses are in flight at once and the rows are then read from cache.
  (func $touch (param $x i32) (param $idx i32) (param $r0 i32) (param $r1 i32) (param $rowBytes i32) (result i32)
    (local $sum i32) (local $base i32) (local $o i32) (local $last i32)
    (local.set $last (i32.sub (local.get $rowBytes) (i32.const 4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r0) (local.get $r1)))
        (local.set $base (call $row (local.get $x) (local.get $idx) (local.get $r0) (local.get $rowBytes)))
        (local.set $o (i32.const 0))
        (block $line_done
          (loop $line
            (br_if $line_done (i32.ge_u (local.get $o) (local.get $last)))
            (local.set $sum (i32.xor (local.get $sum) (i32.load (i32.add (local.get $base) (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (i32.const 64)))
            (br $line)))
        (local.set $sum (i32.xor (local.get $sum) (i32.load (i32.add (local.get $base) (local.get $last)))))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 1)))
        (br $rows)))
    (local.get $sum))

  ;; the scalar tail of one row (elements p..k-1 into s0), then the rounded result stored at out
  (func $dot_tail (param $x i32) (param $w i32) (param $p i32) (param $k i32) (param $a01 v128) (param $a23 v128) (param $out i32)
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

  ;; out = the rounded dot product of one row x (float32) with w (k float64), in dot4's order
  (func $dot1 (param $x i32) (param $w i32) (param $k i32) (param $out i32)
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
    (call $dot_tail (local.get $x) (local.get $w) (local.get $p) (local.get $k) (local.get $a01) (local.get $a23) (local.get $out)))

  ;; out[0..3] = the rounded dot products of rows x0..x3 (float32) with w (k float64): dot4's order per
  ;; row (partial sums over p mod 4, the tail into s0), four independent rows interleaved
  (func $dot4 (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32) (param $w i32) (param $k i32) (param $out i32)
    (local $p i32) (local $k4 i32) (local $q i32) (local $w01 v128) (local $w23 v128) (local $v v128)
    (local $a01 v128) (local $a23 v128) (local $b01 v128) (local $b23 v128)
    (local $c01 v128) (local $c23 v128) (local $d01 v128) (local $d23 v128)
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $k4)))
        (local.set $w01 (v128.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $w23 (v128.load offset=16 (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $q (i32.shl (local.get $p) (i32.const 2)))
        (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x0) (local.get $q)))) (local.get $w01))))
        (local.set $a23 (f64x2.add (local.get $a23) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $x0) (local.get $q)))) (local.get $w23))))
        (local.set $b01 (f64x2.add (local.get $b01) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x1) (local.get $q)))) (local.get $w01))))
        (local.set $b23 (f64x2.add (local.get $b23) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $x1) (local.get $q)))) (local.get $w23))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x2) (local.get $q)))) (local.get $w01))))
        (local.set $c23 (f64x2.add (local.get $c23) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $x2) (local.get $q)))) (local.get $w23))))
        (local.set $d01 (f64x2.add (local.get $d01) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x3) (local.get $q)))) (local.get $w01))))
        (local.set $d23 (f64x2.add (local.get $d23) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $x3) (local.get $q)))) (local.get $w23))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next)))
    (if (i32.eq (local.get $p) (local.get $k))
      (then
        ;; no tail: (s0 + s1) + (s2 + s3) of each row, written out (a call per row costs more here)
        (f32.store (local.get $out) (f32.demote_f64 (f64.add
          (f64.add (f64x2.extract_lane 0 (local.get $a01)) (f64x2.extract_lane 1 (local.get $a01)))
          (f64.add (f64x2.extract_lane 0 (local.get $a23)) (f64x2.extract_lane 1 (local.get $a23))))))
        (f32.store offset=4 (local.get $out) (f32.demote_f64 (f64.add
          (f64.add (f64x2.extract_lane 0 (local.get $b01)) (f64x2.extract_lane 1 (local.get $b01)))
          (f64.add (f64x2.extract_lane 0 (local.get $b23)) (f64x2.extract_lane 1 (local.get $b23))))))
        (f32.store offset=8 (local.get $out) (f32.demote_f64 (f64.add
          (f64.add (f64x2.extract_lane 0 (local.get $c01)) (f64x2.extract_lane 1 (local.get $c01)))
          (f64.add (f64x2.extract_lane 0 (local.get $c23)) (f64x2.extract_lane 1 (local.get $c23))))))
        (f32.store offset=12 (local.get $out) (f32.demote_f64 (f64.add
          (f64.add (f64x2.extract_lane 0 (local.get $d01)) (f64x2.extract_lane 1 (local.get $d01)))
          (f64.add (f64x2.extract_lane 0 (local.get $d23)) (f64x2.extract_lane 1 (local.get $d23))))))
        (return)))
    (call $dot_tail (local.get $x0) (local.get $w) (local.get $p) (local.get $k) (local.get $a01) (local.get $a23) (local.get $out))
    (call $dot_tail (local.get $x1) (local.get $w) (local.get $p) (local.get $k) (local.get $b01) (local.get $b23) (i32.add (local.get $out) (i32.const 4)))
    (call $dot_tail (local.get $x2) (local.get $w) (local.get $p) (local.get $k) (local.get $c01) (local.get $c23) (i32.add (local.get $out) (i32.const 8)))
    (call $dot_tail (local.get $x3) (local.get $w) (local.get $p) (local.get $k) (local.get $d01) (local.get $d23) (i32.add (local.get $out) (i32.const 12))))

;; pred[r] = x_idx[r] · w, rounded to float32, then + bias rounded again when hasBias (the graph's
  ;; linearForward adds the bias after storing the product), for rows r0..r1; with touch ≠ 0 all the rows
  ;; are touched first (measured: as fast as touching a few rows ahead of each product).
  (func $forward (param $x i32) (param $idx i32) (param $r0 i32) (param $r1 i32) (param $k i32)
        (param $w i32) (param $hasBias i32) (param $bias f32) (param $pred i32) (param $touch i32) (result i32)
    (local $rowBytes i32) (local $r i32) (local $sum i32) (local $p i32) (local $r4 i32)
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (if (local.get $touch)
      (then (local.set $sum (call $touch (local.get $x) (local.get $idx) (local.get $r0) (local.get $r1) (local.get $rowBytes)))))
    (local.set $r (local.get $r0))
    (local.set $r4 (i32.sub (local.get $r1) (i32.and (i32.sub (local.get $r1) (local.get $r0)) (i32.const 3))))
    (block $fours_done
      (loop $fours
        (br_if $fours_done (i32.ge_u (local.get $r) (local.get $r4)))
        (call $dot4
          (call $row (local.get $x) (local.get $idx) (local.get $r) (local.get $rowBytes))
          (call $row (local.get $x) (local.get $idx) (i32.add (local.get $r) (i32.const 1)) (local.get $rowBytes))
          (call $row (local.get $x) (local.get $idx) (i32.add (local.get $r) (i32.const 2)) (local.get $rowBytes))
          (call $row (local.get $x) (local.get $idx) (i32.add (local.get $r) (i32.const 3)) (local.get $rowBytes))
          (local.get $w) (local.get $k) (i32.add (local.get $pred) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $fours)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $r) (local.get $r1)))
        (call $dot1 (call $row (local.get $x) (local.get $idx) (local.get $r) (local.get $rowBytes)) (local.get $w)
          (local.get $k) (i32.add (local.get $pred) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $ones)))
    (if (local.get $hasBias)
      (then
        (local.set $r (local.get $r0))
        (block $bias_done
          (loop $biases
            (br_if $bias_done (i32.ge_u (local.get $r) (local.get $r1)))
            (local.set $p (i32.add (local.get $pred) (i32.shl (local.get $r) (i32.const 2))))
            (f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (local.get $bias)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $biases)))))
    (local.get $sum))

;; Rows idx[r0..r1) copied to out + r·rowBytes (a contiguous batch), touched first.
  (func (export "gather") (param $x i32) (param $idx i32) (param $r0 i32) (param $r1 i32) (param $k i32) (param $out i32) (result i32)
    (local $rowBytes i32) (local $sum i32)
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $sum (call $touch (local.get $x) (local.get $idx) (local.get $r0) (local.get $r1) (local.get $rowBytes)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r0) (local.get $r1)))
        (memory.copy (i32.add (local.get $out) (i32.mul (local.get $r0) (local.get $rowBytes)))
          (call $row (local.get $x) (local.get $idx) (local.get $r0) (local.get $rowBytes)) (local.get $rowBytes))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 1)))
        (br $rows)))
    (local.get $sum))

  ;; acc[j] += (a0·x0[j] + a1·x1[j]) + (a2·x2[j] + a3·x3[j]) for j < n: axpy4
  (func $axpy4 (param $acc i32) (param $n i32) (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128)
        (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32)
    (local $j i32) (local $n4 i32) (local $q i32) (local $r i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $n4)))
        (local.set $q (i32.shl (local.get $j) (i32.const 2)))
        (local.set $v0 (v128.load (i32.add (local.get $x0) (local.get $q))))
        (local.set $v1 (v128.load (i32.add (local.get $x1) (local.get $q))))
        (local.set $v2 (v128.load (i32.add (local.get $x2) (local.get $q))))
        (local.set $v3 (v128.load (i32.add (local.get $x3) (local.get $q))))
        (local.set $r (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
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
        (local.set $q (i32.shl (local.get $j) (i32.const 2)))
        (local.set $r (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $r) (f64.add (f64.load (local.get $r))
          (f64.add
            (f64.add
              (f64.mul (f64x2.extract_lane 0 (local.get $a0)) (f64.promote_f32 (f32.load (i32.add (local.get $x0) (local.get $q)))))
              (f64.mul (f64x2.extract_lane 0 (local.get $a1)) (f64.promote_f32 (f32.load (i32.add (local.get $x1) (local.get $q))))))
            (f64.add
              (f64.mul (f64x2.extract_lane 0 (local.get $a2)) (f64.promote_f32 (f32.load (i32.add (local.get $x2) (local.get $q)))))
              (f64.mul (f64x2.extract_lane 0 (local.get $a3)) (f64.promote_f32 (f32.load (i32.add (local.get $x3) (local.get $q)))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail))))

  ;; acc[j] += a·x[j] for j < n: axpy
  (func $axpy (param $acc i32) (param $n i32) (param $a v128) (param $x i32)
    (local $j i32) (local $n4 i32) (local $r i32) (local $v v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $n4)))
        (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $r (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store (local.get $r) (f64x2.add (v128.load (local.get $r)) (f64x2.mul (local.get $a) (f64x2.promote_low_f32x4 (local.get $v)))))
        (v128.store offset=16 (local.get $r) (f64x2.add (v128.load offset=16 (local.get $r)) (f64x2.mul (local.get $a) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $next)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $r (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $r) (f64.add (f64.load (local.get $r))
          (f64.mul (f64x2.extract_lane 0 (local.get $a))
            (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail))))

  ;; grad[r] (float32) as a float64x2 splat
  (func $splat (param $grad i32) (param $r i32) (result v128)
    (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $grad) (i32.shl (local.get $r) (i32.const 2)))))))
;; ---------------------------------------------------------------------------------------------------
  ;; One whole step (prediction, residual, gradients) split into chunks that either thread may take.
  ;;
  ;; A job is a block of i32 words in the shared memory (linear_mse_shared.ts writes it; the byte offsets
  ;; are the `offset=` below). Its chunks are claimed one at a time by compare-and-swap on CLAIM, which
  ;; holds the job's generation (low 15 bits) above the next chunk's number, so a thread still holding an
  ;; older job can claim nothing of a newer one. Row chunks come first: rows idx[r0..r1) copied to
  ;; buf + r·rowBytes, their predictions (dot4's order per row, the bias added after rounding) and
  ;; grad[r] = float32(norm·(pred[r] - y[r])). Then feature chunks: columns j0..j1 of the weight gradient
  ;; over all the rows of buf, summed in fours then one at a time (gemmRows' order, axpy4 and axpy) in
  ;; the taking thread's own float64 `acc`, then rounded into gw. Each value a chunk writes depends only
  ;; on the job, so a chunk done twice writes the same values again: a thread that finds a chunk claimed
  ;; but not done after a while does it itself (the other thread may have been descheduled), and no sum
  ;; depends on which thread did what, or on how many threads there are.
  ;;
  ;; job words: 0 gen, 1 claim, 2 x, 3 idx, 4 n, 5 k, 6 w (float64), 7 hasBias, 8 bias (f32), 9 y,
  ;; 10 buf, 11 pred, 12 grad, 13 gw, 14 done (i32 per chunk: the gen that finished it), 15 rows per
  ;; row chunk, 16 row chunks, 17 features per feature chunk, 18 chunks in all, 19 touch, 20-21 norm
  ;; (f64), 22 the address of the word where a helper's work() shows the gen it is in (0: none),
  ;; 23 chunks done by a helper, 24 chunks done again after a wait (counts, for tests)

  ;; the next chunk of job $s for generation $gen, or -1 when none is left (or the job is newer)
  (func $claim (param $s i32) (param $gen i32) (result i32)
    (local $v i32) (local $c i32)
    (loop $again
      (local.set $v (i32.atomic.load offset=4 (local.get $s)))
      (if (i32.ne (i32.shr_u (local.get $v) (i32.const 16)) (i32.and (local.get $gen) (i32.const 0x7fff)))
        (then (return (i32.const -1))))
      (local.set $c (i32.and (local.get $v) (i32.const 0xffff)))
      (if (i32.ge_u (local.get $c) (i32.load offset=72 (local.get $s)))
        (then (return (i32.const -1))))
      (br_if $again (i32.ne (i32.atomic.rmw.cmpxchg offset=4 (local.get $s) (local.get $v) (i32.add (local.get $v) (i32.const 1))) (local.get $v))))
    (local.get $c))

  ;; row chunk $c: copy, predict, output gradients
  (func $row_chunk (param $s i32) (param $c i32) (param $tmp i32)
    (local $r0 i32) (local $r1 i32) (local $k i32) (local $rowBytes i32) (local $r i32) (local $at i32) (local $norm f64) (local $p f32)
    (local.set $k (i32.load offset=20 (local.get $s)))
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $r0 (i32.mul (local.get $c) (i32.load offset=60 (local.get $s))))
    (local.set $r1 (i32.add (local.get $r0) (i32.load offset=60 (local.get $s))))
    (if (i32.gt_u (local.get $r1) (i32.load offset=16 (local.get $s)))
      (then (local.set $r1 (i32.load offset=16 (local.get $s)))))
    (if (i32.load offset=76 (local.get $s))
      (then (drop (call $touch (i32.load offset=8 (local.get $s)) (i32.load offset=12 (local.get $s)) (local.get $r0) (local.get $r1) (local.get $rowBytes)))))
    (local.set $r (local.get $r0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (memory.copy (i32.add (i32.load offset=40 (local.get $s)) (i32.mul (local.get $r) (local.get $rowBytes)))
          (call $row (i32.load offset=8 (local.get $s)) (i32.load offset=12 (local.get $s)) (local.get $r) (local.get $rowBytes)) (local.get $rowBytes))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    ;; the products of the rows just copied (in cache now), into this thread's $tmp (indexed from r0):
    ;; pred and grad are then each stored once, with their final values (a chunk done twice must never
    ;; show the other thread a value half made)
    (drop (call $forward (i32.load offset=8 (local.get $s)) (i32.add (i32.load offset=12 (local.get $s)) (i32.shl (local.get $r0) (i32.const 2)))
      (i32.const 0) (i32.sub (local.get $r1) (local.get $r0)) (local.get $k)
      (i32.load offset=24 (local.get $s)) (i32.const 0) (f32.const 0) (local.get $tmp) (i32.const 0)))
    (local.set $norm (f64.load offset=80 (local.get $s)))
    (local.set $r (local.get $r0))
    (block $grads_done
      (loop $grads
        (br_if $grads_done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $at (i32.shl (local.get $r) (i32.const 2)))
        (local.set $p (f32.load (i32.add (local.get $tmp) (i32.shl (i32.sub (local.get $r) (local.get $r0)) (i32.const 2)))))
        ;; the bias added after the product is rounded, as linearForward adds it
        (if (i32.load offset=28 (local.get $s))
          (then (local.set $p (f32.add (local.get $p) (f32.load offset=32 (local.get $s))))))
        (f32.store (i32.add (i32.load offset=44 (local.get $s)) (local.get $at)) (local.get $p))
        (f32.store (i32.add (i32.load offset=48 (local.get $s)) (local.get $at))
          (f32.demote_f64 (f64.mul (local.get $norm)
            (f64.sub (f64.promote_f32 (local.get $p))
                     (f64.promote_f32 (f32.load (i32.add (i32.load offset=36 (local.get $s)) (local.get $at))))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $grads))))

;; columns j..j+15 of the weight gradient (x: the address of column j in row 0 of buf) over rows [0, n):
  ;; axpy4's sums over the rows in fours, then axpy's one row at a time, in registers, then rounded into out
  (func $cols16 (param $x i32) (param $rowBytes i32) (param $n i32) (param $grad i32) (param $out i32)
    (local $r i32) (local $n4 i32) (local $p i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $s0l v128) (local $s0h v128) (local $s1l v128) (local $s1h v128) (local $s2l v128) (local $s2h v128) (local $s3l v128) (local $s3h v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $fours_done
      (loop $fours
        (br_if $fours_done (i32.ge_u (local.get $r) (local.get $n4)))
        (local.set $p (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $a0 (call $splat (local.get $grad) (local.get $r)))
        (local.set $a1 (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 1))))
        (local.set $a2 (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 2))))
        (local.set $a3 (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 3))))
        (local.set $v0 (v128.load offset=0 (i32.add (local.get $p) (i32.mul (i32.const 0) (local.get $rowBytes)))))
        (local.set $v1 (v128.load offset=0 (i32.add (local.get $p) (i32.mul (i32.const 1) (local.get $rowBytes)))))
        (local.set $v2 (v128.load offset=0 (i32.add (local.get $p) (i32.mul (i32.const 2) (local.get $rowBytes)))))
        (local.set $v3 (v128.load offset=0 (i32.add (local.get $p) (i32.mul (i32.const 3) (local.get $rowBytes)))))
        (local.set $s0l (f64x2.add (local.get $s0l) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (local.get $v1))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (local.get $v2))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (local.get $v3)))))))
        (local.set $s0h (f64x2.add (local.get $s0h) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0)))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1)))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v2) (local.get $v2)))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v3) (local.get $v3))))))))
        (local.set $v0 (v128.load offset=16 (i32.add (local.get $p) (i32.mul (i32.const 0) (local.get $rowBytes)))))
        (local.set $v1 (v128.load offset=16 (i32.add (local.get $p) (i32.mul (i32.const 1) (local.get $rowBytes)))))
        (local.set $v2 (v128.load offset=16 (i32.add (local.get $p) (i32.mul (i32.const 2) (local.get $rowBytes)))))
        (local.set $v3 (v128.load offset=16 (i32.add (local.get $p) (i32.mul (i32.const 3) (local.get $rowBytes)))))
        (local.set $s1l (f64x2.add (local.get $s1l) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (local.get $v1))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (local.get $v2))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (local.get $v3)))))))
        (local.set $s1h (f64x2.add (local.get $s1h) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0)))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1)))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v2) (local.get $v2)))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v3) (local.get $v3))))))))
        (local.set $v0 (v128.load offset=32 (i32.add (local.get $p) (i32.mul (i32.const 0) (local.get $rowBytes)))))
        (local.set $v1 (v128.load offset=32 (i32.add (local.get $p) (i32.mul (i32.const 1) (local.get $rowBytes)))))
        (local.set $v2 (v128.load offset=32 (i32.add (local.get $p) (i32.mul (i32.const 2) (local.get $rowBytes)))))
        (local.set $v3 (v128.load offset=32 (i32.add (local.get $p) (i32.mul (i32.const 3) (local.get $rowBytes)))))
        (local.set $s2l (f64x2.add (local.get $s2l) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (local.get $v1))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (local.get $v2))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (local.get $v3)))))))
        (local.set $s2h (f64x2.add (local.get $s2h) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0)))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1)))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v2) (local.get $v2)))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v3) (local.get $v3))))))))
        (local.set $v0 (v128.load offset=48 (i32.add (local.get $p) (i32.mul (i32.const 0) (local.get $rowBytes)))))
        (local.set $v1 (v128.load offset=48 (i32.add (local.get $p) (i32.mul (i32.const 1) (local.get $rowBytes)))))
        (local.set $v2 (v128.load offset=48 (i32.add (local.get $p) (i32.mul (i32.const 2) (local.get $rowBytes)))))
        (local.set $v3 (v128.load offset=48 (i32.add (local.get $p) (i32.mul (i32.const 3) (local.get $rowBytes)))))
        (local.set $s3l (f64x2.add (local.get $s3l) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (local.get $v1))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (local.get $v2))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (local.get $v3)))))))
        (local.set $s3h (f64x2.add (local.get $s3h) (f64x2.add
            (f64x2.add (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0)))) (f64x2.mul (local.get $a1) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1)))))
            (f64x2.add (f64x2.mul (local.get $a2) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v2) (local.get $v2)))) (f64x2.mul (local.get $a3) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v3) (local.get $v3))))))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $fours)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $p (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $a0 (call $splat (local.get $grad) (local.get $r)))
        (local.set $v0 (v128.load offset=0 (local.get $p)))
        (local.set $s0l (f64x2.add (local.get $s0l) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0)))))
        (local.set $s0h (f64x2.add (local.get $s0h) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0))))))
        (local.set $v0 (v128.load offset=16 (local.get $p)))
        (local.set $s1l (f64x2.add (local.get $s1l) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0)))))
        (local.set $s1h (f64x2.add (local.get $s1h) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0))))))
        (local.set $v0 (v128.load offset=32 (local.get $p)))
        (local.set $s2l (f64x2.add (local.get $s2l) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0)))))
        (local.set $s2h (f64x2.add (local.get $s2h) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0))))))
        (local.set $v0 (v128.load offset=48 (local.get $p)))
        (local.set $s3l (f64x2.add (local.get $s3l) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (local.get $v0)))))
        (local.set $s3h (f64x2.add (local.get $s3h) (f64x2.mul (local.get $a0) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v0) (local.get $v0))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $ones)))
    (v128.store offset=0 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (local.get $s0l)) (f32x4.demote_f64x2_zero (local.get $s0h))))
    (v128.store offset=16 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (local.get $s1l)) (f32x4.demote_f64x2_zero (local.get $s1h))))
    (v128.store offset=32 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (local.get $s2l)) (f32x4.demote_f64x2_zero (local.get $s2h))))
    (v128.store offset=48 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (local.get $s3l)) (f32x4.demote_f64x2_zero (local.get $s3h)))))

  ;; feature chunk $f: gw[j0..j1) from the rows of buf and grad, through acc[j0..j1)
  (func $feature_chunk (param $s i32) (param $f i32) (param $acc i32)
    (local $j0 i32) (local $w i32) (local $n i32) (local $n4 i32) (local $rowBytes i32) (local $x i32) (local $grad i32) (local $r i32) (local $j i32) (local $a i32)
    (local.set $j0 (i32.mul (local.get $f) (i32.load offset=68 (local.get $s))))
    (local.set $w (i32.load offset=68 (local.get $s)))
    (if (i32.gt_u (i32.add (local.get $j0) (local.get $w)) (i32.load offset=20 (local.get $s)))
      (then (local.set $w (i32.sub (i32.load offset=20 (local.get $s)) (local.get $j0)))))
    (local.set $n (i32.load offset=16 (local.get $s)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $rowBytes (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 2)))
    (local.set $x (i32.add (i32.load offset=40 (local.get $s)) (i32.shl (local.get $j0) (i32.const 2))))
    (local.set $grad (i32.load offset=48 (local.get $s)))
    (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $j0) (i32.const 3))))
    (if (i32.eq (local.get $w) (i32.const 16))
      (then
        (call $cols16 (local.get $x) (local.get $rowBytes) (local.get $n) (local.get $grad)
          (i32.add (i32.load offset=52 (local.get $s)) (i32.shl (local.get $j0) (i32.const 2))))
        (return)))
    (memory.fill (local.get $a) (i32.const 0) (i32.shl (local.get $w) (i32.const 3)))
    (block $fours_done
      (loop $fours
        (br_if $fours_done (i32.ge_u (local.get $r) (local.get $n4)))
        (call $axpy4 (local.get $a) (local.get $w)
          (call $splat (local.get $grad) (local.get $r))
          (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 1)))
          (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 2)))
          (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 3)))
          (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes)))
          (i32.add (local.get $x) (i32.mul (i32.add (local.get $r) (i32.const 1)) (local.get $rowBytes)))
          (i32.add (local.get $x) (i32.mul (i32.add (local.get $r) (i32.const 2)) (local.get $rowBytes)))
          (i32.add (local.get $x) (i32.mul (i32.add (local.get $r) (i32.const 3)) (local.get $rowBytes))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $fours)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $r) (local.get $n)))
        (call $axpy (local.get $a) (local.get $w) (call $splat (local.get $grad) (local.get $r))
          (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $ones)))
    (block $store_done
      (loop $store
        (br_if $store_done (i32.ge_u (local.get $j) (local.get $w)))
        (f32.store (i32.add (i32.load offset=52 (local.get $s)) (i32.shl (i32.add (local.get $j0) (local.get $j)) (i32.const 2)))
          (f32.demote_f64 (f64.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $store))))

  ;; chunk $c of job $s done, and marked done for $gen
  (func $do_chunk (param $s i32) (param $gen i32) (param $c i32) (param $acc i32)
    (local $rows i32)
    (local.set $rows (i32.load offset=64 (local.get $s)))
    (if (i32.lt_u (local.get $c) (local.get $rows))
      (then (call $row_chunk (local.get $s) (local.get $c) (i32.add (local.get $acc) (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 3)))))
      (else (call $feature_chunk (local.get $s) (i32.sub (local.get $c) (local.get $rows)) (local.get $acc))))
    (i32.atomic.store (i32.add (i32.load offset=56 (local.get $s)) (i32.shl (local.get $c) (i32.const 2))) (local.get $gen)))

  ;; wait a while for chunk $c to be done by whoever claimed it; then do it here
  (func $ensure (param $s i32) (param $gen i32) (param $c i32) (param $acc i32)
    (local $spins i32) (local $flag i32)
    (local.set $flag (i32.add (i32.load offset=56 (local.get $s)) (i32.shl (local.get $c) (i32.const 2))))
    (block $done
      (loop $wait
        (br_if $done (i32.eq (i32.atomic.load (local.get $flag)) (local.get $gen)))
        (local.set $spins (i32.add (local.get $spins) (i32.const 1)))
        (if (i32.gt_u (local.get $spins) (i32.const 8000))
          (then
            (call $do_chunk (local.get $s) (local.get $gen) (local.get $c) (local.get $acc))
            (drop (i32.atomic.rmw.add offset=96 (local.get $s) (i32.const 1)))
            (br $done)))
        (br $wait))))

  ;; every row chunk done (the feature chunks read all the rows)
  (func $rows_ready (param $s i32) (param $gen i32) (param $acc i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $c) (i32.load offset=64 (local.get $s))))
        (call $ensure (local.get $s) (local.get $gen) (local.get $c) (local.get $acc))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $next))))

  ;; Take chunks of job $s until none is left; the main thread ($main ≠ 0) then makes sure every chunk
  ;; is done. $acc: this thread's scratch, k float64 then rows-per-row-chunk float32.
  (func (export "work") (param $s i32) (param $main i32) (param $acc i32)
    (local $gen i32) (local $c i32) (local $ready i32)
    (local.set $gen (i32.atomic.load (local.get $s)))
    (if (i32.eqz (local.get $main))
      (then (i32.atomic.store (i32.load offset=88 (local.get $s)) (local.get $gen))))
    (block $done
      (loop $next
        (local.set $c (call $claim (local.get $s) (local.get $gen)))
        (br_if $done (i32.lt_s (local.get $c) (i32.const 0)))
        (if (i32.and (i32.ge_u (local.get $c) (i32.load offset=64 (local.get $s))) (i32.eqz (local.get $ready)))
          (then (call $rows_ready (local.get $s) (local.get $gen) (local.get $acc)) (local.set $ready (i32.const 1))))
        (call $do_chunk (local.get $s) (local.get $gen) (local.get $c) (local.get $acc))
        (if (i32.eqz (local.get $main))
          (then (drop (i32.atomic.rmw.add offset=92 (local.get $s) (i32.const 1)))))
        (br $next)))
    (if (local.get $main)
      (then
        (call $rows_ready (local.get $s) (local.get $gen) (local.get $acc))
        (local.set $c (i32.load offset=64 (local.get $s)))
        (block $all
          (loop $each
            (br_if $all (i32.ge_u (local.get $c) (i32.load offset=72 (local.get $s))))
            (call $ensure (local.get $s) (local.get $gen) (local.get $c) (local.get $acc))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $each))))
      (else (i32.atomic.store (i32.load offset=88 (local.get $s)) (i32.const 0)))))
)
