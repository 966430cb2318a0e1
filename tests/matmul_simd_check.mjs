/**
 * Checks matmul_simd.js (given as a .mjs copy) and its kernel in Node.js against a float64
 * product, on many random shapes with A in both layouts (row-major, and transposed as Xᵀ is
 * in dW = Xᵀ·dY).
 * A plain Uint8Array stands in for Pyodide's memory. Prints {"products", "worst", "outside"}
 * as JSON: worst is the largest error relative to the sum of the terms' sizes, outside counts
 * the numbers taken from outside A or B or written past C (test_matmul_simd.py).
 *
 *     node tests/matmul_simd_check.mjs /tmp/k/matmul_simd.mjs   # with matmul_simd.wasm beside it
 */
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

// Node's fetch does not read files; the module fetches its .wasm next to itself.
globalThis.fetch = async (url) =>
  new Response(readFileSync(fileURLToPath(url)), { headers: { "content-type": "application/wasm" } });

const { load, matmul } = await import(pathToFileURL(process.argv[2]).href);
const heap = { HEAPU8: new Uint8Array(1 << 22) };
await load(heap);

let seed = 1;
const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;

// A, B and C at unaligned addresses of a heap otherwise full of NaN: a NaN in C would mean
// the kernel took a term from outside A or B, a number just after C that it wrote past C.
const [A, B, C] = [1028, 600_004, 1_200_012];
const f32 = new Float32Array(heap.HEAPU8.buffer);
let products = 0;
let worst = 0;
let outside = 0;
for (const transposed of [false, true]) {
  for (let m = 1; m <= 13; m++) {
    for (const k of [1, 2, 7, 16, 37]) {
      for (const n of [8, 9, 15, 16, 17, 50]) {
        f32.fill(NaN);
        const a = Array.from({ length: m * k }, random); // a[i*k + p] is A's (i, p)
        const b = Array.from({ length: k * n }, random);
        a.forEach((v, at) => {
          const [i, p] = [Math.floor(at / k), at % k];
          f32[A / 4 + (transposed ? p * m + i : at)] = v;
        });
        b.forEach((v, at) => (f32[B / 4 + at] = v));
        const [row, col] = transposed ? [4, 4 * m] : [4 * k, 4];
        matmul(A, row, col, 4 * m * k, B, C, m, k, n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let exact = 0;
            let size = 0;
            for (let p = 0; p < k; p++) {
              exact += a[i * k + p] * b[p * n + j];
              size += Math.abs(a[i * k + p] * b[p * n + j]);
            }
            const got = f32[C / 4 + i * n + j];
            if (Number.isNaN(got)) outside++;
            else worst = Math.max(worst, Math.abs(got - exact) / size);
          }
        }
        if (!Number.isNaN(f32[C / 4 + m * n])) outside++;
        products++;
      }
    }
  }
}
console.log(JSON.stringify({ products, worst, outside }));
