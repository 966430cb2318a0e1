/**
 * pynet's large matrix products in WebAssembly SIMD, for the page's Pyodide workers
 * (web/matmul_simd.py decides which products come here and checks the results).
 *
 * Pyodide's numpy has no BLAS and no SIMD: its fastest float32 product, einsum, does one
 * multiply-add per instruction. matmul_simd.wasm (built from matmul_simd.wat) does four.
 * Its memory is its own, so each product copies A and B in and C out of Pyodide's memory:
 * about 0.5 MB for a batch of 100 against 784-50, a small part of what SIMD saves.
 */
let kernel = null;
let pyodideModule = null;

/**
 * Load the kernel, for Pyodide's module (whose HEAPU8 is the memory numpy's arrays live in).
 * Rejects where it cannot be had (a browser without WebAssembly SIMD, a failed download);
 * the worker then keeps numpy's product.
 */
export async function load(module) {
  const response = await fetch(new URL("./matmul_simd.wasm", import.meta.url));
  if (!response.ok) throw new Error(`matmul_simd.wasm answered ${response.status}`);
  kernel = (await WebAssembly.instantiateStreaming(response)).instance.exports;
  pyodideModule = module;
}

const align = (bytes) => Math.ceil(bytes / 16) * 16;

function reserve(bytes) {
  const missing = bytes - kernel.memory.buffer.byteLength;
  if (missing > 0) kernel.memory.grow(Math.ceil(missing / 65536));
}

/**
 * C = A·B for float32 matrices at addresses in Pyodide's memory: A is m×k with its element
 * (i, p) at a + i*aRow + p*aCol (bytes) within aBytes, B is k×n row-major, C receives m×n
 * row-major. Needs n >= 8 (see matmul_simd.wat).
 */
export function matmul(a, aRow, aCol, aBytes, b, c, m, k, n) {
  // The kernel works on blocks of 4 rows and 8 columns, reading and writing past the
  // operands' ends: lay them out with that room.
  const rows = Math.ceil(m / 4) * 4;
  const aSpan = Math.max(aBytes, (rows - 1) * aRow + (k - 1) * aCol + 4);
  const bBytes = k * n * 4;
  const bAt = align(aSpan);
  const cAt = align(bAt + bBytes + 32);
  reserve(cAt + (rows * n + 8) * 4);
  const heap = pyodideModule.HEAPU8;
  const memory = new Uint8Array(kernel.memory.buffer);
  memory.set(heap.subarray(a, a + aBytes), 0);
  memory.set(heap.subarray(b, b + bBytes), bAt);
  kernel.gemm(0, aRow, aCol, bAt, cAt, m, k, n);
  heap.set(memory.subarray(cAt, cAt + m * n * 4), c);
}
