;; rows.wat's quick kernels ($predict8, $grad8) with the hardware's fused multiply-add: relaxed SIMD's
;; f32x4.relaxed_madd, which on a CPU with FMA is one fused multiply-add per lane, rounded once, as
;; OpenBLAS's vfmadd231ps. The same chains in the same order as rows.wat's emulation (per k block one
;; chain per output from 0, the blocks added to C in float32), so the same values, without its midpoint
;; and subnormal checks: a true fma needs none. relaxed_madd may also be a multiply and an add (the
;; specification leaves it to the platform), so fma_module.ts uses this module only when `probe` shows
;; fused results, subnormals included; rows.wat calls it only for jobs that ask for it (job word 31, or
;; gemv's $fused). Each returns 1 where an output is not finite (NaN bits may differ from JavaScript's:
;; the caller then takes rows.wat's full check, which reports it), else 0.
;; Needs wat2wasm --enable-relaxed-simd (scripts/build-wasm.sh); Node 20 compiles it after
;; --experimental-wasm-relaxed-simd, which fma_module.ts sets.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; NOTE: a copy of rows.wat's $step_k (blas_order.ts's stepK): the two modules are separate instances,
  ;; and a call across them per k block would cost more than these five lines.
  (func $step_k (param $rest i32) (param $threaded i32) (result i32)
    (if (i32.ge_u (local.get $rest) (i32.const 640)) (then (return (i32.const 320))))
    (if (i32.le_u (local.get $rest) (i32.const 320)) (then (return (local.get $rest))))
    (if (local.get $threaded) (then (return (i32.shr_u (i32.add (local.get $rest) (i32.const 1)) (i32.const 1)))))
    (i32.and (i32.add (i32.shr_u (local.get $rest) (i32.const 1)) (i32.const 7)) (i32.const -8)))

  ;; fma(a, b, c) on lane 0, for fma_module.ts's check that relaxed_madd is fused here
  (func (export "probe") (param $a f32) (param $b f32) (param $c f32) (result f32)
    (f32x4.extract_lane 0 (f32x4.relaxed_madd (f32x4.splat (local.get $a)) (f32x4.splat (local.get $b)) (f32x4.splat (local.get $c)))))

  ;; the float32 weight p of w (float64 holding float32 values) in every lane
  (func $w (param $w i32) (param $p i32) (result v128)
    (f32x4.splat (f32.demote_f64 (f64.load (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3)))))))

  ;; 1 when a lane of v is not finite
  (func $not_finite (param $v v128) (result i32)
    (i32.eqz (i32x4.all_true (f32x4.lt (f32x4.abs (local.get $v)) (v128.const f32x4 inf inf inf inf)))))

  ;; rows.wat's $predict8: the predictions of rows x0..x7 into out (C: c for rows 0-3, d for 4-7)
  (func (export "predict8") (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32) (param $x4 i32) (param $x5 i32)
        (param $x6 i32) (param $x7 i32) (param $w i32) (param $k i32) (param $threaded i32) (param $c v128) (param $d v128) (param $out i32)
        (result i32)
    (local $p i32) (local $e i32) (local $q i32) (local $a v128) (local $b v128) (local $v v128) (local $u v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $l0 v128) (local $l1 v128) (local $l2 v128) (local $l3 v128)
    (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (block $all
      (loop $blocks
        (br_if $all (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $e (i32.add (local.get $p) (call $step_k (i32.sub (local.get $k) (local.get $p)) (local.get $threaded))))
        (local.set $a (v128.const i64x2 0 0))
        (local.set $b (v128.const i64x2 0 0))
        ;; four features at a time: four consecutive values of four rows, transposed to one vector per feature
        (block $fours_done
          (loop $fours
            (br_if $fours_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $e)))
            (local.set $q (i32.shl (local.get $p) (i32.const 2)))
            (local.set $w0 (call $w (local.get $w) (local.get $p)))
            (local.set $w1 (call $w (local.get $w) (i32.add (local.get $p) (i32.const 1))))
            (local.set $w2 (call $w (local.get $w) (i32.add (local.get $p) (i32.const 2))))
            (local.set $w3 (call $w (local.get $w) (i32.add (local.get $p) (i32.const 3))))
            (local.set $l0 (v128.load (i32.add (local.get $x0) (local.get $q))))
            (local.set $l1 (v128.load (i32.add (local.get $x1) (local.get $q))))
            (local.set $l2 (v128.load (i32.add (local.get $x2) (local.get $q))))
            (local.set $l3 (v128.load (i32.add (local.get $x3) (local.get $q))))
            (local.set $u0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l0) (local.get $l1)))
            (local.set $u1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l0) (local.get $l1)))
            (local.set $u2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l2) (local.get $l3)))
            (local.set $u3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l2) (local.get $l3)))
            (local.set $a (f32x4.relaxed_madd (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u2)) (local.get $w0) (local.get $a)))
            (local.set $a (f32x4.relaxed_madd (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u2)) (local.get $w1) (local.get $a)))
            (local.set $a (f32x4.relaxed_madd (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u1) (local.get $u3)) (local.get $w2) (local.get $a)))
            (local.set $a (f32x4.relaxed_madd (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u1) (local.get $u3)) (local.get $w3) (local.get $a)))
            (local.set $l0 (v128.load (i32.add (local.get $x4) (local.get $q))))
            (local.set $l1 (v128.load (i32.add (local.get $x5) (local.get $q))))
            (local.set $l2 (v128.load (i32.add (local.get $x6) (local.get $q))))
            (local.set $l3 (v128.load (i32.add (local.get $x7) (local.get $q))))
            (local.set $u0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l0) (local.get $l1)))
            (local.set $u1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l0) (local.get $l1)))
            (local.set $u2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $l2) (local.get $l3)))
            (local.set $u3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $l2) (local.get $l3)))
            (local.set $b (f32x4.relaxed_madd (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u2)) (local.get $w0) (local.get $b)))
            (local.set $b (f32x4.relaxed_madd (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u2)) (local.get $w1) (local.get $b)))
            (local.set $b (f32x4.relaxed_madd (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u1) (local.get $u3)) (local.get $w2) (local.get $b)))
            (local.set $b (f32x4.relaxed_madd (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u1) (local.get $u3)) (local.get $w3) (local.get $b)))
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
            (local.set $w0 (call $w (local.get $w) (local.get $p)))
            (local.set $a (f32x4.relaxed_madd (local.get $v) (local.get $w0) (local.get $a)))
            (local.set $b (f32x4.relaxed_madd (local.get $u) (local.get $w0) (local.get $b)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $next)))
        (local.set $c (f32x4.add (local.get $c) (local.get $a)))
        (local.set $d (f32x4.add (local.get $d) (local.get $b)))
        (br $blocks)))
    (v128.store (local.get $out) (local.get $c))
    (v128.store offset=16 (local.get $out) (local.get $d))
    (i32.or (call $not_finite (local.get $c)) (call $not_finite (local.get $d))))

  ;; rows.wat's $grad8: eight columns of the weight gradient into out (C: gw, gw1; lanes outside
  ;; keep0/keep1 read as 0), g the n output gradients (float64 holding float32 values)
  (func (export "grad8") (param $x i32) (param $rowBytes i32) (param $n i32) (param $g i32) (param $threaded i32)
        (param $keep0 v128) (param $keep1 v128) (param $gw v128) (param $gw1 v128) (param $out i32) (result i32)
    (local $r i32) (local $e i32) (local $gv v128) (local $a0 v128) (local $a1 v128)
    (block $all
      (loop $blocks
        (br_if $all (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $e (i32.add (local.get $r) (call $step_k (i32.sub (local.get $n) (local.get $r)) (local.get $threaded))))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $r) (local.get $e)))
            (local.set $gv (call $w (local.get $g) (local.get $r)))
            (local.set $a0 (f32x4.relaxed_madd (local.get $gv) (v128.and (v128.load (local.get $x)) (local.get $keep0)) (local.get $a0)))
            (local.set $a1 (f32x4.relaxed_madd (local.get $gv) (v128.and (v128.load offset=16 (local.get $x)) (local.get $keep1)) (local.get $a1)))
            (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $next)))
        (local.set $gw (f32x4.add (local.get $gw) (local.get $a0)))
        (local.set $gw1 (f32x4.add (local.get $gw1) (local.get $a1)))
        (br $blocks)))
    (v128.store (local.get $out) (local.get $gw))
    (v128.store offset=16 (local.get $out) (local.get $gw1))
    (i32.or (call $not_finite (local.get $gw)) (call $not_finite (local.get $gw1))))
)
