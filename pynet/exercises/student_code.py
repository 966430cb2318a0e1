"""Running a student's source: compile and exec it in a fresh namespace, and say where it
failed, by the student's own line numbers."""

import traceback

import numpy as np

from ..functions import cross_entropy_error, sigmoid, softmax

#: The file name the student's code runs under; tracebacks are filtered to it.
FILENAME = "<exercise>"

#: Longer sources are refused before they are compiled (a solution is a screen of code).
MAX_SOURCE_CHARS = 50_000

#: Error messages are cut to this many characters (a huge array in a message stays short).
MAX_MESSAGE_CHARS = 500


class StudentCodeError(Exception):
    """The student's code gave no class to check; ``error`` is the report's error entry."""

    def __init__(self, error: dict) -> None:
        super().__init__(error["message"])
        self.error = error


class TimeLimitExceeded(BaseException):
    """What a host's timer raises inside a runaway check (the command line's SIGALRM).

    A ``BaseException``, so that the student's own ``except Exception`` cannot swallow it.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no result after {seconds:g} s")
        self.seconds = seconds


def fresh_namespace() -> dict:
    """The globals the student's code starts from: numpy as ``np`` and the functions the
    book's ``common/layers.py`` imports from ``common/functions.py``."""
    return {
        "__name__": "exercise",
        "np": np,
        "sigmoid": sigmoid,
        "softmax": softmax,
        "cross_entropy_error": cross_entropy_error,
    }


def _error(code: str, message: str, line: int | None, **params) -> dict:
    return {"code": code, "params": params, "message": message[:MAX_MESSAGE_CHARS], "line": line}


def load_class(source: str, class_name: str, first_line: int = 1) -> type:
    """Run ``source`` and return the class ``class_name`` it defines.

    ``first_line`` is the line ``source`` starts on in its file, so that reported line
    numbers are the file's. Raises ``StudentCodeError`` for code that is too long, does not
    compile or defines no such class; an exception raised while the code runs propagates
    (``error_from`` turns it into a report).
    """
    if len(source) > MAX_SOURCE_CHARS:
        raise StudentCodeError(
            _error("too_long", "", None, chars=len(source), limit=MAX_SOURCE_CHARS)
        )
    try:
        code = compile("\n" * (first_line - 1) + source, FILENAME, "exec")
    except SyntaxError as exc:
        raise StudentCodeError(
            _error("syntax_error", exc.msg, exc.lineno, column=exc.offset)
        ) from None
    except ValueError as exc:  # e.g. a NUL character in the text
        raise StudentCodeError(_error("syntax_error", str(exc), None, column=None)) from None
    namespace = fresh_namespace()
    exec(code, namespace)
    cls = namespace.get(class_name)
    if not isinstance(cls, type):
        raise StudentCodeError(_error("missing_class", "", None, class_name=class_name))
    return cls


def error_from(exc: BaseException, code: str | None = None, **params) -> dict:
    """The report's error entry for ``exc``, at the student's line where it was raised.

    The line and function are those of the innermost frame in the student's code (None when
    the exception came from pynet's calls, e.g. a method missing or taking other arguments).
    ``code`` defaults to ``"not_written"`` for the skeleton's ``NotImplementedError``, else
    ``"exception"``.
    """
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
    where = frames[-1] if frames else None
    if code is None:
        written = not (isinstance(exc, NotImplementedError) and where)
        code = "exception" if written else "not_written"
    return _error(
        code,
        f"{type(exc).__name__}: {exc}",
        where.lineno if where else None,
        exception=type(exc).__name__,
        function=where.name if where else None,
        **params,
    )
