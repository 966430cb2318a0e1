"""Every exercise by name, in the book's order."""

from . import chapter5, chapter6
from .exercise import Exercise

#: name → Exercise, chapter 5 then chapter 6.
EXERCISES: dict[str, Exercise] = {e.name: e for e in (*chapter5.EXERCISES, *chapter6.EXERCISES)}


def get_exercise(name: str) -> Exercise:
    """The exercise called ``name``; ``ValueError`` with the known names if there is none."""
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; choose one of {', '.join(EXERCISES)}")
    return EXERCISES[name]
