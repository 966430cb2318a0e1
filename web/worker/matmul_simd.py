"""pynet's large float32 matrix products in WebAssembly SIMD, in the page's Pyodide workers.

numpy in Pyodide has neither BLAS nor SIMD; a training step spends half its time in its
einsum. ``install()`` points ``pynet.kernels.dot`` at ``product``, which sends the large
float32 products (a batch through the first layer and its dW) to matmul_simd.js and leaves
the rest to numpy: about 4× faster per product here, and every number the page shows is
still computed, in float32, by pynet's own layers.

Before it takes over, the kernel is checked against numpy on shapes that exercise every edge
of its blocks; if it is missing or wrong, the workers keep numpy's product and the console
says why.
"""

import js
import numpy as np
import pyodide_js

from pynet import kernels

#: Below this many multiply-adds a product is faster in numpy than copied to the kernel and
#: back (``python3 build.py bench`` times both at sizes either side of it).
MIN_MULTIPLY_ADDS = 65_536

#: Shapes (m, k, n) for the check: rows not a multiple of 4, columns not a multiple of 8.
CHECK_SHAPES = ((1, 5, 8), (7, 13, 9), (101, 37, 50), (30, 100, 10))

_kernel = None


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def simd_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for 2-D float32 arrays by the SIMD kernel (``b`` with at least 8 columns)."""
    m, k = a.shape
    n = b.shape[1]
    if a.flags.c_contiguous:
        row, col = 4 * k, 4
    elif a.flags.f_contiguous:  # a transposed view, such as Xᵀ in dW = Xᵀ·dY
        row, col = 4, 4 * m
    else:
        a = np.ascontiguousarray(a)
        row, col = 4 * k, 4
    b = np.ascontiguousarray(b)
    c = np.empty((m, n), dtype=np.float32)
    _kernel.matmul(_address(a), row, col, a.nbytes, _address(b), _address(c), m, k, n)
    return c


def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` by the SIMD kernel where it is faster, else by numpy (``kernels.NUMPY_DOT``)."""
    m, k = a.shape
    n = b.shape[1]
    large = m * k * n >= MIN_MULTIPLY_ADDS and n >= 8
    if large and a.dtype == np.float32 and b.dtype == np.float32:
        return simd_product(a, b)
    return kernels.NUMPY_DOT(a, b)


def largest_error() -> float:
    """The kernel's largest error on ``CHECK_SHAPES``, in both layouts of A, relative to the
    size of the terms summed (float32 rounding gives about 1e-7)."""
    rng = np.random.default_rng(0)
    worst = 0.0
    for m, k, n in CHECK_SHAPES:
        b = rng.standard_normal((k, n)).astype(np.float32)
        for a in (
            rng.standard_normal((m, k)).astype(np.float32),
            rng.standard_normal((k, m)).astype(np.float32).T,
        ):
            exact = a.astype(np.float64) @ b
            scale = np.abs(a).astype(np.float64) @ np.abs(b)
            worst = max(worst, float(np.max(np.abs(simd_product(a, b) - exact) / scale)))
    return worst


async def install() -> None:
    """Use the SIMD kernel for pynet's products if it loads and passes the check; say so in
    the console either way."""
    global _kernel
    fallback = "pynet computes with numpy's products: the SIMD kernel"
    try:
        from pyscript.js_modules import matmul_simd_js

        await matmul_simd_js.load(pyodide_js._module)
        _kernel = matmul_simd_js
        error = largest_error()
    except Exception as problem:  # no SIMD in this browser, or the file did not load
        js.console.warn(f"{fallback} failed ({problem})")
        return
    if not error < 1e-5:
        js.console.warn(f"{fallback} is off by {error:.1e}")
        return
    kernels.use(product)
    js.console.info(f"pynet's large products run in WebAssembly SIMD (checked: error {error:.1e})")
