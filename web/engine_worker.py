"""The engine worker's entry point: load numpy, then serve engine.py's functions to the page.

numpy is the Pyodide release's own wheel (its sha256 is checked against pyodide-lock.json).
Loading it here instead of through the config's "packages" keeps micropip out of the
worker altogether, which takes about a second off every cold start; pynet's wheel is
unpacked into the worker's files by the config (for a pure-Python wheel that is all an
installation is). ``__export__`` names the module's ``__all__``: PyScript 0.6.66 evaluates a
literal ``__export__ = [...]`` before a top-level await has finished.
"""

import pyodide_js

await pyodide_js.loadPackage("numpy")  # noqa: F704 (PyScript runs worker scripts with top-level await)

import matmul_simd  # noqa: E402

await matmul_simd.install()  # noqa: F704

import engine  # noqa: E402
from engine import *  # noqa: E402, F403

__export__ = engine.__all__
