"""The lab worker's entry point: the SIMD kernel as in the engine worker, then the labs.

(As in engine_worker.py, ``__export__`` names a module's ``__all__``: PyScript 0.6.66
evaluates a literal ``__export__ = ["run"]`` before a top-level await has finished.)
"""

import matmul_simd

await matmul_simd.install()  # noqa: F704 (PyScript runs worker scripts with top-level await)

import answers  # noqa: E402
import labs  # noqa: E402

globals().update(answers.served(labs))  # each answers, even when it fails

__export__ = labs.__all__
