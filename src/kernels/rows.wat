;; The fused Linear (one output) + MSELoss step on float32 rows picked by index from a dataset in
;; shared memory (kernels/shared_memory.ts), read in place or from a contiguous copy that `gather`
;; made (on a helper thread): the float64 sums are formed in exactly the order of the JavaScript loops
;; of kernels/dot.ts (dot4 per row; axpy4 over rows in fours, then axpy), so the results are
;; bit-identical to the graph path's. Every product of two float32 values is exact in float64.
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
  (func (export "forward") (param $x i32) (param $idx i32) (param $r0 i32) (param $r1 i32) (param $k i32)
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

  ;; The weight gradient: gw[j] = float32(Σ_r grad[r]·x_idx[r][j]) over the n rows, in fours then one
  ;; at a time (gemmRows' order), through the float64 acc[j].
  (func (export "weight_grad") (param $x i32) (param $idx i32) (param $n i32) (param $k i32) (param $grad i32)
        (param $acc i32) (param $gw i32)
    (local $rowBytes i32) (local $r i32) (local $n4 i32) (local $j i32)
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $k) (i32.const 3)))
    (block $fours_done
      (loop $fours
        (br_if $fours_done (i32.ge_u (local.get $r) (local.get $n4)))
        (call $axpy4 (local.get $acc) (local.get $k)
          (call $splat (local.get $grad) (local.get $r))
          (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 1)))
          (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 2)))
          (call $splat (local.get $grad) (i32.add (local.get $r) (i32.const 3)))
          (call $row (local.get $x) (local.get $idx) (local.get $r) (local.get $rowBytes))
          (call $row (local.get $x) (local.get $idx) (i32.add (local.get $r) (i32.const 1)) (local.get $rowBytes))
          (call $row (local.get $x) (local.get $idx) (i32.add (local.get $r) (i32.const 2)) (local.get $rowBytes))
          (call $row (local.get $x) (local.get $idx) (i32.add (local.get $r) (i32.const 3)) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $fours)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_u (local.get $r) (local.get $n)))
        (call $axpy (local.get $acc) (local.get $k) (call $splat (local.get $grad) (local.get $r))
          (call $row (local.get $x) (local.get $idx) (local.get $r) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $ones)))
    ;; the float64 sums rounded to float32, as gw.set(acc) does
    (block $store_done
      (loop $store
        (br_if $store_done (i32.ge_u (local.get $j) (local.get $k)))
        (f32.store (i32.add (local.get $gw) (i32.shl (local.get $j) (i32.const 2)))
          (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $store))))
)
