"""The lab worker's entry point: numpy as the engine worker loads it, then the labs.

(As in engine_worker.py, ``__export__`` names a module's ``__all__``: PyScript 0.6.66
evaluates a literal ``__export__ = ["run"]`` before a top-level await has finished.)
"""

import pyodide_js

await pyodide_js.loadPackage("numpy")  # noqa: F704 (PyScript runs worker scripts with top-level await)

import matmul_simd  # noqa: E402

await matmul_simd.install()  # noqa: F704

import labs  # noqa: E402
from labs import *  # noqa: E402, F403

__export__ = labs.__all__
