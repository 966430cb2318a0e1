"""The benchmark worker's entry point: the SIMD kernel as in the engine worker, then the benchmark.

(``__export__`` names a module's ``__all__``, as in engine_worker.py.)
"""

import matmul_simd

await matmul_simd.install()  # noqa: F704 (PyScript runs worker scripts with top-level await)

import bench_worker  # noqa: E402
from bench_worker import *  # noqa: E402, F403

__export__ = bench_worker.__all__
