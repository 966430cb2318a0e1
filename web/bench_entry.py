"""The benchmark worker's entry point: numpy as the engine worker loads it, then the benchmark."""

import pyodide_js

await pyodide_js.loadPackage("numpy")  # noqa: F704 (PyScript runs worker scripts with top-level await)


__export__ = ["run"]
