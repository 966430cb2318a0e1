"""The matrix product used by every layer, chosen for the runtime we are on.

Pyodide's numpy is built without BLAS, and its ``@`` is a plain triple loop. There
``np.einsum`` is faster, fastest of all when both operands run contiguously along the summed
axis: ``einsum("ij,kj->ik", a, bᵀ)`` takes dot products of two contiguous rows. Making the
transposed copies costs far less than it saves (a training step of 784-50-10 went from 7.5
to 5.4 ms in Chromium; ``benchmarks/`` measures it). Natively ``@`` calls BLAS, and
einsum would be several times slower.
"""

import sys

import numpy as np

IN_BROWSER = sys.platform == "emscripten"


def _contiguous_einsum_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,kj->ik", np.ascontiguousarray(a), np.ascontiguousarray(b.T))


#: ``dot(a, b)`` is the 2-D matrix product ``a @ b`` with the faster kernel for this runtime.
dot = _contiguous_einsum_dot if IN_BROWSER else np.matmul
