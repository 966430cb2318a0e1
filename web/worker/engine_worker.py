"""The engine worker's entry point: put the SIMD kernel behind pynet, then serve engine.py's
functions to the page, model_calls.py's (the student's models) and steppers.py's (chapter 5
stepped through).

The worker's Pyodide comes with numpy (start_pyodide.mjs, the configs' "interpreter"), not
through the config's "packages", which would bring micropip into every worker and add about
a second to every cold start; pynet's wheel is unpacked into the worker's files by the
config (for a pure-Python wheel that is all an installation is). ``__export__`` names the
modules' ``__all__``: PyScript 0.6.66 evaluates a literal ``__export__ = [...]`` before a
top-level await has finished.
"""

import matmul_simd

await matmul_simd.install()  # noqa: F704 (PyScript runs worker scripts with top-level await)

import answers  # noqa: E402
import engine  # noqa: E402
import model_calls  # noqa: E402
import steppers  # noqa: E402

# each answers, even when it fails
globals().update(
    {**answers.served(engine), **answers.served(model_calls), **answers.served(steppers)}
)

__export__ = engine.__all__ + model_calls.__all__ + steppers.__all__
