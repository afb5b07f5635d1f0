;; The fused Linear (one output) + MSELoss step on float32 rows picked by index from a dataset in
;; shared memory (kernels/shared_memory.ts), as one job of chunks that two threads may share (`work`,
;; below), in PyTorch's order (OpenBLAS's, kernels/blas_order.ts), as the JavaScript row kernels of
;; linear_mse_rows.ts form it: per k block one float32 fused multiply-add chain per output, the blocks
;; added in float32 (the prediction's C is the bias; the weight gradient's is zero).
;;
;; The fused multiply-add, fma(a, b, c) rounded once to float32: a·b of two float32 values is exact in
;; float64, s = a·b + c rounds once there, and float32(s) is then fma's result unless s is inexact and
;; either exactly halfway between two float32 values (no double lies between s and the exact sum, so a
;; double rounding can only go wrong at such a midpoint) or below float32's normal range (where its
;; midpoints are spaced otherwise). The quick kernels ($predict8, $grad8) check each chain step's s for a
;; midpoint only (off the chain's critical path); a group where one showed is done again by $predict4x /
;; $grad4x, which check every step in full (TwoSum's error tells the exact sums apart), and where those
;; find a sum that cannot be rounded once the job's inexact word is set and the caller does the whole step
;; with the JavaScript kernels instead. Sums below 2^-126 are inexact only when a product is not a
;; multiple of 2^-149, which needs a factor in (0, 2^-50): such inputs send their chunk to the full check.
;; Infinities and NaNs (whose NaN bits may differ from JavaScript's) make a non-finite output gradient
;; or weight gradient, which sets the inexact word too. SIMD runs across independent outputs (rows of a
;; prediction, columns of the weight gradient), never along a chain.
;; Regenerate src/kernels/rows_wasm.ts with scripts/build-wasm.sh.
;;
;; Pointers are byte offsets into the shared memory; `idx` points to the batch's row numbers (u32).
(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; rows_fma.wat's $predict8 and $grad8 (the same signatures as this module's, returning 1 where this
  ;; module's full check must redo the group), for jobs and calls that ask for them (fma_module.ts: only
  ;; where relaxed SIMD's multiply-add is fused); elsewhere stubs that are never called
  (import "fma" "predict8" (func $predict8_fma (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 v128 v128 i32) (result i32)))
  (import "fma" "grad8" (func $grad8_fma (param i32 i32 i32 i32 i32 v128 v128 v128 v128 i32) (result i32)))
  (import "fma" "predict16" (func $predict16_fma (param i32 i32 i32 i32 i32 i32 v128 i32) (result i32)))
  (import "fma" "grad16" (func $grad16_fma (param i32 i32 i32 i32 i32 v128 v128 v128 v128 i32) (result i32)))

  ;; NOTE: V8 (Node 20) does not inline functions that take or return v128, so the chain step is written
  ;; out in place; a call per 4 outputs × k is cheap, a call per step is not.

  ;; set when a chain step's sum was a float32 midpoint or below float32's normal range (per instance:
  ;; each thread has its own)
  (global $inexact (mut i32) (i32.const 0))
  ;; set by the quick kernels ($predict8, $grad8) where a sum may need the full check
  (global $maybe (mut i32) (i32.const 0))

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


  ;; blas_order.ts's stepK: the length of the next k block, of `rest` left, one thread (0) or two (1)
  (func $step_k (param $rest i32) (param $threaded i32) (result i32)
    (if (i32.ge_u (local.get $rest) (i32.const 640)) (then (return (i32.const 320))))
    (if (i32.le_u (local.get $rest) (i32.const 320)) (then (return (local.get $rest))))
    (if (local.get $threaded) (then (return (i32.shr_u (i32.add (local.get $rest) (i32.const 1)) (i32.const 1)))))
    (i32.and (i32.add (i32.shr_u (local.get $rest) (i32.const 1)) (i32.const 7)) (i32.const -8)))

  ;; Whether a chain step's sum s = p + c (float64x2) was safe to round to float32 once: exact (TwoSum's
  ;; error, off the chain's critical path, is 0), or neither a float32 midpoint (the low 29 of the 52
  ;; mantissa bits 1 followed by zeros) nor in (0, 2^-126) (|s|'s bits + 2^63 - 1 compared as signed: zero
  ;; wraps to the largest, (0, 2^-126) stay below 2^-126's). Written out inline:
  ;;   flags |= (p - (s - bb)) + (c - bb) != 0 & ((s & MID_MASK) == MID | ((s & ABS) + ABS) < TINY_K), bb = s - p

  ;; The predictions of four rows x0..x3 (float32, k each) with w (k float64), c (float32x4) the bias
  ;; (BLAS's C): per k block one fma chain per row from 0 over the block's features, added to c. Every
  ;; step checked in full ($inexact: the JavaScript kernels take the step).
  (func $predict4x (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32) (param $w i32) (param $k i32)
        (param $threaded i32) (param $c v128) (result v128)
    (local $p i32) (local $e i32) (local $q i32) (local $v v128) (local $wv v128)
    (local $a01 v128) (local $a23 v128) (local $s01 v128) (local $s23 v128) (local $flags v128)
    (local $midMask v128) (local $mid v128) (local $abs v128) (local $tinyK v128)
    (local $p01 v128) (local $p23 v128) (local $c01 v128) (local $c23 v128) (local $bb v128) (local $zero v128)
    (local.set $midMask (v128.const i64x2 0x1FFFFFFF 0x1FFFFFFF))
    (local.set $mid (v128.const i64x2 0x10000000 0x10000000))
    (local.set $abs (v128.const i64x2 0x7FFFFFFFFFFFFFFF 0x7FFFFFFFFFFFFFFF))
    (local.set $tinyK (v128.const i64x2 0xB80FFFFFFFFFFFFF 0xB80FFFFFFFFFFFFF))
    (block $all
      (loop $blocks
        (br_if $all (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $e (i32.add (local.get $p) (call $step_k (i32.sub (local.get $k) (local.get $p)) (local.get $threaded))))
        (local.set $a01 (v128.const i64x2 0 0))
        (local.set $a23 (v128.const i64x2 0 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
            (local.set $q (i32.shl (local.get $p) (i32.const 2)))
            (local.set $v (v128.load32_zero (i32.add (local.get $x0) (local.get $q))))
            (local.set $v (v128.load32_lane 1 (i32.add (local.get $x1) (local.get $q)) (local.get $v)))
            (local.set $v (v128.load32_lane 2 (i32.add (local.get $x2) (local.get $q)) (local.get $v)))
            (local.set $v (v128.load32_lane 3 (i32.add (local.get $x3) (local.get $q)) (local.get $v)))
            (local.set $wv (v128.load64_splat (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $p01 (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $wv)))
            (local.set $p23 (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $wv)))
            (local.set $c01 (local.get $a01))
            (local.set $c23 (local.get $a23))
            (local.set $s01 (f64x2.add (local.get $p01) (local.get $a01)))
            (local.set $s23 (f64x2.add (local.get $p23) (local.get $a23)))
            (local.set $a01 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s01))))
            (local.set $a23 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s23))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.and
                (f64x2.ne (f64x2.add (f64x2.sub (local.get $p01) (f64x2.sub (local.get $s01) (local.tee $bb (f64x2.sub (local.get $s01) (local.get $p01)))))
                                     (f64x2.sub (local.get $c01) (local.get $bb))) (local.get $zero))
                (v128.or (i64x2.eq (v128.and (local.get $s01) (local.get $midMask)) (local.get $mid))
                         (i64x2.lt_s (i64x2.add (v128.and (local.get $s01) (local.get $abs)) (local.get $abs)) (local.get $tinyK))))
              (v128.and
                (f64x2.ne (f64x2.add (f64x2.sub (local.get $p23) (f64x2.sub (local.get $s23) (local.tee $bb (f64x2.sub (local.get $s23) (local.get $p23)))))
                                     (f64x2.sub (local.get $c23) (local.get $bb))) (local.get $zero))
                (v128.or (i64x2.eq (v128.and (local.get $s23) (local.get $midMask)) (local.get $mid))
                         (i64x2.lt_s (i64x2.add (v128.and (local.get $s23) (local.get $abs)) (local.get $abs)) (local.get $tinyK)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $next)))
        ;; c + the block's chains, in float32
        (local.set $c (f32x4.add (local.get $c) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $a01)) (f32x4.demote_f64x2_zero (local.get $a23)))))
        (br $blocks)))
    (if (v128.any_true (local.get $flags)) (then (global.set $inexact (i32.const 1))))
    (local.get $c))

  ;; Four columns of the weight gradient (x: the address of the first in row 0 of a batch of n rows of
  ;; rowBytes; lanes outside `keep` read as 0) with the output gradients g (n float64): per k block of
  ;; rows one fma chain per column from 0, added to gw (BLAS's C) after the blocks before.
  (func $grad4x (param $x i32) (param $rowBytes i32) (param $n i32) (param $g i32) (param $threaded i32)
        (param $keep v128) (param $gw v128) (result v128)
    (local $r i32) (local $e i32) (local $v v128) (local $gv v128)
    (local $a01 v128) (local $a23 v128) (local $s01 v128) (local $s23 v128) (local $flags v128)
    (local $midMask v128) (local $mid v128) (local $abs v128) (local $tinyK v128)
    (local $p01 v128) (local $p23 v128) (local $c01 v128) (local $c23 v128) (local $bb v128) (local $zero v128)
    (local.set $midMask (v128.const i64x2 0x1FFFFFFF 0x1FFFFFFF))
    (local.set $mid (v128.const i64x2 0x10000000 0x10000000))
    (local.set $abs (v128.const i64x2 0x7FFFFFFFFFFFFFFF 0x7FFFFFFFFFFFFFFF))
    (local.set $tinyK (v128.const i64x2 0xB80FFFFFFFFFFFFF 0xB80FFFFFFFFFFFFF))
    (block $all
      (loop $blocks
        (br_if $all (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $e (i32.add (local.get $r) (call $step_k (i32.sub (local.get $n) (local.get $r)) (local.get $threaded))))
        (local.set $a01 (v128.const i64x2 0 0))
        (local.set $a23 (v128.const i64x2 0 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $r) (local.get $e)))
            (local.set $v (v128.and (v128.load (local.get $x)) (local.get $keep)))
            (local.set $gv (v128.load64_splat (i32.add (local.get $g) (i32.shl (local.get $r) (i32.const 3)))))
            (local.set $p01 (f64x2.mul (local.get $gv) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $p23 (f64x2.mul (local.get $gv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $c01 (local.get $a01))
            (local.set $c23 (local.get $a23))
            (local.set $s01 (f64x2.add (local.get $p01) (local.get $a01)))
            (local.set $s23 (f64x2.add (local.get $p23) (local.get $a23)))
            (local.set $a01 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s01))))
            (local.set $a23 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s23))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.and
                (f64x2.ne (f64x2.add (f64x2.sub (local.get $p01) (f64x2.sub (local.get $s01) (local.tee $bb (f64x2.sub (local.get $s01) (local.get $p01)))))
                                     (f64x2.sub (local.get $c01) (local.get $bb))) (local.get $zero))
                (v128.or (i64x2.eq (v128.and (local.get $s01) (local.get $midMask)) (local.get $mid))
                         (i64x2.lt_s (i64x2.add (v128.and (local.get $s01) (local.get $abs)) (local.get $abs)) (local.get $tinyK))))
              (v128.and
                (f64x2.ne (f64x2.add (f64x2.sub (local.get $p23) (f64x2.sub (local.get $s23) (local.tee $bb (f64x2.sub (local.get $s23) (local.get $p23)))))
                                     (f64x2.sub (local.get $c23) (local.get $bb))) (local.get $zero))
                (v128.or (i64x2.eq (v128.and (local.get $s23) (local.get $midMask)) (local.get $mid))
                         (i64x2.lt_s (i64x2.add (v128.and (local.get $s23) (local.get $abs)) (local.get $abs)) (local.get $tinyK)))))))
            (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $next)))
        (local.set $gw (f32x4.add (local.get $gw) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (local.get $a01)) (f32x4.demote_f64x2_zero (local.get $a23)))))
        (br $blocks)))
    (if (v128.any_true (local.get $flags)) (then (global.set $inexact (i32.const 1))))
    ;; a non-finite sum: JavaScript's NaN bits may differ
    (if (i32.eqz (i32x4.all_true (f32x4.lt (f32x4.abs (local.get $gw)) (v128.const f32x4 inf inf inf inf))))
      (then (global.set $inexact (i32.const 1))))
    (local.get $gw))
;; ---------------------------------------------------------------------------------------------------
  ;; One whole step (prediction, residual, gradients) split into chunks that either thread may take.
  ;;
  ;; A job is a block of i32 words in the shared memory (linear_mse_shared.ts writes it; the byte offsets
  ;; are the `offset=` below). Its chunks are claimed one at a time by compare-and-swap on CLAIM, which
  ;; holds the job's generation (low 15 bits) above the next chunk's number, so a thread still holding an
  ;; older job can claim nothing of a newer one. Row chunks come first: rows idx[r0..r1) copied to
  ;; buf + r·rowBytes, their predictions (addmm's order: $predict4) and grad[r] = float32(norm·(pred[r] -
  ;; y[r])). Then feature chunks: columns j0..j1 of the weight gradient over all the rows of buf (mm's
  ;; order: $grad4), stored into gw. Each value a chunk writes depends only
  ;; on the job, so a chunk done twice writes the same values again: a thread that finds a chunk claimed
  ;; but not done after a while does it itself (the other thread may have been descheduled), and no sum
  ;; depends on which thread did what, or on how many threads there are.
  ;;
  ;; job words: 0 gen, 1 claim, 2 x, 3 idx, 4 n, 5 k, 6 w (float64), 7 hasBias, 8 bias (f32), 9 y (see 33),
  ;; 10 buf, 11 pred, 12 grad, 13 gw, 14 done (i32 per chunk: the gen that finished it), 15 rows per
  ;; row chunk, 16 row chunks, 17 features per feature chunk, 18 chunks in all, 19 touch, 20-21 norm
  ;; (f64), 22 the address of the word where a helper's work() shows the gen it is in (0: none),
  ;; 23 chunks done by a helper, 24 chunks done again after a wait (counts, for tests), 25 g (float64
  ;; output gradients), 26 / 27 whether the product's / weight gradient's k blocks are split as on two
  ;; threads, 28 inexact (non-zero: a chunk could not round a sum once, see the header), 29 non-zero when
  ;; a row or output gradient of the batch has a value in (0, 2^-50), 30 the same for the weights, 31 non-zero:
  ;; the quick kernels are rows_fma.wat's (fused multiply-adds, no checks needed), 32 w (float32, for
  ;; those), 33 non-zero: the targets at word 9 are the dataset's (row idx[r]'s at idx[r]; else row
  ;; idx[r]'s at r), 34 the squared errors (float32, n)

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

  ;; The predictions of eight rows x0..x7 into out (8 float32; C: c for rows 0-3, d for 4-7), as $predict4x forms them, but each chain
  ;; step only checked for a float32 midpoint, without TwoSum (where one shows, $maybe: the caller does the
  ;; rows again with $predict4x, which tells the exact sums apart), and not for sums below 2^-126: the
  ;; caller takes this only when every product is 0 or a multiple of 2^-149 (both factors 0 or at least
  ;; 2^-50 in magnitude), so that a sum below 2^-126 is exact.
  (func $predict8 (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32) (param $x4 i32) (param $x5 i32)
        (param $x6 i32) (param $x7 i32) (param $w i32) (param $k i32) (param $threaded i32) (param $c v128) (param $d v128) (param $out i32)
    (local $p i32) (local $e i32) (local $q i32) (local $v v128) (local $u v128) (local $wv v128)
    (local $l0 v128) (local $l1 v128) (local $l2 v128) (local $l3 v128) (local $l4 v128) (local $l5 v128) (local $l6 v128) (local $l7 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $h0 v128) (local $h1 v128) (local $h2 v128) (local $h3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $flags v128)
    (local $midMask v128) (local $mid v128)
    (local.set $midMask (v128.const i64x2 0x1FFFFFFF 0x1FFFFFFF))
    (local.set $mid (v128.const i64x2 0x10000000 0x10000000))
    (block $all
      (loop $blocks
        (br_if $all (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $e (i32.add (local.get $p) (call $step_k (i32.sub (local.get $k) (local.get $p)) (local.get $threaded))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        ;; four features at a time: four consecutive values of each row, interleaved by pairs of rows
        ;; (t01: rows 0 and 1 at features p, p + 1; h01 at p + 2, p + 3; likewise for rows 2-3, 4-5, 6-7)
        (block $fours_done
          (loop $fours
            (br_if $fours_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $e)))
            (local.set $q (i32.shl (local.get $p) (i32.const 2)))
            (local.set $l0 (v128.load (i32.add (local.get $x0) (local.get $q))))
            (local.set $l1 (v128.load (i32.add (local.get $x1) (local.get $q))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l0) (local.get $l1)))
            (local.set $h0 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l0) (local.get $l1)))
            (local.set $l2 (v128.load (i32.add (local.get $x2) (local.get $q))))
            (local.set $l3 (v128.load (i32.add (local.get $x3) (local.get $q))))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l2) (local.get $l3)))
            (local.set $h1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l2) (local.get $l3)))
            (local.set $l4 (v128.load (i32.add (local.get $x4) (local.get $q))))
            (local.set $l5 (v128.load (i32.add (local.get $x5) (local.get $q))))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l4) (local.get $l5)))
            (local.set $h2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l4) (local.get $l5)))
            (local.set $l6 (v128.load (i32.add (local.get $x6) (local.get $q))))
            (local.set $l7 (v128.load (i32.add (local.get $x7) (local.get $q))))
            (local.set $t3 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l6) (local.get $l7)))
            (local.set $h3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l6) (local.get $l7)))
            (local.set $wv (v128.load64_splat offset=0 (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $s0 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t0)) (local.get $wv)) (local.get $a0)))
            (local.set $a0 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s0))))
            (local.set $s1 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t1)) (local.get $wv)) (local.get $a1)))
            (local.set $a1 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s1))))
            (local.set $s2 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t2)) (local.get $wv)) (local.get $a2)))
            (local.set $a2 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s2))))
            (local.set $s3 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $t3)) (local.get $wv)) (local.get $a3)))
            (local.set $a3 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s3))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.or (i64x2.eq (v128.and (local.get $s0) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s1) (local.get $midMask)) (local.get $mid)))
              (v128.or (i64x2.eq (v128.and (local.get $s2) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s3) (local.get $midMask)) (local.get $mid))))))
            (local.set $wv (v128.load64_splat offset=8 (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $s0 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t0) (local.get $t0))) (local.get $wv)) (local.get $a0)))
            (local.set $a0 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s0))))
            (local.set $s1 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t1) (local.get $t1))) (local.get $wv)) (local.get $a1)))
            (local.set $a1 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s1))))
            (local.set $s2 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t2) (local.get $t2))) (local.get $wv)) (local.get $a2)))
            (local.set $a2 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s2))))
            (local.set $s3 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t3) (local.get $t3))) (local.get $wv)) (local.get $a3)))
            (local.set $a3 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s3))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.or (i64x2.eq (v128.and (local.get $s0) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s1) (local.get $midMask)) (local.get $mid)))
              (v128.or (i64x2.eq (v128.and (local.get $s2) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s3) (local.get $midMask)) (local.get $mid))))))
            (local.set $wv (v128.load64_splat offset=16 (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $s0 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $h0)) (local.get $wv)) (local.get $a0)))
            (local.set $a0 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s0))))
            (local.set $s1 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $h1)) (local.get $wv)) (local.get $a1)))
            (local.set $a1 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s1))))
            (local.set $s2 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $h2)) (local.get $wv)) (local.get $a2)))
            (local.set $a2 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s2))))
            (local.set $s3 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $h3)) (local.get $wv)) (local.get $a3)))
            (local.set $a3 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s3))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.or (i64x2.eq (v128.and (local.get $s0) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s1) (local.get $midMask)) (local.get $mid)))
              (v128.or (i64x2.eq (v128.and (local.get $s2) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s3) (local.get $midMask)) (local.get $mid))))))
            (local.set $wv (v128.load64_splat offset=24 (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $s0 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h0) (local.get $h0))) (local.get $wv)) (local.get $a0)))
            (local.set $a0 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s0))))
            (local.set $s1 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h1) (local.get $h1))) (local.get $wv)) (local.get $a1)))
            (local.set $a1 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s1))))
            (local.set $s2 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h2) (local.get $h2))) (local.get $wv)) (local.get $a2)))
            (local.set $a2 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s2))))
            (local.set $s3 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $h3) (local.get $h3))) (local.get $wv)) (local.get $a3)))
            (local.set $a3 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s3))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.or (i64x2.eq (v128.and (local.get $s0) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s1) (local.get $midMask)) (local.get $mid)))
              (v128.or (i64x2.eq (v128.and (local.get $s2) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s3) (local.get $midMask)) (local.get $mid))))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $fours)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
            (local.set $q (i32.shl (local.get $p) (i32.const 2)))
            (local.set $v (v128.load32_zero (i32.add (local.get $x0) (local.get $q))))
            (local.set $v (v128.load32_lane 1 (i32.add (local.get $x1) (local.get $q)) (local.get $v)))
            (local.set $v (v128.load32_lane 2 (i32.add (local.get $x2) (local.get $q)) (local.get $v)))
            (local.set $v (v128.load32_lane 3 (i32.add (local.get $x3) (local.get $q)) (local.get $v)))
            (local.set $u (v128.load32_zero (i32.add (local.get $x4) (local.get $q))))
            (local.set $u (v128.load32_lane 1 (i32.add (local.get $x5) (local.get $q)) (local.get $u)))
            (local.set $u (v128.load32_lane 2 (i32.add (local.get $x6) (local.get $q)) (local.get $u)))
            (local.set $u (v128.load32_lane 3 (i32.add (local.get $x7) (local.get $q)) (local.get $u)))
            (local.set $wv (v128.load64_splat (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $s0 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $wv)) (local.get $a0)))
            (local.set $a0 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s0))))
            (local.set $s1 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $wv)) (local.get $a1)))
            (local.set $a1 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s1))))
            (local.set $s2 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $u)) (local.get $wv)) (local.get $a2)))
            (local.set $a2 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s2))))
            (local.set $s3 (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $u) (local.get $u))) (local.get $wv)) (local.get $a3)))
            (local.set $a3 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s3))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.or (i64x2.eq (v128.and (local.get $s0) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s1) (local.get $midMask)) (local.get $mid)))
              (v128.or (i64x2.eq (v128.and (local.get $s2) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s3) (local.get $midMask)) (local.get $mid))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $next)))
        (local.set $c (f32x4.add (local.get $c) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $a0)) (f32x4.demote_f64x2_zero (local.get $a1)))))
        (local.set $d (f32x4.add (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $a2)) (f32x4.demote_f64x2_zero (local.get $a3)))))
        (br $blocks)))
    (if (v128.any_true (local.get $flags)) (then (global.set $maybe (i32.const 1))))
    (v128.store (local.get $out) (local.get $c))
    (v128.store offset=16 (local.get $out) (local.get $d)))

  ;; Eight columns of the weight gradient into out (8 float32, from C = gw, gw1; lanes outside keep0/keep1 read as 0), as
  ;; $grad4x forms them, with $predict8's quick check ($maybe: the caller does them again with $grad4x).
  (func $grad8 (param $x i32) (param $rowBytes i32) (param $n i32) (param $g i32) (param $threaded i32)
        (param $keep0 v128) (param $keep1 v128) (param $gw v128) (param $gw1 v128) (param $out i32)
    (local $r i32) (local $e i32) (local $v v128) (local $u v128) (local $gv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $flags v128)
    (local $midMask v128) (local $mid v128)
    (local.set $midMask (v128.const i64x2 0x1FFFFFFF 0x1FFFFFFF))
    (local.set $mid (v128.const i64x2 0x10000000 0x10000000))
    (block $all
      (loop $blocks
        (br_if $all (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $e (i32.add (local.get $r) (call $step_k (i32.sub (local.get $n) (local.get $r)) (local.get $threaded))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $r) (local.get $e)))
            (local.set $v (v128.and (v128.load (local.get $x)) (local.get $keep0)))
            (local.set $u (v128.and (v128.load offset=16 (local.get $x)) (local.get $keep1)))
            (local.set $gv (v128.load64_splat (i32.add (local.get $g) (i32.shl (local.get $r) (i32.const 3)))))
            (local.set $s0 (f64x2.add (f64x2.mul (local.get $gv) (f64x2.promote_low_f32x4 (local.get $v))) (local.get $a0)))
            (local.set $a0 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s0))))
            (local.set $s1 (f64x2.add (f64x2.mul (local.get $gv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))) (local.get $a1)))
            (local.set $a1 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s1))))
            (local.set $s2 (f64x2.add (f64x2.mul (local.get $gv) (f64x2.promote_low_f32x4 (local.get $u))) (local.get $a2)))
            (local.set $a2 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s2))))
            (local.set $s3 (f64x2.add (f64x2.mul (local.get $gv) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $u) (local.get $u)))) (local.get $a3)))
            (local.set $a3 (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $s3))))
            (local.set $flags (v128.or (local.get $flags) (v128.or
              (v128.or (i64x2.eq (v128.and (local.get $s0) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s1) (local.get $midMask)) (local.get $mid)))
              (v128.or (i64x2.eq (v128.and (local.get $s2) (local.get $midMask)) (local.get $mid)) (i64x2.eq (v128.and (local.get $s3) (local.get $midMask)) (local.get $mid))))))
            (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $next)))
        (local.set $gw (f32x4.add (local.get $gw) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $a0)) (f32x4.demote_f64x2_zero (local.get $a1)))))
        (local.set $gw1 (f32x4.add (local.get $gw1) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero (local.get $a2)) (f32x4.demote_f64x2_zero (local.get $a3)))))
        (br $blocks)))
    (if (v128.any_true (local.get $flags)) (then (global.set $maybe (i32.const 1))))
    ;; a non-finite sum: $grad4x reports it
    (if (i32.eqz (i32x4.all_true (f32x4.lt (f32x4.abs (local.get $gw)) (v128.const f32x4 inf inf inf inf))))
      (then (global.set $maybe (i32.const 1))))
    (if (i32.eqz (i32x4.all_true (f32x4.lt (f32x4.abs (local.get $gw1)) (v128.const f32x4 inf inf inf inf))))
      (then (global.set $maybe (i32.const 1))))
    (v128.store (local.get $out) (local.get $gw))
    (v128.store offset=16 (local.get $out) (local.get $gw1)))

  ;; Whether any of the n float32 at x is non-zero and below 2^-50 in magnitude (|x|'s bits - 1 below
  ;; 2^-50's bits - 1, unsigned: zero wraps to the largest), which the quick kernels cannot take.
  (func $has_tiny (export "has_tiny") (param $x i32) (param $n i32) (result i32)
    (local $e i32) (local $end i32) (local $any v128)
    (local.set $e (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $fours
        (br_if $done (i32.ge_u (local.get $x) (local.get $e)))
        (local.set $any (v128.or (local.get $any) (i32x4.lt_u
          (i32x4.sub (v128.and (v128.load (local.get $x)) (v128.const i32x4 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF)) (v128.const i32x4 1 1 1 1))
          (v128.const i32x4 0x267FFFFF 0x267FFFFF 0x267FFFFF 0x267FFFFF))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $fours)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $x) (local.get $end)))
        (if (i32.lt_u (i32.sub (i32.and (i32.load (local.get $x)) (i32.const 0x7FFFFFFF)) (i32.const 1)) (i32.const 0x267FFFFF))
          (then (return (i32.const 1))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $tail)))
    (v128.any_true (local.get $any)))

  ;; the address of row r + i of the batch in buf (rows of rowBytes), or of its row r1 - 1 past that
  (func $clamped (param $buf i32) (param $rowBytes i32) (param $r i32) (param $i i32) (param $r1 i32) (result i32)
    (i32.add (local.get $buf) (i32.mul (local.get $rowBytes)
      (select (i32.add (local.get $r) (local.get $i)) (i32.sub (local.get $r1) (i32.const 1)) (i32.lt_u (i32.add (local.get $r) (local.get $i)) (local.get $r1))))))

  ;; With the hardware's fma (job word 31): the predictions of the rows r0..r1 of buf into $tmp (indexed
  ;; from r0; a last group of fewer than 16 repeats its last row) by rows_fma.wat's $predict16, on the
  ;; float32 weights (job word 32); where an output is not finite, $predict4x's full check on those 16
  ;; rows reports it.
  (func $predict_rows16 (param $s i32) (param $r0 i32) (param $r1 i32) (param $rowBytes i32) (param $k i32) (param $bias v128) (param $tmp i32)
    (local $r i32) (local $buf i32) (local $out i32) (local $q i32)
    (local.set $buf (i32.load offset=40 (local.get $s)))
    (local.set $r (local.get $r0))
    (block $done
      (loop $sixteens
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $out (i32.add (local.get $tmp) (i32.shl (i32.sub (local.get $r) (local.get $r0)) (i32.const 2))))
        (if (call $predict16_fma (i32.add (local.get $buf) (i32.mul (local.get $r) (local.get $rowBytes))) (local.get $rowBytes)
              (select (i32.const 16) (i32.sub (local.get $r1) (local.get $r)) (i32.gt_u (i32.sub (local.get $r1) (local.get $r)) (i32.const 16)))
              (i32.load offset=128 (local.get $s)) (local.get $k) (i32.load offset=104 (local.get $s)) (local.get $bias) (local.get $out))
          (then
            (local.set $q (i32.const 0))
            (block $quads_done
              (loop $quads
                (br_if $quads_done (i32.ge_u (local.get $q) (i32.const 16)))
                (v128.store (i32.add (local.get $out) (i32.shl (local.get $q) (i32.const 2))) (call $predict4x
                  (call $clamped (local.get $buf) (local.get $rowBytes) (local.get $r) (local.get $q) (local.get $r1))
                  (call $clamped (local.get $buf) (local.get $rowBytes) (local.get $r) (i32.add (local.get $q) (i32.const 1)) (local.get $r1))
                  (call $clamped (local.get $buf) (local.get $rowBytes) (local.get $r) (i32.add (local.get $q) (i32.const 2)) (local.get $r1))
                  (call $clamped (local.get $buf) (local.get $rowBytes) (local.get $r) (i32.add (local.get $q) (i32.const 3)) (local.get $r1))
                  (i32.load offset=24 (local.get $s)) (local.get $k) (i32.load offset=104 (local.get $s)) (local.get $bias)))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))
                (br $quads)))))
        (local.set $r (i32.add (local.get $r) (i32.const 16)))
        (br $sixteens))))

  ;; row chunk $c: copy, predict, output gradients
  (func $row_chunk (param $s i32) (param $c i32) (param $tmp i32)
    (local $r0 i32) (local $r1 i32) (local $k i32) (local $rowBytes i32) (local $r i32) (local $at i32)
    (local $norm f64) (local $p f32) (local $g f32) (local $buf i32) (local $last i32) (local $bias v128) (local $x i32) (local $out i32)
    (local $tiny i32) (local $tinyG i32) (local $fused i32) (local $yv f32) (local $d f32)
    (local.set $fused (i32.load offset=124 (local.get $s)))
    (local.set $k (i32.load offset=20 (local.get $s)))
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $r0 (i32.mul (local.get $c) (i32.load offset=60 (local.get $s))))
    (local.set $r1 (i32.add (local.get $r0) (i32.load offset=60 (local.get $s))))
    (if (i32.gt_u (local.get $r1) (i32.load offset=16 (local.get $s)))
      (then (local.set $r1 (i32.load offset=16 (local.get $s)))))
    (if (i32.load offset=76 (local.get $s))
      (then (drop (call $touch (i32.load offset=8 (local.get $s)) (i32.load offset=12 (local.get $s)) (local.get $r0) (local.get $r1) (local.get $rowBytes)))))
    (local.set $buf (i32.load offset=40 (local.get $s)))
    (local.set $r (local.get $r0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $r1)))
        (memory.copy (i32.add (local.get $buf) (i32.mul (local.get $r) (local.get $rowBytes)))
          (call $row (i32.load offset=8 (local.get $s)) (i32.load offset=12 (local.get $s)) (local.get $r) (local.get $rowBytes)) (local.get $rowBytes))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    ;; a weight or a value of these rows in (0, 2^-50): the full check for their products; for the weight
    ;; gradient too (the job's word 29, which the feature chunks read once every row chunk is done)
    ;; (a true fma needs no such check)
    (if (i32.eqz (local.get $fused)) (then
      (local.set $tiny (i32.or (i32.load offset=120 (local.get $s))
        (call $has_tiny (i32.add (local.get $buf) (i32.mul (local.get $r0) (local.get $rowBytes))) (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $k)))))))
    ;; the predictions of the rows just copied (in cache now), eight at a time (a last group of fewer
    ;; repeats its last row), into this thread's $tmp (indexed from r0): pred and grad are then each
    ;; stored once, with their final values (a chunk done twice must never show the other thread a value
    ;; half made). BLAS's C is the bias, or zeros without one.
    (local.set $bias (f32x4.splat (if (result f32) (i32.load offset=28 (local.get $s))
      (then (f32.load offset=32 (local.get $s))) (else (f32.const 0)))))
    (local.set $last (i32.add (local.get $buf) (i32.mul (i32.sub (local.get $r1) (i32.const 1)) (local.get $rowBytes))))
    (if (local.get $fused)
      (then (call $predict_rows16 (local.get $s) (local.get $r0) (local.get $r1) (local.get $rowBytes) (local.get $k) (local.get $bias) (local.get $tmp)))
      (else
        (local.set $r (local.get $r0))
        (block $eights_done
          (loop $eights
            (br_if $eights_done (i32.ge_u (local.get $r) (local.get $r1)))
            (local.set $x (i32.add (local.get $buf) (i32.mul (local.get $r) (local.get $rowBytes))))
            (local.set $out (i32.add (local.get $tmp) (i32.shl (i32.sub (local.get $r) (local.get $r0)) (i32.const 2))))
            (if (local.get $tiny) (then (global.set $maybe (i32.const 1))) (else (call $predict8
              (local.get $x)
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $r1)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $r1)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $r1)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 4))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 4)) (local.get $r1)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 5))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 5)) (local.get $r1)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 6))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 6)) (local.get $r1)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 7))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 7)) (local.get $r1)))
              (i32.load offset=24 (local.get $s)) (local.get $k) (i32.load offset=104 (local.get $s)) (local.get $bias) (local.get $bias) (local.get $out))))
            (if (global.get $maybe)
              (then
                (global.set $maybe (i32.const 0))
                (v128.store (local.get $out) (call $predict4x (local.get $x)
                  (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $r1)))
                  (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $r1)))
                  (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $r1)))
                  (i32.load offset=24 (local.get $s)) (local.get $k) (i32.load offset=104 (local.get $s)) (local.get $bias)))
                (v128.store offset=16 (local.get $out) (call $predict4x (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 4))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 4)) (local.get $r1)))
                  (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 5))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 5)) (local.get $r1)))
                  (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 6))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 6)) (local.get $r1)))
                  (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 7))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 7)) (local.get $r1)))
                  (i32.load offset=24 (local.get $s)) (local.get $k) (i32.load offset=104 (local.get $s)) (local.get $bias)))))
            (local.set $r (i32.add (local.get $r) (i32.const 8)))
            (br $eights)))))
    (local.set $norm (f64.load offset=80 (local.get $s)))
    (local.set $r (local.get $r0))
    (block $grads_done
      (loop $grads
        (br_if $grads_done (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $at (i32.shl (local.get $r) (i32.const 2)))
        (local.set $p (f32.load (i32.add (local.get $tmp) (i32.shl (i32.sub (local.get $r) (local.get $r0)) (i32.const 2)))))
        (f32.store (i32.add (i32.load offset=44 (local.get $s)) (local.get $at)) (local.get $p))
        ;; y: the target of row idx[r] (job word 33 non-zero: read by index from the dataset's targets at
        ;; word 9), or the r-th of those gathered at word 9
        (local.set $yv (f32.load (i32.add (i32.load offset=36 (local.get $s))
          (i32.shl (select (i32.load (i32.add (i32.load offset=12 (local.get $s)) (local.get $at))) (local.get $r) (i32.load offset=132 (local.get $s))) (i32.const 2)))))
        ;; the squared error as mse_loss rounds it (the difference, then its square, each to float32)
        (local.set $d (f32.sub (local.get $p) (local.get $yv)))
        (f32.store (i32.add (i32.load offset=136 (local.get $s)) (local.get $at)) (f32.mul (local.get $d) (local.get $d)))
        ;; grad = norm·(pred - y) rounded once, as backwardRows forms it; kept as float64 too for the chains
        (local.set $g (f32.demote_f64 (f64.mul (local.get $norm)
            (f64.sub (f64.promote_f32 (local.get $p)) (f64.promote_f32 (local.get $yv))))))
        (if (i32.eqz (f32.lt (f32.abs (local.get $g)) (f32.const inf)))
          (then (global.set $inexact (i32.const 1))))
        (if (i32.lt_u (i32.sub (i32.and (i32.reinterpret_f32 (local.get $g)) (i32.const 0x7FFFFFFF)) (i32.const 1)) (i32.const 0x267FFFFF))
          (then (local.set $tinyG (i32.const 1))))
        (f32.store (i32.add (i32.load offset=48 (local.get $s)) (local.get $at)) (local.get $g))
        (f64.store (i32.add (i32.load offset=100 (local.get $s)) (i32.shl (local.get $r) (i32.const 3))) (f64.promote_f32 (local.get $g)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $grads)))
    (if (i32.and (i32.eqz (local.get $fused)) (i32.or (local.get $tiny) (local.get $tinyG)))
      (then (drop (i32.atomic.rmw.or offset=116 (local.get $s) (i32.const 1))))))

;; With the hardware's fma (job word 31): gw[j0..j0 + w) from the rows of buf and their float32 output
  ;; gradients (the job's grad), sixteen columns at a time by rows_fma.wat's $grad16 into $acc (64
  ;; bytes), then stored; where a sum is not finite, $grad4x's full check on those columns reports it.
  (func $grad_columns16 (param $s i32) (param $j0 i32) (param $w i32) (param $acc i32)
    (local $q i32) (local $left i32) (local $x i32) (local $out i32) (local $i i32) (local $rowBytes i32)
    (local $keep0 v128) (local $keep1 v128) (local $keep2 v128) (local $keep3 v128) (local $all v128)
    (local.set $rowBytes (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 2)))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $q) (local.get $w)))
        (local.set $left (i32.sub (local.get $w) (local.get $q)))
        ;; the lanes of columns that exist: all ones for the first `left`
        (local.set $all (i32x4.splat (local.get $left)))
        (local.set $keep0 (i32x4.gt_s (local.get $all) (v128.const i32x4 0 1 2 3)))
        (local.set $keep1 (i32x4.gt_s (local.get $all) (v128.const i32x4 4 5 6 7)))
        (local.set $keep2 (i32x4.gt_s (local.get $all) (v128.const i32x4 8 9 10 11)))
        (local.set $keep3 (i32x4.gt_s (local.get $all) (v128.const i32x4 12 13 14 15)))
        (local.set $x (i32.add (i32.load offset=40 (local.get $s)) (i32.shl (i32.add (local.get $j0) (local.get $q)) (i32.const 2))))
        (if (call $grad16_fma (local.get $x) (local.get $rowBytes) (i32.load offset=16 (local.get $s)) (i32.load offset=48 (local.get $s))
              (i32.load offset=108 (local.get $s)) (local.get $keep0) (local.get $keep1) (local.get $keep2) (local.get $keep3) (local.get $acc))
          (then
            (v128.store (local.get $acc) (call $grad4x (local.get $x) (local.get $rowBytes)
              (i32.load offset=16 (local.get $s)) (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep0) (v128.const i64x2 0 0)))
            (v128.store offset=16 (local.get $acc) (call $grad4x (i32.add (local.get $x) (i32.const 16)) (local.get $rowBytes)
              (i32.load offset=16 (local.get $s)) (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep1) (v128.const i64x2 0 0)))
            (v128.store offset=32 (local.get $acc) (call $grad4x (i32.add (local.get $x) (i32.const 32)) (local.get $rowBytes)
              (i32.load offset=16 (local.get $s)) (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep2) (v128.const i64x2 0 0)))
            (v128.store offset=48 (local.get $acc) (call $grad4x (i32.add (local.get $x) (i32.const 48)) (local.get $rowBytes)
              (i32.load offset=16 (local.get $s)) (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep3) (v128.const i64x2 0 0)))))
        (local.set $out (i32.add (i32.load offset=52 (local.get $s)) (i32.shl (i32.add (local.get $j0) (local.get $q)) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $copied
          (loop $copy
            (br_if $copied (i32.ge_u (local.get $i) (select (i32.const 16) (local.get $left) (i32.gt_u (local.get $left) (i32.const 16)))))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
              (f32.load (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $copy)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $groups))))

    ;; feature chunk $f: gw[j0..j1) from the rows of buf and their output gradients, eight columns at a
  ;; time into this thread's $acc (32 bytes), then stored
  (func $feature_chunk (param $s i32) (param $f i32) (param $acc i32)
    (local $j0 i32) (local $w i32) (local $q i32) (local $left i32) (local $out i32) (local $x i32) (local $i i32)
    (local $keep0 v128) (local $keep1 v128) (local $tiny i32)
    (local.set $tiny (i32.atomic.load offset=116 (local.get $s)))
    (local.set $j0 (i32.mul (local.get $f) (i32.load offset=68 (local.get $s))))
    (local.set $w (i32.load offset=68 (local.get $s)))
    (if (i32.gt_u (i32.add (local.get $j0) (local.get $w)) (i32.load offset=20 (local.get $s)))
      (then (local.set $w (i32.sub (i32.load offset=20 (local.get $s)) (local.get $j0)))))
    (if (i32.load offset=124 (local.get $s))
      (then (call $grad_columns16 (local.get $s) (local.get $j0) (local.get $w) (local.get $acc)) (return)))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $q) (local.get $w)))
        (local.set $left (i32.sub (local.get $w) (local.get $q)))
        ;; the lanes of columns that exist: all ones for the first `left`
        (local.set $keep0 (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
        (local.set $keep1 (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 4 5 6 7)))
        (local.set $x (i32.add (i32.load offset=40 (local.get $s)) (i32.shl (i32.add (local.get $j0) (local.get $q)) (i32.const 2))))
        (if (i32.load offset=124 (local.get $s))
          (then (global.set $maybe (call $grad8_fma (local.get $x) (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 2)) (i32.load offset=16 (local.get $s))
            (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep0) (local.get $keep1) (v128.const i64x2 0 0) (v128.const i64x2 0 0) (local.get $acc))))
          (else (if (local.get $tiny) (then (global.set $maybe (i32.const 1))) (else
            (call $grad8 (local.get $x) (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 2)) (i32.load offset=16 (local.get $s))
              (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep0) (local.get $keep1) (v128.const i64x2 0 0) (v128.const i64x2 0 0) (local.get $acc))))))
        (if (global.get $maybe)
          (then
            (global.set $maybe (i32.const 0))
            (v128.store (local.get $acc) (call $grad4x (local.get $x) (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 2))
              (i32.load offset=16 (local.get $s)) (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep0) (v128.const i64x2 0 0)))
            (v128.store offset=16 (local.get $acc) (call $grad4x (i32.add (local.get $x) (i32.const 16)) (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 2))
              (i32.load offset=16 (local.get $s)) (i32.load offset=100 (local.get $s)) (i32.load offset=108 (local.get $s)) (local.get $keep1) (v128.const i64x2 0 0)))))
        (local.set $out (i32.add (i32.load offset=52 (local.get $s)) (i32.shl (i32.add (local.get $j0) (local.get $q)) (i32.const 2))))
        (if (i32.ge_u (local.get $left) (i32.const 8))
          (then
            (v128.store (local.get $out) (v128.load (local.get $acc)))
            (v128.store offset=16 (local.get $out) (v128.load offset=16 (local.get $acc))))
          (else
            (local.set $i (i32.const 0))
            (block $copied
              (loop $copy
                (br_if $copied (i32.ge_u (local.get $i) (local.get $left)))
                (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
                  (f32.load (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $copy)))))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br $groups))))

  ;; ---------------------------------------------------------------------------------------------------
  ;; sgemm where BLAS's n is 1 (blas_order.ts: each output one fma chain per k block, the blocks added to
  ;; C in turn), for kernels/sgemm_n1.ts, on operands it copies into the shared memory. Each returns 1
  ;; where a sum could not be rounded once (the caller then does the product in JavaScript), else 0;
  ;; $tiny: an input in (0, 2^-50), which takes the full check throughout.

  ;; c[i] += a_i · b for i < m: a row-major (rows of rowBytes, k float32 each), b k float64, c m float32
  ;; read and written in eights (the caller pads it with zeros to a multiple of 8).
  (func (export "gemv_rows") (param $a i32) (param $rowBytes i32) (param $m i32) (param $k i32) (param $b i32)
        (param $threaded i32) (param $tiny i32) (param $fused i32) (param $c i32) (result i32)
    (local $r i32) (local $x i32) (local $last i32) (local $out i32) (local $c0 v128) (local $c1 v128)
    (global.set $inexact (i32.const 0))
    (global.set $maybe (i32.const 0))
    (local.set $last (i32.add (local.get $a) (i32.mul (i32.sub (local.get $m) (i32.const 1)) (local.get $rowBytes))))
    (block $done
      (loop $eights
        (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $x (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $out (i32.add (local.get $c) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $c0 (v128.load (local.get $out)))
        (local.set $c1 (v128.load offset=16 (local.get $out)))
        (if (local.get $fused)
          (then (global.set $maybe (call $predict8_fma
            (local.get $x)
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 4))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 4)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 5))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 5)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 6))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 6)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 7))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 7)) (local.get $m)))
            (local.get $b) (local.get $k) (local.get $threaded) (local.get $c0) (local.get $c1) (local.get $out))))
          (else (if (local.get $tiny) (then (global.set $maybe (i32.const 1))) (else (call $predict8
            (local.get $x)
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 4))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 4)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 5))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 5)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 6))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 6)) (local.get $m)))
            (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 7))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 7)) (local.get $m)))
            (local.get $b) (local.get $k) (local.get $threaded) (local.get $c0) (local.get $c1) (local.get $out))))))
        (if (global.get $maybe)
          (then
            (global.set $maybe (i32.const 0))
            (v128.store (local.get $out) (call $predict4x (local.get $x)
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 1))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $m)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 2))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $m)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $m)))
              (local.get $b) (local.get $k) (local.get $threaded) (local.get $c0)))
            (v128.store offset=16 (local.get $out) (call $predict4x (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 4))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 4)) (local.get $m)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 5))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 5)) (local.get $m)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 6))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 6)) (local.get $m)))
              (select (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 7))) (local.get $last) (i32.lt_u (i32.add (local.get $r) (i32.const 7)) (local.get $m)))
              (local.get $b) (local.get $k) (local.get $threaded) (local.get $c1)))))
        ;; a non-finite output: JavaScript's NaN bits may differ
        (if (i32.eqz (i32x4.all_true (f32x4.lt (f32x4.abs (v128.load (local.get $out))) (v128.const f32x4 inf inf inf inf))))
          (then (global.set $inexact (i32.const 1))))
        (if (i32.eqz (i32x4.all_true (f32x4.lt (f32x4.abs (v128.load offset=16 (local.get $out))) (v128.const f32x4 inf inf inf inf))))
          (then (global.set $inexact (i32.const 1))))
        (local.set $r (i32.add (local.get $r) (i32.const 8)))
        (br $eights)))
    (global.get $inexact))

  ;; c[j] += Σ_r g[r]·x[r, j] for j < cols: x row-major (n rows of rowBytes; read up to 7 columns past the
  ;; last), g n float64, c cols float32 read and written in eights (padded with zeros as for gemv_rows).
  (func (export "gemv_cols") (param $x i32) (param $rowBytes i32) (param $n i32) (param $cols i32) (param $g i32)
        (param $threaded i32) (param $tiny i32) (param $fused i32) (param $c i32) (result i32)
    (local $q i32) (local $left i32) (local $keep0 v128) (local $keep1 v128) (local $c0 v128) (local $c1 v128) (local $out i32) (local $xq i32)
    (global.set $inexact (i32.const 0))
    (global.set $maybe (i32.const 0))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $q) (local.get $cols)))
        (local.set $left (i32.sub (local.get $cols) (local.get $q)))
        (local.set $keep0 (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
        (local.set $keep1 (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 4 5 6 7)))
        (local.set $out (i32.add (local.get $c) (i32.shl (local.get $q) (i32.const 2))))
        (local.set $xq (i32.add (local.get $x) (i32.shl (local.get $q) (i32.const 2))))
        (local.set $c0 (v128.load (local.get $out)))
        (local.set $c1 (v128.load offset=16 (local.get $out)))
        (if (local.get $fused)
          (then (global.set $maybe (call $grad8_fma (local.get $xq) (local.get $rowBytes) (local.get $n) (local.get $g) (local.get $threaded)
            (local.get $keep0) (local.get $keep1) (local.get $c0) (local.get $c1) (local.get $out))))
          (else (if (local.get $tiny) (then (global.set $maybe (i32.const 1))) (else
            (call $grad8 (local.get $xq) (local.get $rowBytes) (local.get $n) (local.get $g) (local.get $threaded)
              (local.get $keep0) (local.get $keep1) (local.get $c0) (local.get $c1) (local.get $out))))))
        (if (global.get $maybe)
          (then
            (global.set $maybe (i32.const 0))
            (v128.store (local.get $out) (call $grad4x (local.get $xq) (local.get $rowBytes) (local.get $n) (local.get $g) (local.get $threaded) (local.get $keep0) (local.get $c0)))
            (v128.store offset=16 (local.get $out) (call $grad4x (i32.add (local.get $xq) (i32.const 16)) (local.get $rowBytes) (local.get $n) (local.get $g) (local.get $threaded) (local.get $keep1) (local.get $c1)))))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br $groups)))
    (global.get $inexact))

  ;; chunk $c of job $s done (its inexact flag, if any, added to the job's first), and marked done for $gen
  (func $do_chunk (param $s i32) (param $gen i32) (param $c i32) (param $acc i32)
    (local $rows i32)
    (global.set $inexact (i32.const 0))
    (local.set $rows (i32.load offset=64 (local.get $s)))
    (if (i32.lt_u (local.get $c) (local.get $rows))
      (then (call $row_chunk (local.get $s) (local.get $c) (i32.add (local.get $acc) (i32.shl (i32.load offset=20 (local.get $s)) (i32.const 3)))))
      (else (call $feature_chunk (local.get $s) (i32.sub (local.get $c) (local.get $rows)) (local.get $acc))))
    (if (global.get $inexact) (then (drop (i32.atomic.rmw.or offset=112 (local.get $s) (i32.const 1)))))
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
