"""The grade of one exercise as plain JSON data: checks, mistakes, an error, differences."""

import numpy as np

from ..gradcheck import relative_error

#: Every check draws its random arrays from this seed, so a report is the same on every run.
SEED = 0

#: A value (output, gradient, update step) passes when its relative error is below this.
TOLERANCE = 1e-7

#: The checks whose largest relative error is the report's ``max_error``: the gradient
#: check's number of chapter 5.6.3 (and its counterpart for an optimizer's steps).
GRADE_CHECKS = ("gradient", "update")

#: Difference matrices for the page's heat map are sent up to this many entries each.
DIFF_MAX_ENTRIES = 64

#: What the student printed is kept up to this many characters.
MAX_OUTPUT_CHARS = 4000


def as_array(value) -> np.ndarray | None:
    """``value`` as a float64 array, or None when it is not numbers (None, a string, ...)."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


class Check:
    """One thing verified over every case; it passes when every case does.

    ``params`` names what is checked (``{"name": "dW"}``); a failure adds what went wrong
    first: ``returned`` (the type of a value that is not an array), ``shape`` with
    ``expected_shape``, or ``not_finite``.
    """

    def __init__(self, code: str, tolerance: float = TOLERANCE, **params) -> None:
        self.code = code
        self.tolerance = tolerance
        self.params = params
        self.passed = True
        self.max_error: float | None = None  # None until a case is measured

    def compare(self, got, expected) -> bool:
        """Score one case, ``got`` against ``expected``; True when it is close enough."""
        expected = np.asarray(expected, dtype=np.float64)
        array = as_array(got)
        if array is None:
            return self.fail(returned=type(got).__name__)
        if array.shape != expected.shape:
            return self.fail(shape=list(array.shape), expected_shape=list(expected.shape))
        if not np.all(np.isfinite(array)):
            return self.fail(not_finite=True)
        error = relative_error(array, expected) if array.size else 0.0
        self.max_error = max(self.max_error or 0.0, error)
        return self.verify(error < self.tolerance)

    def verify(self, ok: bool, **details) -> bool:
        """Score one case that passes or fails without a number (an array left unchanged)."""
        return True if ok else self.fail(**details)

    def fail(self, **details) -> bool:
        """Mark a failed case; the first failure's ``details`` go into ``params``."""
        if self.passed:
            self.params.update(details)
        self.passed = False
        return False

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "passed": self.passed,
            "max_error": self.max_error,
            "params": self.params,
        }


class Report:
    """Everything found about one exercise; ``as_dict`` gives the JSON data the page reads."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.checks: dict[tuple, Check] = {}
        self.mistakes: list[dict] = []
        self.error: dict | None = None
        self.diff: dict[str, list] | None = None
        self.output = ""

    def check(self, code: str, tolerance: float = TOLERANCE, **params) -> Check:
        """The check ``code`` for ``params`` (e.g. ``name="dW"``), made on first use."""
        key = (code, tuple(sorted(params.items())))
        if key not in self.checks:
            self.checks[key] = Check(code, tolerance, **params)
        return self.checks[key]

    def mistake(self, code: str, **params) -> None:
        """Name a classic mistake the student made (each one once)."""
        entry = {"code": code, "params": params}
        if entry not in self.mistakes:
            self.mistakes.append(entry)

    def unchanged(self, name: str, method: str, before, after) -> None:
        """Check that ``method`` left its argument ``name`` (an array or a dict of arrays) as
        it was, and name the mistake if it wrote into it."""
        if isinstance(before, dict):
            same = before.keys() == after.keys() and all(
                np.array_equal(before[key], after[key]) for key in before
            )
        else:
            same = np.array_equal(before, after)
        if not self.check("unchanged", name=name).verify(same):
            self.mistake("input_modified", name=name, method=method)

    def add_diff(self, name: str, got, expected) -> None:
        """Keep ``got − expected`` for the heat map when the shapes agree and it is small."""
        got, expected = as_array(got), np.asarray(expected, dtype=np.float64)
        if got is None or got.shape != expected.shape or got.size > DIFF_MAX_ENTRIES:
            return
        difference = got - expected
        cells = np.where(np.isfinite(difference), difference, None)
        self.diff = {**(self.diff or {}), name: cells.tolist()}

    def as_dict(self) -> dict:
        checks = [check.as_dict() for check in self.checks.values()]
        errors = [
            c["max_error"]
            for c in checks
            if c["code"] in GRADE_CHECKS and c["max_error"] is not None
        ]
        passed = (
            self.error is None
            and bool(checks)
            and all(c["passed"] for c in checks)
            and not self.mistakes
        )
        return {
            "name": self.name,
            "passed": passed,
            "max_error": max(errors) if errors else None,
            "checks": checks,
            "mistakes": self.mistakes,
            "error": self.error,
            "diff": self.diff,
            "output": self.output[:MAX_OUTPUT_CHARS],
        }
