"""The matrix product used by every layer, chosen for the runtime we are on.

Pyodide's numpy is built without BLAS: there ``np.einsum`` is about twice as fast as ``@``
for the products a layer needs. Natively ``@`` calls BLAS and einsum is several times
slower. ``benchmarks/step_time.py`` and the page's benchmark measure both.
"""

import sys

import numpy as np

IN_BROWSER = sys.platform == "emscripten"


def _einsum_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,jk->ik", a, b)


#: ``dot(a, b)`` is the 2-D matrix product ``a @ b`` with the faster kernel for this runtime.
dot = _einsum_dot if IN_BROWSER else np.matmul
