"""The matrix product used by every layer, chosen for the runtime we are on.

Pyodide's numpy is built without BLAS, and its ``@`` is a plain triple loop. There
``np.einsum`` is faster, fastest of all when both operands run contiguously along the summed
axis: ``einsum("ij,kj->ik", a, bᵀ)`` takes dot products of two contiguous rows. Making the
transposed copies costs far less than it saves (a training step of 784-50-10 went from 7.5
to 5.4 ms in Chromium; ``benchmarks/`` measures it). Natively ``@`` calls BLAS, and
einsum would be several times slower.

A host may supply a faster product with ``use``: the page's workers hand large float32
products to a WebAssembly SIMD kernel (``web/matmul_simd.py``), which numpy cannot reach.
"""

import sys
from collections.abc import Callable

import numpy as np

IN_BROWSER = sys.platform == "emscripten"

Product = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _contiguous_einsum_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,kj->ik", np.ascontiguousarray(a), np.ascontiguousarray(b.T))


#: The fastest 2-D matrix product numpy itself offers on this runtime.
NUMPY_DOT: Product = _contiguous_einsum_dot if IN_BROWSER else np.matmul

_product: Product = NUMPY_DOT


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The 2-D matrix product ``a @ b``, by the kernel in use (``NUMPY_DOT`` unless ``use``
    chose another)."""
    return _product(a, b)


def in_use() -> Product:
    """The product ``dot`` computes with now."""
    return _product


def use(product: Product | None) -> None:
    """Make ``dot`` compute with ``product`` (a function like ``np.matmul`` on 2-D arrays),
    or with ``NUMPY_DOT`` again for ``None``."""
    global _product
    _product = NUMPY_DOT if product is None else product
