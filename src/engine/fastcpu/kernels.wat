;; The arithmetic of the fast CPU training path: matrix products, the LSTM cell's elementwise
;; step (gate activations, c and h, and its backward) and the Adam step, in WebAssembly with
;; 128-bit SIMD (4 float32 lanes). Recurrent models spend their time in these loops; what is left
;; in TypeScript (Dense activations, softmax, the loss, embeddings) is per batch, not per step.
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
;; ---- Activations on four lanes --------------------------------------------------------------
  ;; Kind codes, shared with KERNEL_ACTIVATIONS in fastKernels.ts:
  ;;   0 linear, 1 relu, 2 tanh, 3 sigmoid, 4 hardSigmoid (Keras's clip(0.2·x + 0.5, 0, 1)).
  ;; Every lane is computed the same way whether it sits in a full vector or in a row's tail (the
  ;; tails splat one value), so results do not depend on where an element falls.

  ;; e^x: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two, Cody–Waite, so n·ln2 is exact in the
  ;; first part), Cephes's expf polynomial for e^r (about 1 ulp), and 2^n added to the exponent
  ;; bits. The exponent trick makes neither subnormals nor infinity, so x is clamped to
  ;; [−87.33, 88.37] (n from −126 to 127 with 2^n·e^r normal) and the ends are patched afterwards:
  ;; +Infinity past ln(FLT_MAX) ≈ 88.7228, 0 below ln(FLT_MIN) ≈ −87.3365 (where the true value is
  ;; subnormal, under 1.2e-38). Between 88.37 and 88.7228 the result stays at e^88.37. NaN stays
  ;; NaN (pmin/pmax pass their first operand when a comparison fails, and so does the patching).
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128) (local $in v128)
    (local.set $in (local.get $x))
    (local.set $x (f32x4.pmax
      (f32x4.pmin (local.get $x) (v128.const f32x4 88.37 88.37 88.37 88.37))
      (v128.const f32x4 -87.33 -87.33 -87.33 -87.33)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x)
      (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub (local.get $x)
      (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.add (local.get $r)
      (f32x4.mul (local.get $n) (v128.const f32x4 2.12194440e-4 2.12194440e-4 2.12194440e-4 2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; e^r = 1 + r + r²·p
    (local.set $p (f32x4.add
      (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    (local.set $p (i32x4.add (local.get $p) (i32x4.shl (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32.const 23))))
    (local.set $p (v128.bitselect (v128.const f32x4 inf inf inf inf) (local.get $p)
      (f32x4.gt (local.get $in) (v128.const f32x4 88.7228 88.7228 88.7228 88.7228))))
    (v128.andnot (local.get $p) (f32x4.lt (local.get $in) (v128.const f32x4 -87.3365 -87.3365 -87.3365 -87.3365))))

  ;; 1/(1 + e^−x): exactly 1 for large x (e^−x vanishes beside 1), exactly 0 below x ≈ −88.72
  ;; (e^−x is +Infinity there).
  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div (v128.const f32x4 1 1 1 1)
      (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (local.get $x))))))

  ;; tanh on |x| with x's sign put back (so tanh(−0) = −0). Below 0.625 Cephes's tanhf odd
  ;; polynomial, since 1 − 2/(e^2|x| + 1) loses the small values to cancellation; above it that
  ;; formula, which reaches exactly 1 once 2/(e^2|x| + 1) drops under half an ulp of 1.
  (func $tanh (param $x v128) (result v128)
    (local $a v128) (local $z v128) (local $p v128) (local $large v128)
    (local.set $a (f32x4.abs (local.get $x)))
    (local.set $z (f32x4.mul (local.get $a) (local.get $a)))
    (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3) (local.get $z))
      (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z))
      (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z))
      (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z))
      (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1)))
    (local.set $p (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $z)) (local.get $a)) (local.get $a)))
    (local.set $large (f32x4.sub (v128.const f32x4 1 1 1 1)
      (f32x4.div (v128.const f32x4 2 2 2 2)
        (f32x4.add (call $exp (f32x4.add (local.get $a) (local.get $a))) (v128.const f32x4 1 1 1 1)))))
    (v128.or
      (v128.bitselect (local.get $p) (local.get $large) (f32x4.lt (local.get $a) (v128.const f32x4 0.625 0.625 0.625 0.625)))
      (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))

  ;; The activation of kind `kind` (codes above); an unknown code traps.
  (func $activate (param $kind i32) (param $x v128) (result v128)
    (local $y v128)
    (block $unknown
      (block $hardSigmoid
        (block $sigmoid
          (block $tanh
            (block $relu
              (block $linear
                (br_table $linear $relu $tanh $sigmoid $hardSigmoid $unknown (local.get $kind)))
              (return (local.get $x)))
            ;; x > 0 ? x : 0, so −0 and NaN give +0 as the TypeScript comparison does
            (return (v128.and (local.get $x) (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0)))))
          (return (call $tanh (local.get $x))))
        (return (call $sigmoid (local.get $x))))
      ;; clip(0.2·x + 0.5, 0, 1): pmax(y, 0) is y < 0 ? 0 : y and pmin(y, 1) is 1 < y ? 1 : y,
      ;; so NaN passes as in `y < 0 ? 0 : y > 1 ? 1 : y`
      (local.set $y (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 0.2 0.2 0.2 0.2)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
      (return (f32x4.pmin (f32x4.pmax (local.get $y) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))))
    unreachable)

  ;; The derivative of activation `kind` at pre-activation x with output y, as tfjs's gradients
  ;; give it: relu's is 0 at 0; hardSigmoid's is 0.2 where 0 ≤ 0.2·x + 0.5 ≤ 1, bounds included.
  (func $slope (param $kind i32) (param $x v128) (param $y v128) (result v128)
    (local $z v128)
    (block $unknown
      (block $hardSigmoid
        (block $sigmoid
          (block $tanh
            (block $relu
              (block $linear
                (br_table $linear $relu $tanh $sigmoid $hardSigmoid $unknown (local.get $kind)))
              (return (v128.const f32x4 1 1 1 1)))
            (return (v128.and (f32x4.gt (local.get $x) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))))
          (return (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $y) (local.get $y)))))
        (return (f32x4.mul (local.get $y) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y)))))
      (local.set $z (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 0.2 0.2 0.2 0.2)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
      (return (v128.and (v128.const f32x4 0.2 0.2 0.2 0.2)
        (v128.and (f32x4.ge (local.get $z) (v128.const f32x4 0 0 0 0)) (f32x4.le (local.get $z) (v128.const f32x4 1 1 1 1))))))
    unreachable)

  ;; y[i] = activation `kind` of x[i] for `count` elements (y may be x).
  (func (export "activate") (param $kind i32) (param $count i32) (param $x i32) (param $y i32)
    (local $off i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $off))
          (call $activate (local.get $kind) (v128.load (i32.add (local.get $x) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $vec)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (f32.store (i32.add (local.get $y) (local.get $off)) (f32x4.extract_lane 0
          (call $activate (local.get $kind) (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $off)))))))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $rest))))

  ;; y[i] = e^x[i] for `count` elements, as the activations compute it (for tests of its accuracy).
  (func (export "exp") (param $count i32) (param $x i32) (param $y i32)
    (local $off i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $off) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $off)) (call $exp (v128.load (i32.add (local.get $x) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $vec)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (f32.store (i32.add (local.get $y) (local.get $off))
          (f32x4.extract_lane 0 (call $exp (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $off)))))))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $rest))))

  ;; ---- The LSTM cell, one time step ------------------------------------------------------------
  ;; `rows` rows of `units` (U) cells. z, gates (and dz) are rows × 4U with the gates of row r at
  ;; r·4U + {0, U, 2U, 3U} in Keras's order input, forget, cell, output; the states (cPrev, cNext,
  ;; cellOut, hNext, dh, fromAbove, dc) are rows × U. Each row runs four lanes at a time, then its
  ;; U mod 4 last cells one at a time.

  ;; gates = (σr(z_i), σr(z_f), σ(z_g), σr(z_o));  c = f·cPrev + i·g;  cellOut = σ(c);  h = o·σ(c)
  (func (export "lstmCellForward")
      (param $rows i32) (param $units i32) (param $z i32) (param $gates i32)
      (param $cPrev i32) (param $cNext i32) (param $cellOut i32) (param $hNext i32)
      (param $rec i32) (param $act i32)
    (local $r i32) (local $gateOff i32) (local $stateOff i32) (local $vecEnd i32) (local $rowEnd i32)
    (local $g1 i32) (local $g2 i32) (local $g3 i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $cAct v128)
    ;; byte distances from a cell's input gate to its forget, cell and output gates
    (local.set $g1 (i32.shl (local.get $units) (i32.const 2)))
    (local.set $g2 (i32.shl (local.get $g1) (i32.const 1)))
    (local.set $g3 (i32.add (local.get $g2) (local.get $g1)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $gateOff (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 4)))
        (local.set $stateOff (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 2)))
        (local.set $rowEnd (i32.add (local.get $stateOff) (local.get $g1)))
        (local.set $vecEnd (i32.add (local.get $stateOff) (i32.shl (i32.and (local.get $units) (i32.const -4)) (i32.const 2))))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_s (local.get $stateOff) (local.get $vecEnd)))
            (local.set $i (call $activate (local.get $rec) (v128.load (i32.add (local.get $z) (local.get $gateOff)))))
            (local.set $f (call $activate (local.get $rec) (v128.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g1)))))
            (local.set $g (call $activate (local.get $act) (v128.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g2)))))
            (local.set $o (call $activate (local.get $rec) (v128.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g3)))))
            (v128.store (i32.add (local.get $gates) (local.get $gateOff)) (local.get $i))
            (v128.store (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g1)) (local.get $f))
            (v128.store (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g2)) (local.get $g))
            (v128.store (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g3)) (local.get $o))
            (local.set $c (f32x4.add
              (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $cPrev) (local.get $stateOff))))
              (f32x4.mul (local.get $i) (local.get $g))))
            (local.set $cAct (call $activate (local.get $act) (local.get $c)))
            (v128.store (i32.add (local.get $cNext) (local.get $stateOff)) (local.get $c))
            (v128.store (i32.add (local.get $cellOut) (local.get $stateOff)) (local.get $cAct))
            (v128.store (i32.add (local.get $hNext) (local.get $stateOff)) (f32x4.mul (local.get $o) (local.get $cAct)))
            (local.set $gateOff (i32.add (local.get $gateOff) (i32.const 16)))
            (local.set $stateOff (i32.add (local.get $stateOff) (i32.const 16)))
            (br $vec)))
        ;; the row's last U mod 4 cells, each splatted over the four lanes
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_s (local.get $stateOff) (local.get $rowEnd)))
            (local.set $i (call $activate (local.get $rec) (f32x4.splat (f32.load (i32.add (local.get $z) (local.get $gateOff))))))
            (local.set $f (call $activate (local.get $rec) (f32x4.splat (f32.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g1))))))
            (local.set $g (call $activate (local.get $act) (f32x4.splat (f32.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g2))))))
            (local.set $o (call $activate (local.get $rec) (f32x4.splat (f32.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g3))))))
            (f32.store (i32.add (local.get $gates) (local.get $gateOff)) (f32x4.extract_lane 0 (local.get $i)))
            (f32.store (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g1)) (f32x4.extract_lane 0 (local.get $f)))
            (f32.store (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g2)) (f32x4.extract_lane 0 (local.get $g)))
            (f32.store (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g3)) (f32x4.extract_lane 0 (local.get $o)))
            (local.set $c (f32x4.add
              (f32x4.mul (local.get $f) (f32x4.splat (f32.load (i32.add (local.get $cPrev) (local.get $stateOff)))))
              (f32x4.mul (local.get $i) (local.get $g))))
            (local.set $cAct (call $activate (local.get $act) (local.get $c)))
            (f32.store (i32.add (local.get $cNext) (local.get $stateOff)) (f32x4.extract_lane 0 (local.get $c)))
            (f32.store (i32.add (local.get $cellOut) (local.get $stateOff)) (f32x4.extract_lane 0 (local.get $cAct)))
            (f32.store (i32.add (local.get $hNext) (local.get $stateOff)) (f32x4.extract_lane 0 (f32x4.mul (local.get $o) (local.get $cAct))))
            (local.set $gateOff (i32.add (local.get $gateOff) (i32.const 4)))
            (local.set $stateOff (i32.add (local.get $stateOff) (i32.const 4)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; Backward through one step, given the forward pass's z, gates, c₋₁, c and σ(c):
  ;;   dhTotal = dh + fromAbove (fromAbove = -1: no gradient from above at this step)
  ;;   dcTotal = dc + dhTotal·o·σ'(c)
  ;;   dz = (dcTotal·g·σr'(z_i), dcTotal·c₋₁·σr'(z_f), dcTotal·i·σ'(z_g), dhTotal·σ(c)·σr'(z_o))
  ;;   dc ← dcTotal·f  (the gradient at c₋₁, in place)
  (func (export "lstmCellBackward")
      (param $rows i32) (param $units i32) (param $z i32) (param $gates i32)
      (param $cPrev i32) (param $cNext i32) (param $cellOut i32)
      (param $dh i32) (param $fromAbove i32) (param $dc i32) (param $dz i32)
      (param $rec i32) (param $act i32)
    (local $r i32) (local $gateOff i32) (local $stateOff i32) (local $vecEnd i32) (local $rowEnd i32)
    (local $g1 i32) (local $g2 i32) (local $g3 i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $cAct v128)
    (local $dhTotal v128) (local $dcTotal v128)
    (local.set $g1 (i32.shl (local.get $units) (i32.const 2)))
    (local.set $g2 (i32.shl (local.get $g1) (i32.const 1)))
    (local.set $g3 (i32.add (local.get $g2) (local.get $g1)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $gateOff (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 4)))
        (local.set $stateOff (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 2)))
        (local.set $rowEnd (i32.add (local.get $stateOff) (local.get $g1)))
        (local.set $vecEnd (i32.add (local.get $stateOff) (i32.shl (i32.and (local.get $units) (i32.const -4)) (i32.const 2))))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_s (local.get $stateOff) (local.get $vecEnd)))
            (local.set $dhTotal (v128.load (i32.add (local.get $dh) (local.get $stateOff))))
            (if (i32.ne (local.get $fromAbove) (i32.const -1))
              (then (local.set $dhTotal (f32x4.add (local.get $dhTotal) (v128.load (i32.add (local.get $fromAbove) (local.get $stateOff)))))))
            (local.set $i (v128.load (i32.add (local.get $gates) (local.get $gateOff))))
            (local.set $f (v128.load (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g1))))
            (local.set $g (v128.load (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g2))))
            (local.set $o (v128.load (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g3))))
            (local.set $cAct (v128.load (i32.add (local.get $cellOut) (local.get $stateOff))))
            (local.set $dcTotal (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $stateOff)))
              (f32x4.mul (f32x4.mul (local.get $dhTotal) (local.get $o))
                (call $slope (local.get $act) (v128.load (i32.add (local.get $cNext) (local.get $stateOff))) (local.get $cAct)))))
            (v128.store (i32.add (local.get $dz) (local.get $gateOff))
              (f32x4.mul (f32x4.mul (local.get $dcTotal) (local.get $g))
                (call $slope (local.get $rec) (v128.load (i32.add (local.get $z) (local.get $gateOff))) (local.get $i))))
            (v128.store (i32.add (i32.add (local.get $dz) (local.get $gateOff)) (local.get $g1))
              (f32x4.mul (f32x4.mul (local.get $dcTotal) (v128.load (i32.add (local.get $cPrev) (local.get $stateOff))))
                (call $slope (local.get $rec) (v128.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g1))) (local.get $f))))
            (v128.store (i32.add (i32.add (local.get $dz) (local.get $gateOff)) (local.get $g2))
              (f32x4.mul (f32x4.mul (local.get $dcTotal) (local.get $i))
                (call $slope (local.get $act) (v128.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g2))) (local.get $g))))
            (v128.store (i32.add (i32.add (local.get $dz) (local.get $gateOff)) (local.get $g3))
              (f32x4.mul (f32x4.mul (local.get $dhTotal) (local.get $cAct))
                (call $slope (local.get $rec) (v128.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g3))) (local.get $o))))
            (v128.store (i32.add (local.get $dc) (local.get $stateOff)) (f32x4.mul (local.get $dcTotal) (local.get $f)))
            (local.set $gateOff (i32.add (local.get $gateOff) (i32.const 16)))
            (local.set $stateOff (i32.add (local.get $stateOff) (i32.const 16)))
            (br $vec)))
        ;; the row's last U mod 4 cells, each splatted over the four lanes
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_s (local.get $stateOff) (local.get $rowEnd)))
            (local.set $dhTotal (f32x4.splat (f32.load (i32.add (local.get $dh) (local.get $stateOff)))))
            (if (i32.ne (local.get $fromAbove) (i32.const -1))
              (then (local.set $dhTotal (f32x4.add (local.get $dhTotal) (f32x4.splat (f32.load (i32.add (local.get $fromAbove) (local.get $stateOff))))))))
            (local.set $i (f32x4.splat (f32.load (i32.add (local.get $gates) (local.get $gateOff)))))
            (local.set $f (f32x4.splat (f32.load (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g1)))))
            (local.set $g (f32x4.splat (f32.load (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g2)))))
            (local.set $o (f32x4.splat (f32.load (i32.add (i32.add (local.get $gates) (local.get $gateOff)) (local.get $g3)))))
            (local.set $cAct (f32x4.splat (f32.load (i32.add (local.get $cellOut) (local.get $stateOff)))))
            (local.set $dcTotal (f32x4.add (f32x4.splat (f32.load (i32.add (local.get $dc) (local.get $stateOff))))
              (f32x4.mul (f32x4.mul (local.get $dhTotal) (local.get $o))
                (call $slope (local.get $act) (f32x4.splat (f32.load (i32.add (local.get $cNext) (local.get $stateOff)))) (local.get $cAct)))))
            (f32.store (i32.add (local.get $dz) (local.get $gateOff)) (f32x4.extract_lane 0
              (f32x4.mul (f32x4.mul (local.get $dcTotal) (local.get $g))
                (call $slope (local.get $rec) (f32x4.splat (f32.load (i32.add (local.get $z) (local.get $gateOff)))) (local.get $i)))))
            (f32.store (i32.add (i32.add (local.get $dz) (local.get $gateOff)) (local.get $g1)) (f32x4.extract_lane 0
              (f32x4.mul (f32x4.mul (local.get $dcTotal) (f32x4.splat (f32.load (i32.add (local.get $cPrev) (local.get $stateOff)))))
                (call $slope (local.get $rec) (f32x4.splat (f32.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g1)))) (local.get $f)))))
            (f32.store (i32.add (i32.add (local.get $dz) (local.get $gateOff)) (local.get $g2)) (f32x4.extract_lane 0
              (f32x4.mul (f32x4.mul (local.get $dcTotal) (local.get $i))
                (call $slope (local.get $act) (f32x4.splat (f32.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g2)))) (local.get $g)))))
            (f32.store (i32.add (i32.add (local.get $dz) (local.get $gateOff)) (local.get $g3)) (f32x4.extract_lane 0
              (f32x4.mul (f32x4.mul (local.get $dhTotal) (local.get $cAct))
                (call $slope (local.get $rec) (f32x4.splat (f32.load (i32.add (i32.add (local.get $z) (local.get $gateOff)) (local.get $g3)))) (local.get $o)))))
            (f32.store (i32.add (local.get $dc) (local.get $stateOff)) (f32x4.extract_lane 0 (f32x4.mul (local.get $dcTotal) (local.get $f))))
            (local.set $gateOff (i32.add (local.get $gateOff) (i32.const 4)))
            (local.set $stateOff (i32.add (local.get $stateOff) (i32.const 4)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))
)
