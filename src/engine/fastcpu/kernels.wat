;; The arithmetic of the fast CPU training path: matrix products and the Adam step, in
;; WebAssembly with 128-bit SIMD (4 float32 lanes). Small recurrent models spend their time in
;; these loops; everything else (activations, the LSTM cell) stays in TypeScript.
;;
;; Built into fastKernelsWasm.ts by `npm run build:kernels` (wabt's wat2wasm); a unit test
;; assembles this file again and checks the two agree.
;;
;; Conventions: matrices are row-major float32; sizes and leading dimensions count elements;
;; addresses count bytes. Every product ADDS into C (C += …), so a caller zeroes C first when it
;; wants a plain product, and gradients accumulate across time steps for free.
(module
  (memory (export "memory") 1)

  ;; C[m×n] += A·B over k. A's element (i, p) lies at a + 4·(i·ai + p·ap): ai = lda, ap = 1 reads
  ;; A as stored (m×k); ai = 1, ap = lda reads Aᵀ of a stored k×m matrix. B is k×n, C is m×n.
  (func (export "gemm")
      (param $m i32) (param $n i32) (param $k i32)
      (param $a i32) (param $ai i32) (param $ap i32)
      (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (local $i i32) (local $j i32) (local $ai4 i32) (local $ap4 i32) (local $ldb4 i32) (local $ldc4 i32)
    (local $aRow i32) (local $cRow i32)
    (local.set $ai4 (i32.shl (local.get $ai) (i32.const 2)))
    (local.set $ap4 (i32.shl (local.get $ap) (i32.const 2)))
    (local.set $ldb4 (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc4 (i32.shl (local.get $ldc) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $aRow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ai4))))
        (local.set $cRow (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc4))))
        (local.set $j (i32.const 0))
        (if (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m))
          (then
            ;; four rows at a time: each B vector loaded serves four rows
            (block $colsDone4
              (loop $cols4
                (br_if $colsDone4 (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
                (call $block4x8 (local.get $k)
                  (local.get $aRow) (local.get $ai4) (local.get $ap4)
                  (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb4)
                  (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc4))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $cols4)))
            (call $blockScalar (i32.const 4) (i32.sub (local.get $n) (local.get $j)) (local.get $k)
              (local.get $aRow) (local.get $ai4) (local.get $ap4)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb4)
              (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc4))
            (local.set $i (i32.add (local.get $i) (i32.const 4))))
          (else
            (block $colsDone1
              (loop $cols1
                (br_if $colsDone1 (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
                (call $block1x16 (local.get $k)
                  (local.get $aRow) (local.get $ap4)
                  (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb4)
                  (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $cols1)))
            (call $blockScalar (i32.const 1) (i32.sub (local.get $n) (local.get $j)) (local.get $k)
              (local.get $aRow) (local.get $ai4) (local.get $ap4)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb4)
              (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc4))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $rows))))

  ;; Four rows of A against eight columns of B: eight 4-lane accumulators.
  (func $block4x8
      (param $k i32) (param $a i32) (param $ai4 i32) (param $ap4 i32)
      (param $b i32) (param $ldb4 i32) (param $c i32) (param $ldc4 i32)
    (local $p i32) (local $a2 i32) (local $a3 i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a2 (i32.shl (local.get $ai4) (i32.const 1)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ai4)))
    (block $done
      (loop $inner
        (br_if $done (i32.ge_s (local.get $p) (local.get $k)))
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $s (f32x4.splat (f32.load (local.get $a))))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $s (f32x4.splat (f32.load (i32.add (local.get $a) (local.get $ai4)))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $s (f32x4.splat (f32.load (i32.add (local.get $a) (local.get $a2)))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $s (f32x4.splat (f32.load (i32.add (local.get $a) (local.get $a3)))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (local.get $ap4)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb4)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $inner)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc4)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c10)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc4)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c20)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc4)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c30)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c31))))

  ;; One row of A against sixteen columns of B (a batch of one: the stateful models).
  (func $block1x16
      (param $k i32) (param $a i32) (param $ap4 i32) (param $b i32) (param $ldb4 i32) (param $c i32)
    (local $p i32) (local $s v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (block $done
      (loop $inner
        (br_if $done (i32.ge_s (local.get $p) (local.get $k)))
        (local.set $s (f32x4.splat (f32.load (local.get $a))))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $s) (v128.load (local.get $b)))))
        (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $b)))))
        (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $b)))))
        (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $ap4)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb4)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $inner)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c0)))
    (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c1)))
    (v128.store offset=32 (local.get $c) (f32x4.add (v128.load offset=32 (local.get $c)) (local.get $c2)))
    (v128.store offset=48 (local.get $c) (f32x4.add (v128.load offset=48 (local.get $c)) (local.get $c3))))

  ;; The columns the blocks above leave over, one element at a time.
  (func $blockScalar
      (param $rows i32) (param $cols i32) (param $k i32) (param $a i32) (param $ai4 i32) (param $ap4 i32)
      (param $b i32) (param $ldb4 i32) (param $c i32) (param $ldc4 i32)
    (local $r i32) (local $j i32) (local $p i32) (local $sum f32) (local $ap i32) (local $bp i32)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_s (local.get $j) (local.get $cols)))
            (local.set $sum (f32.const 0))
            (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $ai4))))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $pDone
              (loop $pLoop
                (br_if $pDone (i32.ge_s (local.get $p) (local.get $k)))
                (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $ap)) (f32.load (local.get $bp)))))
                (local.set $ap (i32.add (local.get $ap) (local.get $ap4)))
                (local.set $bp (i32.add (local.get $bp) (local.get $ldb4)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $pLoop)))
            (local.set $bp (i32.add (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc4))) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store (local.get $bp) (f32.add (f32.load (local.get $bp)) (local.get $sum)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $colLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; C[m×n] += A·Bᵀ over k, with A m×k and B n×k both stored row-major: dot products of rows
  ;; (the backward pass through a weight matrix, dX = dZ·Wᵀ).
  (func (export "gemmTransposedB")
      (param $m i32) (param $n i32) (param $k i32)
      (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (local $i i32) (local $j i32) (local $p i32) (local $kv i32)
    (local $aRow i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $cp i32) (local $ldb4 i32)
    (local $av v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 f32) (local $t1 f32) (local $t2 f32) (local $t3 f32) (local $x f32)
    (local.set $kv (i32.and (local.get $k) (i32.const -4)))
    (local.set $ldb4 (i32.shl (local.get $ldb) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $aRow (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_s (local.get $j) (local.get $n)))
            ;; four rows of B at once (fewer at the end: the spare pointers repeat the last row
            ;; and their sums are not stored)
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $ldb4))))
            (local.set $b1 (select (i32.add (local.get $b0) (local.get $ldb4)) (local.get $b0)
              (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $n))))
            (local.set $b2 (select (i32.add (local.get $b1) (local.get $ldb4)) (local.get $b1)
              (i32.lt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n))))
            (local.set $b3 (select (i32.add (local.get $b2) (local.get $ldb4)) (local.get $b2)
              (i32.lt_s (i32.add (local.get $j) (i32.const 3)) (local.get $n))))
            (local.set $s0 (v128.const f32x4 0 0 0 0))
            (local.set $s1 (v128.const f32x4 0 0 0 0))
            (local.set $s2 (v128.const f32x4 0 0 0 0))
            (local.set $s3 (v128.const f32x4 0 0 0 0))
            (local.set $p (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_s (local.get $p) (local.get $kv)))
                (local.set $cp (i32.shl (local.get $p) (i32.const 2)))
                (local.set $av (v128.load (i32.add (local.get $aRow) (local.get $cp))))
                (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $av) (v128.load (i32.add (local.get $b0) (local.get $cp))))))
                (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $av) (v128.load (i32.add (local.get $b1) (local.get $cp))))))
                (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $av) (v128.load (i32.add (local.get $b2) (local.get $cp))))))
                (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $av) (v128.load (i32.add (local.get $b3) (local.get $cp))))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $vec)))
            (local.set $t0 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))
            (local.set $t1 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s1)) (f32x4.extract_lane 1 (local.get $s1)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $s1)) (f32x4.extract_lane 3 (local.get $s1)))))
            (local.set $t2 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s2)) (f32x4.extract_lane 1 (local.get $s2)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $s2)) (f32x4.extract_lane 3 (local.get $s2)))))
            (local.set $t3 (f32.add (f32.add (f32x4.extract_lane 0 (local.get $s3)) (f32x4.extract_lane 1 (local.get $s3)))
                                    (f32.add (f32x4.extract_lane 2 (local.get $s3)) (f32x4.extract_lane 3 (local.get $s3)))))
            ;; the last k mod 4 products
            (block $tailDone
              (loop $tail
                (br_if $tailDone (i32.ge_s (local.get $p) (local.get $k)))
                (local.set $cp (i32.shl (local.get $p) (i32.const 2)))
                (local.set $x (f32.load (i32.add (local.get $aRow) (local.get $cp))))
                (local.set $t0 (f32.add (local.get $t0) (f32.mul (local.get $x) (f32.load (i32.add (local.get $b0) (local.get $cp))))))
                (local.set $t1 (f32.add (local.get $t1) (f32.mul (local.get $x) (f32.load (i32.add (local.get $b1) (local.get $cp))))))
                (local.set $t2 (f32.add (local.get $t2) (f32.mul (local.get $x) (f32.load (i32.add (local.get $b2) (local.get $cp))))))
                (local.set $t3 (f32.add (local.get $t3) (f32.mul (local.get $x) (f32.load (i32.add (local.get $b3) (local.get $cp))))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $tail)))
            (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
            (f32.store (local.get $cp) (f32.add (f32.load (local.get $cp)) (local.get $t0)))
            (if (i32.lt_s (i32.add (local.get $j) (i32.const 1)) (local.get $n))
              (then (f32.store offset=4 (local.get $cp) (f32.add (f32.load offset=4 (local.get $cp)) (local.get $t1)))))
            (if (i32.lt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n))
              (then (f32.store offset=8 (local.get $cp) (f32.add (f32.load offset=8 (local.get $cp)) (local.get $t2)))))
            (if (i32.lt_s (i32.add (local.get $j) (i32.const 3)) (local.get $n))
              (then (f32.store offset=12 (local.get $cp) (f32.add (f32.load offset=12 (local.get $cp)) (local.get $t3)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; One Adam step over `count` weights, as tfjs's AdamOptimizer does it:
  ;;   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr · (m·c1) / (√(v·c2) + ε)
  ;; with c1 = 1/(1−β1ᵗ), c2 = 1/(1−β2ᵗ); the gradient is zeroed for the next step.
  (func (export "adam")
      (param $count i32) (param $w i32) (param $g i32) (param $m i32) (param $v i32)
      (param $lr f32) (param $beta1 f32) (param $beta2 f32) (param $c1 f32) (param $c2 f32) (param $eps f32)
    (local $i i32) (local $end i32) (local $off i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $b1 v128) (local $b1c v128) (local $b2 v128) (local $b2c v128) (local $lrv v128) (local $c1v v128) (local $c2v v128) (local $epsv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $b1c (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $b2c (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $c1v (f32x4.splat (local.get $c1)))
    (local.set $c2v (f32x4.splat (local.get $c2)))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (local.set $end (i32.and (local.get $count) (i32.const -4)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_s (local.get $i) (local.get $end)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $off))))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $off))))
                                  (f32x4.mul (local.get $b1c) (local.get $gv))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $off))))
                                  (f32x4.mul (local.get $b2c) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $m) (local.get $off)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $off)) (local.get $vv))
        (v128.store (i32.add (local.get $w) (local.get $off))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $off)))
            (f32x4.mul (local.get $lrv)
              (f32x4.div (f32x4.mul (local.get $mv) (local.get $c1v))
                (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $c2v))) (local.get $epsv))))))
        (v128.store (i32.add (local.get $g) (local.get $off)) (v128.const f32x4 0 0 0 0))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_s (local.get $i) (local.get $count)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $off))))
        (local.set $ms (f32.add (f32.mul (local.get $beta1) (f32.load (i32.add (local.get $m) (local.get $off))))
                                (f32.mul (f32.sub (f32.const 1) (local.get $beta1)) (local.get $gs))))
        (local.set $vs (f32.add (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $v) (local.get $off))))
                                (f32.mul (f32.sub (f32.const 1) (local.get $beta2)) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m) (local.get $off)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $off)) (local.get $vs))
        (f32.store (i32.add (local.get $w) (local.get $off))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $off)))
            (f32.mul (local.get $lr)
              (f32.div (f32.mul (local.get $ms) (local.get $c1))
                (f32.add (f32.sqrt (f32.mul (local.get $vs) (local.get $c2))) (local.get $eps))))))
        (f32.store (i32.add (local.get $g) (local.get $off)) (f32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest))))
)
