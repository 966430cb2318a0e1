"""Write it yourself: the student writes the book's classes, pynet grades them.

Fifteen exercises, by name: chapter 5 ``mul_layer``, ``add_layer``, ``relu``, ``sigmoid``,
``affine``, ``softmax_with_loss``; chapter 6 ``sgd``, ``momentum``, ``nesterov``,
``adagrad``, ``rmsprop``, ``adam``, ``batchnorm`` (its backward), ``weight_decay``,
``dropout``. Everything here is plain Python over numpy and runs unchanged in a Pyodide
worker: no threads, no subprocesses, no signals.

The catalog
    ``EXERCISES[name]`` is an ``Exercise``; ``.as_dict()`` gives the page ``name``,
    ``class_name``, ``chapter``, ``section`` ("5.6.2"), ``title`` and ``statement``
    (``{"en", "ko"}``), ``formula`` (KaTeX), ``skeleton`` (the class with ``# TODO`` /
    ``raise NotImplementedError`` bodies), ``solution``, ``todo`` (the methods to write)
    and ``extra`` (beyond the book's text). All fifteen make 32 kB of JSON (UTF-8).

Checking
    ``check(name, source, first_line=1) -> dict`` runs ``source`` in a fresh namespace (``np``,
    ``softmax``, ``cross_entropy_error``, ``sigmoid``) and returns JSON data::

        {"name": "affine", "passed": False,
         "max_error": 0.74,        # largest relative error of a gradient (or update step)
         "checks": [{"code": "gradient", "passed": False, "max_error": 0.74,
                     "params": {"name": "dx"}}, ...],
         "mistakes": [{"code": "missing_transpose", "params": {"name": "dx"}}],
         "error": {"code": "exception", "message": "ValueError: shapes (1,2) and ...",
                   "line": 15, "params": {"exception": "ValueError", "function": "backward"}},
         "diff": {"dx": [[...]], "dW": [[...]]},   # student − expected, small cases only
         "output": ""}                              # what the code printed

    ``passed`` needs every check passed, no mistake and no error. Layers: forward against
    pynet's layer, backward's gradients against the numerical gradient of pynet's forward
    (float64, each under 1e-7), on seeded cases including a batch of one; ``dout`` and the
    inputs must be left unchanged. Optimizers: three updates against pynet's, in place.
    Codes, each with an English sentence in ``ENGLISH`` (``explain(entry)`` says it):

    - checks: ``forward``, ``test_mode``, ``gradient``, ``unchanged``, ``update``,
      ``in_place``, ``dropout_scale``, ``drop_rate``, ``apple_orange``, ``penalty``; a
      failed one may add ``returned``, ``shape``/``expected_shape``, ``not_finite``,
      ``not_a_pair``, ``dropped`` or ``got`` to its params (see ``FAILURE_DETAILS``).
    - mistakes (recognised by their numbers): ``missing_transpose``, ``wrong_sum_axis``,
      ``missing_batch_division``, ``sigmoid_uses_x``, ``input_modified``,
      ``update_not_in_place``, ``missing_epsilon``, ``mul_same_input``,
      ``batchnorm_constant_stats``, ``batchnorm_book_eps``, ``dropout_not_inverted``,
      ``decay_on_bias``, ``missing_half``.
    - errors: ``syntax_error``, ``exception``, ``not_written``, ``missing_class``,
      ``too_long``, ``timeout``; ``line`` is the student's line (None if the failure was in
      pynet's call, e.g. a missing method).

    A report is 0.5 to 2 kB of JSON and takes a few milliseconds (all fifteen references
    and skeletons: 0.3 s on Pyodide in Node.js). The checker cannot stop
    ``while True: pass`` by itself: a page stops the worker (or raises KeyboardInterrupt
    through Pyodide's interrupt buffer, which ``check`` lets through); a host with a timer
    may raise ``TimeLimitExceeded`` instead, which ``check`` reports as ``timeout`` (the
    command line does so with SIGALRM). The code is not sandboxed: it can do what Python
    can.

Solutions files
    ``export_solutions({name: source}) -> str`` writes one .py file with a
    ``# === exercise: relu ===`` line before each exercise; ``import_solutions(text)``
    reads it back into ``{name: source}`` without running it, and ``parse_solutions``
    also gives each block's first line. ``SolutionsFileError`` (a ``ValueError`` with
    ``code`` and ``params``) refuses unknown names, repeats, no exercise at all and files
    over ``MAX_FILE_CHARS``.

Use it
    ``load_solution(name, source)`` gives the student's class (check it first).
    ``student_network({"affine": cls, ...}, **MultiLayerNet options)`` builds a
    ``MultiLayerNet`` running the student's layers on its own arrays (its SoftmaxWithLoss
    wants one-hot labels, as the book's does). ``with optimizer_in_use("adam", cls):``
    makes ``Trainer(optimizer="adam")`` and the chapter 6 labs build the student's class.
"""

from .catalog import EXERCISES, get_exercise
from .checker import check, load_solution
from .exercise import Exercise
from .messages import ENGLISH, FAILURE_DETAILS, explain
from .solutions_file import (
    MAX_FILE_CHARS,
    SolutionsFileError,
    export_solutions,
    import_solutions,
    parse_solutions,
)
from .student_code import StudentCodeError, TimeLimitExceeded
from .use_it import optimizer_in_use, student_network

__all__ = [
    "ENGLISH",
    "EXERCISES",
    "FAILURE_DETAILS",
    "MAX_FILE_CHARS",
    "Exercise",
    "SolutionsFileError",
    "StudentCodeError",
    "TimeLimitExceeded",
    "check",
    "explain",
    "export_solutions",
    "get_exercise",
    "import_solutions",
    "load_solution",
    "optimizer_in_use",
    "parse_solutions",
    "student_network",
]
