"""A student's solutions as one .py file, one block per exercise, and the parser that reads
such a file back without running any of it::

    # === exercise: relu ===
    class Relu:
        ...

    # === exercise: sigmoid ===
    ...

Lines before the first marker are a free header. A block's code is its lines with the blank
lines at either end removed, ending in one newline.
"""

import re
from typing import NamedTuple

from .catalog import EXERCISES
from .messages import ENGLISH

#: The line that starts an exercise's block.
MARKER = "# === exercise: {name} ==="
_MARKER_LINE = re.compile(r"# === exercise: (\S+) ===[ \t]*")

#: Larger files are refused unread (fifteen solutions take about 15,000 characters).
MAX_FILE_CHARS = 200_000

HEADER = """\
# Backprop Lab: solutions to the "write it yourself" exercises of chapters 5 and 6.
# Each exercise starts at its marker line. Check them all with
#     python -m pynet exercises check <this file>
"""


class SolutionsFileError(ValueError):
    """A solutions file that cannot be read (or written); ``code`` and ``params`` say why,
    in the terms of ``messages.ENGLISH``, and the message says it in English (after the
    file's line number, for an error at a line)."""

    def __init__(self, code: str, **params) -> None:
        where = f"line {params['line']}: " if "line" in params else ""
        super().__init__(where + ENGLISH[code].format(**params))
        self.code = code
        self.params = params


class Part(NamedTuple):
    """One exercise's block: its ``name``, its ``source``, and the file ``line`` where the
    source starts (for line numbers in the file's terms)."""

    name: str
    source: str
    line: int


def _tidy(lines: list[str]) -> tuple[str, int]:
    """The code of ``lines`` without blank lines at either end, and how many led."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    code = "\n".join(lines[start:end])
    return (code + "\n" if code else ""), start


def _check_size(text: str) -> None:
    if len(text) > MAX_FILE_CHARS:
        raise SolutionsFileError("file_too_large", chars=len(text), limit=MAX_FILE_CHARS)


def export_solutions(solutions: dict[str, str]) -> str:
    """One file holding ``solutions`` ({exercise name: code}), in the book's order.

    Raises ``SolutionsFileError`` for an unknown name, code containing a marker line, or a
    result larger than ``import_solutions`` accepts.
    """
    for name in solutions:
        if name not in EXERCISES:
            raise SolutionsFileError("unknown_exercise", name=name)
    blocks = [HEADER]
    for name in EXERCISES:
        if name not in solutions:
            continue
        lines = solutions[name].replace("\r\n", "\n").split("\n")
        if any(_MARKER_LINE.fullmatch(line) for line in lines):
            raise SolutionsFileError("marker_in_source", name=name)
        blocks.append(MARKER.format(name=name) + "\n" + _tidy(lines)[0])
    text = "\n".join(blocks)
    _check_size(text)
    return text


def parse_solutions(text: str) -> list[Part]:
    """The exercise blocks of a solutions file, in file order, read as text only.

    Raises ``SolutionsFileError`` for a file over ``MAX_FILE_CHARS``, an unknown exercise
    name, an exercise that comes twice, or no exercise at all.
    """
    _check_size(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = []
    for number, line in enumerate(lines, start=1):
        match = _MARKER_LINE.fullmatch(line)
        if not match:
            continue
        name = match[1]
        if name not in EXERCISES:
            raise SolutionsFileError("unknown_exercise", name=name, line=number)
        if name in (found for found, _ in starts):
            raise SolutionsFileError("duplicate_exercise", name=name, line=number)
        starts.append((name, number))
    if not starts:
        raise SolutionsFileError("no_exercises")
    parts = []
    ends = [number for _, number in starts[1:]] + [len(lines) + 1]
    for (name, marker), end in zip(starts, ends, strict=True):
        source, blank = _tidy(lines[marker : end - 1])
        parts.append(Part(name, source, marker + 1 + blank))
    return parts


def import_solutions(text: str) -> dict[str, str]:
    """{exercise name: code} from a solutions file, in file order (see ``parse_solutions``)."""
    return {part.name: part.source for part in parse_solutions(text)}
