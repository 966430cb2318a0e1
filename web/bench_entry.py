"""The benchmark worker's entry point: numpy as the engine worker loads it, then the benchmark.

(``__export__`` names a module's ``__all__``, as in engine_worker.py.)
"""

import pyodide_js

await pyodide_js.loadPackage("numpy")  # noqa: F704 (PyScript runs worker scripts with top-level await)

import matmul_simd  # noqa: E402

await matmul_simd.install()  # noqa: F704

import bench_worker  # noqa: E402
from bench_worker import *  # noqa: E402, F403

__export__ = bench_worker.__all__
