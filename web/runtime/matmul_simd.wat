;; A float32 matrix product in WebAssembly SIMD, for pynet in the page's Pyodide workers
;; (build.py compiles it to matmul_simd.wasm; matmul_simd.js copies the operands in and the
;; result out, and explains why).
;;
;; gemm computes C (m×n) = A (m×k) · B (k×n). B and C are row-major with rows of n floats;
;; A's element (i, p) is at a + i*sai + p*sap bytes, so A may be a transposed view (as Xᵀ is
;; in dW = Xᵀ·dY). Each pass of the inner loop multiplies-adds one row of B's 8-column block
;; into a 4×8 block of C held in eight 4-lane registers: 32 multiply-adds for 2 loads of B and
;; 4 of A.
;;
;; It rounds m up to a multiple of 4 and n to a multiple of 8 and leaves the caller to make
;; room: the extra rows of A it reads and of C it writes lie past the operands, and so does the
;; tail of B's last row. In a row of C, the block past column n spills into the start of the
;; next row, so the blocks go right to left: block 0 of every row, written last, overwrites
;; the spill. That needs n >= 8.
(module
  (memory (export "memory") 1)
  (func (export "gemm")
    (param $a i32) (param $sai i32) (param $sap i32)
    (param $b i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $p i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $row i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $row (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8)))
        (block $blocks_done
          (loop $blocks
            (br_if $blocks_done (i32.eqz (local.get $j)))
            (local.set $j (i32.sub (local.get $j) (i32.const 8)))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0))
            (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0))
            (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0))
            (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (local.get $k))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.eqz (local.get $p)))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (f32x4.splat (f32.load (local.get $pa))))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (f32x4.splat (f32.load
                  (i32.add (local.get $pa) (local.get $sai)))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (f32x4.splat (f32.load
                  (i32.add (local.get $pa) (i32.shl (local.get $sai) (i32.const 1))))))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (f32x4.splat (f32.load
                  (i32.add (local.get $pa) (i32.mul (local.get $sai) (i32.const 3))))))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sap)))
                (local.set $pb (i32.add (local.get $pb) (local.get $row)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $sum)))
            (local.set $pc (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))
                       (i32.const 2))))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $row)))
            (v128.store (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $row)))
            (v128.store (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $row)))
            (v128.store (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (br $blocks)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows)))))
