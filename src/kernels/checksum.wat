;; The data checksum of the binary caches (data/checksum.ts): a Fletcher sum over 16-byte words in four
;; 32-bit lanes, a += word, b += a (mod 2^32 in each lane), so that every word and its position count.
;; Memory bound (the whole cache is read once anyway); SHA-256 over the same bytes costs ~5x more.
;; Regenerate src/kernels/checksum_wasm.ts with scripts/build-wasm.sh.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; the words of [p, p + len) (len a multiple of 16) into the sums a, b stored at s and s + 16
  (func (export "fletcher") (param $p i32) (param $len i32) (param $s i32)
    (local $a v128) (local $b v128) (local $end i32)
    (local.set $a (v128.load (local.get $s)))
    (local.set $b (v128.load offset=16 (local.get $s)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $next
        (local.set $a (i32x4.add (local.get $a) (v128.load (local.get $p))))
        (local.set $b (i32x4.add (local.get $b) (local.get $a)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $p) (local.get $end)))))
    (v128.store (local.get $s) (local.get $a))
    (v128.store offset=16 (local.get $s) (local.get $b)))
)
