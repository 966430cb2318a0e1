"""``check``: grade a student's source for one exercise, as JSON data the page can show."""

import contextlib
import io
import warnings
from functools import partial

import numpy as np

from .catalog import get_exercise
from .layer_checks import LAYERS, check_dropout, check_layer
from .report import Report
from .student_code import StudentCodeError, TimeLimitExceeded, error_from, load_class
from .update_checks import SETTINGS, check_optimizer, check_weight_decay

#: How each exercise is checked: ``runner(student_class, report)``.
RUNNERS = {
    **{name: partial(check_layer, spec) for name, spec in LAYERS.items()},
    **{name: partial(check_optimizer, name) for name in SETTINGS},
    "dropout": check_dropout,
    "weight_decay": check_weight_decay,
}


def check(name: str, source: str, first_line: int = 1) -> dict:
    """Grade ``source``, the student's code for the exercise ``name``.

    Parameters
    ----------
    name
        An exercise's name (a key of ``EXERCISES``); ``ValueError`` for any other.
    source
        The student's Python code; it must define the exercise's class. It runs in a fresh
        namespace holding ``np``, ``softmax``, ``cross_entropy_error`` and ``sigmoid``.
    first_line
        The line ``source`` starts on in its file, for line numbers in a file's terms.

    Returns
    -------
    dict
        The report (plain JSON data; see the package's docstring). Whatever the code does
        (a syntax error, an exception, ``exit()``), it becomes the report's ``error``; only
        ``KeyboardInterrupt`` passes through. What the code prints is in ``output``.
    """
    exercise = get_exercise(name)
    report = Report(name)
    output = io.StringIO()
    with (
        contextlib.redirect_stdout(output),
        np.errstate(all="ignore"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        try:
            cls = load_class(source, exercise.class_name, first_line)
            RUNNERS[name](cls, report)
        except StudentCodeError as exc:
            report.error = exc.error
        except TimeLimitExceeded as exc:
            report.error = error_from(exc, "timeout", seconds=exc.seconds)
        except (Exception, SystemExit) as exc:
            report.error = error_from(exc)
    report.output = output.getvalue()
    return report.as_dict()


def load_solution(name: str, source: str) -> type:
    """The class the student's ``source`` defines for the exercise ``name``, to use it.

    Check the source first: this runs it as it is, and its exceptions propagate
    (``StudentCodeError`` when it does not compile or lacks the class).
    """
    return load_class(source, get_exercise(name).class_name)
