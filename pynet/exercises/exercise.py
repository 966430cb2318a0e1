"""``Exercise``: one "write it yourself" exercise, as the page shows it."""

import ast
from dataclasses import dataclass

#: What replaces the body of a method the student writes.
TODO_BODY = ("# TODO", "raise NotImplementedError")


@dataclass(frozen=True)
class Exercise:
    """One class of the book for the student to write, and everything the page shows of it.

    Attributes
    ----------
    name
        The exercise's fixed name (``"affine"``), also its key in ``EXERCISES``.
    class_name
        The class the student's code must define (``"Affine"``).
    section
        The book's section (``"5.6.2"``), the same in the Korean and Japanese editions.
    title, statement
        ``{"en": ..., "ko": ...}``; the Korean uses the Korean edition's terms.
    formula
        The equations in KaTeX syntax.
    solution
        The reference solution, in the book's style.
    todo
        The methods the student writes; the skeleton keeps everything else.
    extra
        True for what the book has only in its ``common/`` code, not in the text.
    """

    name: str
    class_name: str
    section: str
    title: dict[str, str]
    statement: dict[str, str]
    formula: str
    solution: str
    todo: tuple[str, ...]
    extra: bool = False

    @property
    def chapter(self) -> int:
        """5 or 6."""
        return int(self.section.split(".")[0])

    @property
    def skeleton(self) -> str:
        """The solution with the body of every method in ``todo`` replaced by a TODO."""
        return blank_methods(self.solution, self.class_name, self.todo)

    def as_dict(self) -> dict:
        """Everything above as plain JSON data (with the skeleton), for the page."""
        return {
            "name": self.name,
            "class_name": self.class_name,
            "chapter": self.chapter,
            "section": self.section,
            "title": self.title,
            "statement": self.statement,
            "formula": self.formula,
            "skeleton": self.skeleton,
            "solution": self.solution,
            "todo": list(self.todo),
            "extra": self.extra,
        }


def blank_methods(source: str, class_name: str, methods: tuple[str, ...]) -> str:
    """``source`` with the bodies of ``class_name``'s ``methods`` replaced by ``TODO_BODY``.

    A method keeps its ``def`` line (which must be a single line) and loses every line after
    it, comments included, down to its last statement.
    """
    lines = source.splitlines()
    cls = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and node.name == class_name
    )
    bodies = [
        node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name in methods
    ]
    for node in sorted(bodies, key=lambda n: n.lineno, reverse=True):
        indent = " " * node.body[0].col_offset
        lines[node.lineno : node.end_lineno] = [indent + line for line in TODO_BODY]
    return "\n".join(lines) + "\n"
