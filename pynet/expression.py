"""A formula the student types, such as ``(a*b + c)*d``, as a computational graph.

``build("(a*b + c)*d", {"a": 2, "b": 3, "c": 4, "d": 5})`` gives a ``pynet.graph.Graph``
whose ``walkthrough()`` the page shows (its JSON is described in ``pynet.graph``): here the
gradients a: 15, b: 10, c: 5, d: 10.

What a formula may hold: numbers; variables, whose values the caller supplies; ``+ - * /``;
unary minus and plus; brackets; ``x ** p`` with a constant exponent p; and the functions
``FUNCTIONS`` (exp, log, sigmoid, tanh, relu, sqrt), each of one argument. Each operator in
the text becomes one node, and each number a constant node; a variable is one input node
however often it appears, so ``x*x`` sends x two gradients that add up (6 at x = 3). The
operation nodes are named u1, u2, ... in the order they are computed, and the last one L.

Safety: the text is never run. ``ast.parse(mode="eval")`` reads it into a syntax tree and a
walk over the tree accepts only the node types above: no attributes, no subscripts, no
strings, no calls but to ``FUNCTIONS`` by name; ``__import__('os')`` is refused as an
unknown function. Before that, the text's length is bounded (``MAX_LENGTH``), and during
the walk the tree's depth (``MAX_DEPTH``) and the graph's size (``MAX_NODES``).

Errors are ``ExpressionError`` (the formula is not acceptable) or, while computing,
``GraphError`` (log of 0, division by 0, ...). ExpressionError is a kind of GraphError, so
the page catches GraphError; both carry ``code`` and ``params`` (``MESSAGES``).
"""

import ast
import re
import warnings

import numpy as np

from .graph import Graph, GraphError, Node

#: The longest formula accepted, in characters.
MAX_LENGTH = 200
#: The most nodes (variables, constants, operations) a formula's graph may have.
MAX_NODES = 60
#: The deepest nesting of operations accepted.
MAX_DEPTH = 30
#: The longest variable name accepted.
MAX_NAME_LENGTH = 16

#: The functions a formula may call, each of one argument, by the name typed.
FUNCTIONS = ("exp", "log", "sigmoid", "tanh", "relu", "sqrt")

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div"}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_OPERATION_NAME = re.compile(r"u\d+")  # u1, u2, ...: the names of operation nodes
OUTPUT_NAME = "L"


class ExpressionError(GraphError):
    """The formula cannot be read or is not allowed; ``code`` says why."""

    MESSAGES = {
        **GraphError.MESSAGES,
        "empty": "type a formula, such as (a*b + c)*d",
        "too_long": "a formula may be at most {limit} characters long, this one has {length}",
        "too_deep": "the formula nests operations more than {limit} deep",
        "too_many_nodes": "the formula makes more than {limit} nodes",
        "syntax_error": "the formula cannot be read near character {column}",
        "unsupported_syntax": "{syntax} is not allowed in a formula",
        "not_a_number": "{value} is not a number",
        "unsupported_operator": "the operator {operator} is not allowed; use + - * / **",
        "caret_power": "write a power as x**2: in Python ^ is not a power",
        "exponent_not_constant": "an exponent must be a number, as in x**2",
        "unknown_function": "there is no function {name}; use one of {choices}",
        "function_without_argument": "{name} needs an argument in brackets, as in {name}(x)",
        "wrong_argument_count": "{name} takes one argument, got {count}",
        "unknown_variable": "{name} has no value; give it one",
        "bad_name": "{name!r} cannot name a variable: use letters, digits and _, at most "
        "{limit} characters, starting with a letter",
        "reserved_name": "{name} names a node of the graph or a function; choose another name",
    }


def _check_values(values: dict) -> dict[str, float]:
    """The caller's variables, each name acceptable and each value a finite number."""
    checked = {}
    for name, value in values.items():
        name = str(name)
        if not _NAME.fullmatch(name) or len(name) > MAX_NAME_LENGTH:
            raise ExpressionError("bad_name", name=name, limit=MAX_NAME_LENGTH)
        if name == OUTPUT_NAME or name in FUNCTIONS or _OPERATION_NAME.fullmatch(name):
            raise ExpressionError("reserved_name", name=name)
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = float("nan")
        if isinstance(value, bool) or not np.isfinite(number):
            raise ExpressionError("bad_value", name=name, value=str(value)[:40])
        checked[name] = number
    return checked


def _exponent(node: ast.expr) -> float:
    """A constant exponent: a number, or a signed number."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        node = node.operand
    if not isinstance(node, ast.Constant) or not _is_number(node.value):
        raise ExpressionError("exponent_not_constant")
    return sign * float(node.value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Builder:
    """Walks the syntax tree, accepting only the whitelisted node types, into a Graph."""

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values
        self.graph = Graph()
        self.variables: dict[str, Node] = {}

    def _count(self, node: Node) -> Node:
        if len(self.graph.nodes) > MAX_NODES:
            raise ExpressionError("too_many_nodes", limit=MAX_NODES)
        return node

    def visit(self, tree: ast.expr, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise ExpressionError("too_deep", limit=MAX_DEPTH)
        if isinstance(tree, ast.Constant):
            if not _is_number(tree.value):
                raise ExpressionError("not_a_number", value=repr(tree.value)[:40])
            return self._count(self.graph.const(float(tree.value)))
        if isinstance(tree, ast.Name):
            return self.variable(tree.id)
        if isinstance(tree, ast.UnaryOp):
            return self.unary(tree, depth)
        if isinstance(tree, ast.BinOp):
            return self.binary(tree, depth)
        if isinstance(tree, ast.Call):
            return self.call(tree, depth)
        raise ExpressionError("unsupported_syntax", syntax=type(tree).__name__)

    def variable(self, name: str) -> Node:
        if name in FUNCTIONS:
            raise ExpressionError("function_without_argument", name=name)
        if name not in self.values:
            raise ExpressionError("unknown_variable", name=name)
        if name not in self.variables:
            self.variables[name] = self._count(self.graph.input(name, self.values[name]))
        return self.variables[name]

    def unary(self, tree: ast.UnaryOp, depth: int) -> Node:
        if isinstance(tree.op, ast.UAdd):
            return self.visit(tree.operand, depth + 1)
        if isinstance(tree.op, ast.USub):
            return self._count(self.graph.apply("neg", self.visit(tree.operand, depth + 1)))
        raise ExpressionError("unsupported_operator", operator=type(tree.op).__name__)

    def binary(self, tree: ast.BinOp, depth: int) -> Node:
        if isinstance(tree.op, ast.Pow):
            exponent = _exponent(tree.right)  # read first: x**y is refused before x is built
            base = self.visit(tree.left, depth + 1)
            return self._count(self.graph.apply("pow", base, p=exponent))
        if isinstance(tree.op, ast.BitXor):
            raise ExpressionError("caret_power")
        op = _BINARY.get(type(tree.op))
        if op is None:
            raise ExpressionError("unsupported_operator", operator=type(tree.op).__name__)
        left = self.visit(tree.left, depth + 1)
        right = self.visit(tree.right, depth + 1)
        return self._count(self.graph.apply(op, left, right))

    def call(self, tree: ast.Call, depth: int) -> Node:
        if not isinstance(tree.func, ast.Name):
            raise ExpressionError("unsupported_syntax", syntax=type(tree.func).__name__)
        name = tree.func.id
        if name not in FUNCTIONS:
            raise ExpressionError("unknown_function", name=name, choices=list(FUNCTIONS))
        if tree.keywords or len(tree.args) != 1 or isinstance(tree.args[0], ast.Starred):
            raise ExpressionError(
                "wrong_argument_count", name=name, count=len(tree.args) + len(tree.keywords)
            )
        argument = self.visit(tree.args[0], depth + 1)
        return self._count(self.graph.apply(name, argument))


def _parse(text: str) -> ast.expr:
    """The syntax tree of ``text``, refused if too long, empty or unreadable."""
    text = str(text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError("too_long", limit=MAX_LENGTH, length=len(text))
    text = text.strip()
    if not text:
        raise ExpressionError("empty")
    try:
        with warnings.catch_warnings():  # "1 is 1" and the like warn while parsing
            warnings.simplefilter("ignore")
            return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError) as exc:  # ValueError: a null character
        # The column counts from 1; a formula that stops too soon ("a+") is unreadable
        # just past its end, where Python gives no column.
        column = getattr(exc, "offset", None) or len(text) + 1
        raise ExpressionError("syntax_error", column=column) from None


def variables(text: str) -> list[str]:
    """The names ``text`` uses as variables, in the order they first appear: the page asks
    the student for their values. (Whether the formula is acceptable, ``build`` says.)"""
    tree = _parse(text)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names = [
        node for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called
    ]
    names.sort(key=lambda node: node.col_offset)
    return list(dict.fromkeys(node.id for node in names))


def build(text: str, values: dict[str, float]) -> Graph:
    """The graph of formula ``text`` at the variables' ``values``, computed forward.

    Raises ``ExpressionError`` for a formula that is too long, deep or large, cannot be
    read, uses anything not allowed or a variable without a value; ``GraphError`` when the
    formula cannot be computed at these values (log of a number ≤ 0, division by 0, ...).
    """
    tree = _parse(text)
    builder = _Builder(_check_values(values))
    output = builder.visit(tree, depth=1)
    if output.op not in ("input", "const"):
        output.name, output.symbol = OUTPUT_NAME, OUTPUT_NAME
    return builder.graph
