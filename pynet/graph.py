"""Chapter 5: computational graphs, computed forward, then walked backward node by node.

Two things live here. The book's shopping examples of 5.4, written as the book writes them
with ``MulLayer`` and ``AddLayer`` (``buy_apple``, ``buy_apple_orange``). And ``Graph``: any
small graph of scalar or matrix operations, whose backward pass the page shows one node at a
time, with the chain rule in numbers and in LaTeX at every step. ``PRESETS`` builds the
book's graphs; ``pynet.expression`` builds one from a formula the student types.

``Graph.walkthrough()`` as JSON
-------------------------------
A *tensor* is ``{"shape": [2, 3], "values": [[...], [...]]}``; a scalar is
``{"shape": [], "values": 2.2}``. The walkthrough is::

    {"nodes": [node, ...], "output": id, "seed": tensor, "steps": [step, ...],
     "grads": {id: tensor}, "inputs": {name: check}, "dot": "digraph backprop {...}"}

node
    ``{"id": "n4", "op": "mul", "label": "×", "name": "apple_price", "symbol": LaTeX,
    "inputs": ["n0", "n1"], "value": tensor, "testid": "graph-node-n4"}``. ``op`` is
    ``"input"`` (a variable; its ``testid`` is ``graph-input-<name>``), ``"const"`` or a key
    of ``OPS``. Ids are ``n0, n1, ...`` in the order the nodes were made, a forward
    (topological) order, so the same graph always gets the same ids.
seed
    ∂L/∂output, where the backward pass starts. L is the output itself when the seed is 1;
    for a matrix output the seed stands for the layers above it, as dY does in 5.6, and L
    is Σ seed ⊙ output.
step
    One operation node, in reverse topological order: ``{"node": id, "op", "label",
    "upstream": tensor (∂L/∂node), "upstream_latex": str, "inputs": [contribution, ...]}``,
    one contribution per input that is not a constant, in the node's input order (``x*x``
    has two, both for x).
contribution
    ``{"input": id, "edge": edge id, "rule": str, "local": tensor, "local_latex": str,
    "product": tensor, "grad": tensor, "accumulated": bool, "latex": str}``. ``edge`` is
    the id of the edge in ``dot`` this product goes back along. ``local`` is ∂node/∂input,
    ``product`` what the node sends back along this edge, ``grad`` the input's gradient so
    far: the sum of the products it has received. ``accumulated`` is true when the input
    feeds several nodes, so that products add up (its ``latex`` then says ``+=``).
    ``rule`` says how ``product`` is made from upstream and local:

    - ``"elementwise"``: upstream × local, entry by entry (for scalars a plain product);
    - ``"elementwise_sum"``: the same, summed over the rows that broadcasting repeated the
      input along (the bias b in X·W + b gets the sum over the batch);
    - ``"dot_dx"``: upstream · local, local being Wᵀ (Y = X·W, so dX = dY·Wᵀ);
    - ``"dot_dw"``: local · upstream, local being Xᵀ (dW = Xᵀ·dY);
    - ``"jacobian"``: upstream · local, local being the matrix ∂y_i/∂x_j (softmax).
grads
    ∂L/∂node for every node that depends on a variable.
check
    For each variable, ``{"node": id, "grad": tensor, "numeric_grad": tensor | None,
    "error": float | None}``: backprop's gradient next to central differences
    (``pynet.gradcheck``) and their relative error. ``numeric_grad`` is None where the
    function is undefined a step h away (log of a number just above 0).
dot
    The graph in Graphviz DOT for a layout library: node ids as above, each with
    ``id="<testid>"`` (a leaf holding a vector or matrix shows its shape: ``W (2, 3)``).
    An edge has ``id="graph-edge-<from>-<to>-<k>"`` (k: which input of ``to`` it is) and as
    its label its forward value, then, on the lines below, the gradient sent back along it
    (none from a constant): a layout keeps room for both, and the page shows the second
    part once the walk reaches it. The output edge, ``id="graph-edge-output"``, ends in a
    point node ``id="graph-output"`` and carries the seed.

Errors are ``GraphError`` with a ``code`` and ``params``; ``GraphError.MESSAGES`` lists
them with their English sentences.
"""

import inspect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import PynetError
from .functions import sigmoid, softmax
from .gradcheck import numerical_gradient, relative_error
from .inspection import matrix_json


class MulLayer:
    """A multiplication node: out = x * y."""

    def __init__(self) -> None:
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        """d(xy)/dx = y and d(xy)/dy = x: each input gets dout times the *other* input."""
        return dout * self.y, dout * self.x


class AddLayer:
    """An addition node: out = x + y."""

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        """Addition passes the upstream gradient unchanged to both inputs."""
        return dout, dout


def buy_apple(apple: float = 100, apple_num: float = 2, tax: float = 1.1) -> dict[str, float]:
    """Figure 5-16: price = apple * apple_num * tax, with every backward value (dprice = 1)."""
    mul_apple = MulLayer()
    mul_tax = MulLayer()
    apple_price = mul_apple.forward(apple, apple_num)
    price = mul_tax.forward(apple_price, tax)

    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return {
        "apple": apple,
        "apple_num": apple_num,
        "tax": tax,
        "apple_price": apple_price,
        "price": price,
        "dprice": 1,
        "dapple_price": dapple_price,
        "dtax": dtax,
        "dapple": dapple,
        "dapple_num": dapple_num,
    }


def buy_apple_orange(
    apple: float = 100,
    apple_num: float = 2,
    orange: float = 150,
    orange_num: float = 3,
    tax: float = 1.1,
) -> dict[str, float]:
    """Figure 5-17: apples and oranges, summed, then taxed; every forward and backward value."""
    mul_apple = MulLayer()
    mul_orange = MulLayer()
    add_fruit = AddLayer()
    mul_tax = MulLayer()

    apple_price = mul_apple.forward(apple, apple_num)
    orange_price = mul_orange.forward(orange, orange_num)
    all_price = add_fruit.forward(apple_price, orange_price)
    price = mul_tax.forward(all_price, tax)

    dall_price, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add_fruit.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return {
        "apple": apple,
        "apple_num": apple_num,
        "orange": orange,
        "orange_num": orange_num,
        "tax": tax,
        "apple_price": apple_price,
        "orange_price": orange_price,
        "all_price": all_price,
        "price": price,
        "dprice": 1,
        "dall_price": dall_price,
        "dtax": dtax,
        "dapple_price": dapple_price,
        "dorange_price": dorange_price,
        "dapple": dapple,
        "dapple_num": dapple_num,
        "dorange": dorange,
        "dorange_num": dorange_num,
    }


# -- Graphs the page walks through, one backward step at a time ----------------------------
class GraphError(PynetError):
    """A graph cannot be built or computed; ``code`` says why (see ``MESSAGES``)."""

    MESSAGES = {
        "unknown_preset": "there is no graph called {name}; choose one of {choices}",
        "unknown_input": "the {preset} graph has no input called {name}; it has {choices}",
        "bad_value": "{name} must be a finite number or a list of them, got {value}",
        "too_large": "{name} may hold at most {limit} numbers, got {size}",
        "shape_mismatch": "{op} cannot combine values of shapes {shapes}",
        "bad_seed": "the output gradient must have the output's shape {shape}, got {got}",
        "division_by_zero": "division by zero",
        "log_domain": "log needs a number above 0, got {value}",
        "sqrt_domain": "sqrt needs a number that is not negative, got {value}",
        "power_domain": "{value} to the power {exponent} is not a real number",
        "overflow": "{op} gave a number too large to compute with",
        "not_differentiable": "{op} has no finite derivative at this value",
    }


#: The most numbers one leaf of a graph may hold: these graphs are for reading, not training.
MAX_ENTRIES = 100


def _first(x: np.ndarray, bad: np.ndarray) -> float:
    """The first entry of ``x`` where ``bad`` holds, to name it in an error."""
    return float(np.broadcast_to(x, bad.shape)[bad][0])


# Each operation returns its value and its local derivatives ∂y/∂input, one per input.
def _add(a, b):
    return a + b, (1.0, 1.0)


def _sub(a, b):
    return a - b, (1.0, -1.0)


def _mul(a, b):
    return a * b, (b, a)


def _div(a, b):
    if np.any(b == 0):
        raise GraphError("division_by_zero")
    return a / b, (1 / b, -a / b**2)


def _neg(x):
    return -x, (-1.0,)


def _pow(x, p):
    if p != round(p) and np.any(x < 0):
        raise GraphError("power_domain", value=_first(x, x < 0), exponent=p)
    if p < 0 and np.any(x == 0):
        raise GraphError("division_by_zero")
    return x**p, (p * x ** (p - 1),)


def _exp(x):
    y = np.exp(x)
    return y, (y,)


def _log(x):
    if np.any(x <= 0):
        raise GraphError("log_domain", value=_first(x, x <= 0))
    return np.log(x), (1 / x,)


def _sigmoid(x):
    y = sigmoid(x)
    return y, (y * (1 - y),)


def _tanh(x):
    y = np.tanh(x)
    return y, (1 - y**2,)


def _relu(x):
    return np.maximum(x, 0.0), ((x > 0).astype(np.float64),)


def _sqrt(x):
    if np.any(x < 0):
        raise GraphError("sqrt_domain", value=_first(x, x < 0))
    y = np.sqrt(x)
    return y, (1 / (2 * y),)


def _reciprocal(x):
    if np.any(x == 0):
        raise GraphError("division_by_zero")
    y = 1 / x
    return y, (-(y**2),)


def _dot(X, W):
    if X.ndim != 2 or W.ndim != 2:
        raise ValueError("dot multiplies two matrices")
    return X @ W, (W.T, X.T)


def _softmax(a):
    if a.ndim != 1:
        raise ValueError("softmax here takes one vector of scores")
    y = softmax(a)
    return y, (np.diag(y) - np.outer(y, y),)  # ∂y_i/∂a_j = y_i(δ_ij − y_j)


def _cross_entropy(y, t):
    if np.any(y <= 0):
        raise GraphError("log_domain", value=_first(y, y <= 0))
    return -np.sum(t * np.log(y)), (-t / y, -np.log(y))


@dataclass(frozen=True)
class Op:
    """An operation a node can apply.

    ``compute(*inputs, **params)`` returns the value and the local derivative for each
    input. ``label`` is what the node shows (``str.format`` fills in params). ``local_latex``
    holds the formula of each local derivative, ``<0>`` and ``<1>`` standing for the inputs'
    symbols, ``<y>`` for the node's, ``<p>`` for an exponent. ``rules`` says how each local
    derivative meets the upstream gradient (see the module docstring); ``None`` means entry
    by entry.
    """

    compute: Callable[..., tuple]
    label: str
    local_latex: tuple[str, ...]
    rules: tuple[str, ...] | None = None


_RELU_LOCAL = r"\begin{cases} 1 & <0> > 0 \\ 0 & <0> \le 0 \end{cases}"
_SOFTMAX_LOCAL = r"\operatorname{diag}(<y>) - {<y>}^{\mathsf{T}} <y>"

#: Every operation a node can apply, by name.
OPS = {
    "add": Op(_add, "+", ("1", "1")),
    "sub": Op(_sub, "−", ("1", "-1")),
    "mul": Op(_mul, "×", ("<1>", "<0>")),
    "div": Op(_div, "÷", (r"\frac{1}{<1>}", r"-\frac{<0>}{{<1>}^{2}}")),
    "neg": Op(_neg, "×(−1)", ("-1",)),
    "pow": Op(_pow, "^{p:g}", (r"<p>\,{<0>}^{<p-1>}",)),
    "exp": Op(_exp, "exp", (r"e^{<0>} = <y>",)),
    "log": Op(_log, "log", (r"\frac{1}{<0>}",)),
    "sigmoid": Op(_sigmoid, "sigmoid", (r"<y>\,(1 - <y>)",)),
    "tanh": Op(_tanh, "tanh", (r"1 - {<y>}^{2}",)),
    "relu": Op(_relu, "ReLU", (_RELU_LOCAL,)),
    "sqrt": Op(_sqrt, "√", (r"\frac{1}{2\sqrt{<0>}}",)),
    "reciprocal": Op(_reciprocal, "/", (r"-\frac{1}{{<0>}^{2}} = -{<y>}^{2}",)),
    "dot": Op(_dot, "dot", (r"{<1>}^{\mathsf{T}}", r"{<0>}^{\mathsf{T}}"), ("dot_dx", "dot_dw")),
    "softmax": Op(_softmax, "softmax", (_SOFTMAX_LOCAL,), ("jacobian",)),
    "cross_entropy": Op(_cross_entropy, "cross-entropy", (r"-\frac{<1>}{<0>}", r"-\log <0>")),
}

#: The ops of nodes without inputs.
LEAVES = ("input", "const")


def _compute(op: str, values: list[np.ndarray], params: dict) -> tuple[np.ndarray, tuple]:
    """Run ``op``, every way it can fail turned into a GraphError."""
    try:
        with np.errstate(all="ignore"):  # inf and nan are checked for just below
            value, local = OPS[op].compute(*values, **params)
    except GraphError:
        raise
    except ValueError:  # numpy cannot broadcast or multiply these shapes
        shapes = [list(v.shape) for v in values]
        raise GraphError("shape_mismatch", op=op, shapes=shapes) from None
    value = np.asarray(value, dtype=np.float64)
    local = tuple(np.asarray(d, dtype=np.float64) for d in local)
    if not np.all(np.isfinite(value)):
        raise GraphError("overflow", op=op)
    if not all(np.all(np.isfinite(d)) for d in local):
        raise GraphError("not_differentiable", op=op)
    return value, local


def _as_values(name: str, value) -> np.ndarray:
    """A leaf's value as a float64 array, refused unless small and finite."""
    try:
        values = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise GraphError("bad_value", name=name, value=str(value)[:40]) from None
    if values.size > MAX_ENTRIES:
        raise GraphError("too_large", name=name, limit=MAX_ENTRIES, size=int(values.size))
    if values.ndim > 2 or not np.all(np.isfinite(values)):
        raise GraphError("bad_value", name=name, value=str(value)[:40])
    return values


def _sum_to_shape(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a gradient over the axes broadcasting added, back to the input's shape: a bias
    added to every row of X·W receives the sum of the rows' gradients."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


# -- how values and names read in LaTeX and in DOT ---------------------------------------------
def latex_symbol(name: str) -> str:
    """How a name reads in a formula: ``x``, ``x_{1}`` for x1, ``\\mathrm{apple\\_num}``."""
    if len(name) == 1:
        return name
    letter_digits = re.fullmatch(r"([A-Za-z])_?(\d+)", name)
    if letter_digits:
        return f"{letter_digits[1]}_{{{letter_digits[2]}}}"
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _number(v: float) -> str:
    """A number for a formula, to 6 significant digits, with × 10ⁿ instead of e-notation."""
    text = f"{v:.6g}"
    if text == "-0":
        return "0"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def _rows(values: np.ndarray) -> np.ndarray:
    """A vector or matrix as rows: a vector is written as one row."""
    return values.reshape(1, -1) if values.ndim == 1 else values


def latex_values(values: np.ndarray, factor: bool = False) -> str:
    """A number, vector or matrix in LaTeX; as a ``factor`` a negative number gets brackets."""
    values = np.asarray(values)
    if values.ndim == 0:
        text = _number(float(values))
        return f"({text})" if factor and text.startswith("-") else text
    body = r" \\ ".join(" & ".join(_number(float(v)) for v in row) for row in _rows(values))
    return r"\begin{pmatrix} " + body + r" \end{pmatrix}"


def _plain_values(values: np.ndarray) -> str:
    """A number, vector or matrix as short plain text, a row per line (an edge's label)."""
    values = np.asarray(values) + 0.0  # + 0.0: no "-0" where a product was −0.0
    if values.ndim == 0:
        return f"{float(values):.6g}"
    rows = _rows(values)
    return "\n".join("[" + ", ".join(f"{float(v):.4g}" for v in row) + "]" for row in rows)


def _dot_string(text: str) -> str:
    """``text`` as a quoted DOT string; a newline becomes DOT's own line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _partial(top: str, bottom: str) -> str:
    return r"\frac{\partial " + top + r"}{\partial " + bottom + "}"


# -- the graph ---------------------------------------------------------------------------------
@dataclass
class Node:
    """A variable (``op="input"``), a constant, or an operation on other nodes.

    ``local`` holds ∂value/∂input for each input, computed with the value in the forward
    pass, the way a layer's ``forward`` keeps what its ``backward`` needs.
    """

    id: str
    op: str
    inputs: tuple[str, ...]
    value: np.ndarray
    local: tuple[np.ndarray, ...]
    name: str
    symbol: str
    params: dict

    @property
    def label(self) -> str:
        """What the node shows: its operator, or a leaf's name."""
        return OPS[self.op].label.format(**self.params) if self.op in OPS else self.name

    @property
    def testid(self) -> str:
        """The page's ``data-testid``: ``graph-input-<name>`` for a variable, else
        ``graph-node-<id>``."""
        return f"graph-input-{self.name}" if self.op == "input" else f"graph-node-{self.id}"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "op": self.op,
            "label": self.label,
            "name": self.name,
            "symbol": self.symbol,
            "inputs": list(self.inputs),
            "value": matrix_json(self.value),
            "testid": self.testid,
        }


@dataclass
class Contribution:
    """One edge of a backward step: what ``node`` sends back to its input ``source``.

    ``formula`` is ∂node/∂source in symbols; ``previous`` the gradient ``source`` had
    received before (None if this is the first); ``accumulated`` says ``source`` feeds
    several nodes.
    """

    node: Node
    source: Node
    position: int
    rule: str
    formula: str
    upstream: np.ndarray
    local: np.ndarray
    product: np.ndarray
    previous: np.ndarray | None
    accumulated: bool

    @property
    def grad(self) -> np.ndarray:
        """The source's gradient so far, this product included."""
        return self.product if self.previous is None else self.previous + self.product

    def local_latex(self) -> str:
        """∂node/∂source: its formula, then its value."""
        value = latex_values(self.local)
        if self.rule in ("dot_dx", "dot_dw"):
            return f"{self.formula} = {value}"
        text = _partial(self.node.symbol, self.source.symbol) + " = " + self.formula
        return text if self.formula == value else f"{text} = {value}"

    def latex(self) -> str:
        """The chain rule for this edge, in symbols, then in numbers."""
        dL_dx = _partial("L", self.source.symbol)
        dL_dy = _partial("L", self.node.symbol)
        dy_dx = _partial(self.node.symbol, self.source.symbol)
        up = latex_values(self.upstream, factor=True)
        local = latex_values(self.local, factor=True)
        if self.rule == "dot_dx":
            symbols, numbers = rf"{dL_dy} \cdot {self.formula}", rf"{up}\,{local}"
        elif self.rule == "dot_dw":
            symbols, numbers = rf"{self.formula} \cdot {dL_dy}", rf"{local}\,{up}"
        elif self.rule == "jacobian":
            symbols, numbers = rf"{dL_dy}\,{dy_dx}", rf"{up}\,{local}"
        else:
            times = r"\times" if self.upstream.ndim == 0 or self.local.ndim == 0 else r"\odot"
            symbols, numbers = rf"{dL_dy} \cdot {dy_dx}", rf"{up} {times} {local}"
            if self.rule == "elementwise_sum":
                total = r"\sum_{\text{rows}}" if self.source.value.ndim else r"\sum"
                symbols = rf"{total} \left({symbols}\right)"
                numbers = rf"{total} \left({numbers}\right)"
        becomes = r"\mathrel{+}=" if self.accumulated else "="
        text = f"{dL_dx} {becomes} {symbols} = {numbers} = {latex_values(self.product)}"
        if self.previous is not None:
            text += (
                rf",\quad {dL_dx} = {latex_values(self.previous)} + "
                rf"{latex_values(self.product)} = {latex_values(self.grad)}"
            )
        return text

    @property
    def edge(self) -> str:
        """The id of the edge this product goes back along (``Graph.to_dot``)."""
        return f"graph-edge-{self.source.id}-{self.node.id}-{self.position}"

    def to_json(self) -> dict:
        return {
            "input": self.source.id,
            "edge": self.edge,
            "rule": self.rule,
            "local": matrix_json(self.local),
            "local_latex": self.local_latex(),
            "product": matrix_json(self.product),
            "grad": matrix_json(self.grad),
            "accumulated": self.accumulated,
            "latex": self.latex(),
        }


class Graph:
    """A computational graph, built forward node by node and walked backward step by step.

    ``input``, ``const`` and ``apply`` each add a node and compute its value at once; the
    last node added is the output. ``seed`` is ∂L/∂output, where the backward pass starts:
    ``None`` means ones (L is the output). ``walkthrough()`` tells the whole story as JSON
    (see the module docstring).
    """

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.by_id: dict[str, Node] = {}
        self.seed: np.ndarray | None = None

    # -- building ----------------------------------------------------------------------------
    def _append(
        self, op: str, inputs: tuple, value, local, name: str, symbol, params: dict
    ) -> Node:
        node_id = f"n{len(self.nodes)}"
        ids = tuple(node.id for node in inputs)
        node = Node(node_id, op, ids, value, local, name, symbol or latex_symbol(name), params)
        self.nodes.append(node)
        self.by_id[node_id] = node
        return node

    def input(self, name: str, value, symbol: str | None = None) -> Node:
        """A variable: a leaf whose gradient the walk computes and checks."""
        return self._append("input", (), _as_values(name, value), (), name, symbol, {})

    def const(self, value, name: str | None = None, symbol: str | None = None) -> Node:
        """A constant: a leaf that takes no gradient (the −1 and 1 of the sigmoid graph)."""
        values = _as_values(name or "constant", value)
        if name is None:
            name, symbol = _plain_values(values), symbol or latex_values(values)
        return self._append("const", (), values, (), name, symbol, {})

    def apply(
        self, op: str, *inputs: Node, name: str | None = None, symbol: str | None = None, **params
    ) -> Node:
        """A node applying ``op`` (a key of ``OPS``) to ``inputs``; ``params`` are the op's
        (the exponent ``p`` of ``pow``). Unnamed nodes are called u1, u2, ... in order."""
        value, local = _compute(op, [node.value for node in inputs], params)
        name = name or f"u{1 + sum(node.op in OPS for node in self.nodes)}"
        return self._append(op, inputs, value, local, name, symbol, params)

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    def _seed(self) -> np.ndarray:
        shape = self.output.value.shape
        if self.seed is None:
            return np.ones(shape)
        seed = np.asarray(self.seed, dtype=np.float64)
        if seed.shape != shape:
            raise GraphError("bad_seed", shape=list(shape), got=list(seed.shape))
        return seed

    # -- backward, one node at a time --------------------------------------------------------
    def backward_steps(self) -> tuple[list[dict], dict[str, np.ndarray]]:
        """The backward walk as JSON steps (one per operation node, in reverse topological
        order) and, at the end, ∂L/∂node for every node that depends on a variable."""
        needs_grad = {}
        for node in self.nodes:
            needs_grad[node.id] = node.op == "input" or any(needs_grad[i] for i in node.inputs)
        uses = Counter(i for node in self.nodes for i in node.inputs if needs_grad[i])
        grads = {self.output.id: self._seed()}
        steps = []
        # The nodes were made in a forward order, so in reverse every node comes after all
        # the nodes it feeds: its gradient is complete by the time its own step comes.
        for node in reversed(self.nodes):
            if node.op in LEAVES or node.id not in grads:
                continue
            upstream = grads[node.id]
            contributions = []
            for position, input_id in enumerate(node.inputs):
                if not needs_grad[input_id]:
                    continue
                contribution = self._contribution(
                    node, position, upstream, grads.get(input_id), uses[input_id] > 1
                )
                grads[input_id] = contribution.grad
                contributions.append(contribution.to_json())
            steps.append(
                {
                    "node": node.id,
                    "op": node.op,
                    "label": node.label,
                    "upstream": matrix_json(upstream),
                    "upstream_latex": f"{_partial('L', node.symbol)} = {latex_values(upstream)}",
                    "inputs": contributions,
                }
            )
        return steps, grads

    def _contribution(
        self,
        node: Node,
        position: int,
        upstream: np.ndarray,
        previous: np.ndarray | None,
        accumulated: bool,
    ) -> Contribution:
        """The chain rule along the edge into ``node``'s input at ``position``: the upstream
        gradient and the local derivative make the product sent back."""
        source, local = self.by_id[node.inputs[position]], node.local[position]
        rules = OPS[node.op].rules
        if rules is not None:
            rule = rules[position]
        elif np.shape(upstream * local) != source.value.shape:
            rule = "elementwise_sum"
        else:
            rule = "elementwise"
        if rule == "dot_dw":
            product = local @ upstream  # dW = Xᵀ · dY
        elif rule in ("dot_dx", "jacobian"):
            product = upstream @ local  # dX = dY · Wᵀ; da = dy · J
        else:
            product = _sum_to_shape(upstream * local, source.value.shape)
        formula = self._local_formula(node, position)
        return Contribution(
            node, source, position, rule, formula, upstream, local, product, previous, accumulated
        )

    def _local_formula(self, node: Node, position: int) -> str:
        """The op's formula for ∂node/∂(its input at ``position``), in this graph's symbols."""
        text = OPS[node.op].local_latex[position].replace("<y>", node.symbol)
        for k, input_id in enumerate(node.inputs):
            text = text.replace(f"<{k}>", self.by_id[input_id].symbol)
        if "p" in node.params:
            p = node.params["p"]
            text = text.replace("<p-1>", _number(p - 1)).replace("<p>", _number(p))
        return text

    # -- the numerical check -----------------------------------------------------------------
    def _loss_with(self, overrides: dict[str, np.ndarray]) -> float:
        """L = Σ seed ⊙ output, the whole graph computed again with some leaves replaced."""
        values = {}
        for node in self.nodes:
            if node.op in LEAVES:
                values[node.id] = overrides.get(node.id, node.value)
            else:
                inputs = [values[i] for i in node.inputs]
                values[node.id] = _compute(node.op, inputs, node.params)[0]
        return float(np.sum(self._seed() * values[self.output.id]))

    def check(self, grads: dict[str, np.ndarray]) -> dict[str, dict]:
        """Each variable's gradient from backprop next to central differences."""
        checks = {}
        for node in self.nodes:
            if node.op != "input":
                continue
            grad = grads.get(node.id, np.zeros_like(node.value))
            try:
                numeric = numerical_gradient(
                    lambda value, node=node: self._loss_with({node.id: value}), node.value.copy()
                )
            except GraphError:  # undefined a step away, as log(x) is at x = 1e-6
                numeric = None
            checks[node.name] = {
                "node": node.id,
                "grad": matrix_json(grad),
                "numeric_grad": None if numeric is None else matrix_json(numeric),
                "error": None if numeric is None else relative_error(grad, numeric),
            }
        return checks

    # -- for the page ------------------------------------------------------------------------
    def to_dot(self, backward: dict[str, np.ndarray] | None = None) -> str:
        """The graph in Graphviz DOT, forward values on the edges (see the module docstring);
        ``backward`` maps an edge's id to the gradient sent back along it, written below."""
        shapes = {"input": "box", "const": "plaintext"}
        backward = backward or {}

        def label(edge_id: str, forward: np.ndarray) -> str:
            lines = [_plain_values(forward)]
            if edge_id in backward:
                lines.append(_plain_values(backward[edge_id]))
            return _dot_string("\n".join(lines))

        lines = ["digraph backprop {", "  rankdir=LR;"]
        for node in self.nodes:
            # An operator's sign fits a circle; a function's name (softmax) needs an ellipse.
            shape = shapes.get(node.op, "circle" if len(node.label) <= 3 else "ellipse")
            text = node.label
            if node.op in LEAVES and node.value.ndim:  # a matrix's name with its shape: W (2, 3)
                text += f" {tuple(node.value.shape)}"
            lines.append(
                f"  {node.id} [id={_dot_string(node.testid)}, label={_dot_string(text)}, "
                f"tooltip={_dot_string(node.name)}, shape={shape}];"
            )
        for node in self.nodes:
            for k, source in enumerate(node.inputs):
                edge_id = f"graph-edge-{source}-{node.id}-{k}"
                text = label(edge_id, self.by_id[source].value)
                lines.append(f"  {source} -> {node.id} [id={_dot_string(edge_id)}, label={text}];")
        lines.append('  output [id="graph-output", label="", shape=point];')
        text = label("graph-edge-output", self.output.value)
        lines.append(f'  {self.output.id} -> output [id="graph-edge-output", label={text}];')
        lines.append("}")
        return "\n".join(lines)

    def walkthrough(self) -> dict:
        """Forward values, the backward steps, the check and the DOT text, as plain JSON."""
        steps, grads = self.backward_steps()
        backward = {"graph-edge-output": self._seed()}
        for step in steps:
            for contribution in step["inputs"]:
                backward[contribution["edge"]] = np.asarray(contribution["product"]["values"])
        return {
            "nodes": [node.to_json() for node in self.nodes],
            "output": self.output.id,
            "seed": matrix_json(self._seed()),
            "steps": steps,
            "grads": {node_id: matrix_json(grad) for node_id, grad in grads.items()},
            "inputs": self.check(grads),
            "dot": self.to_dot(backward),
        }


# -- the book's graphs -------------------------------------------------------------------------
def apple_graph(apple: float = 100, apple_num: float = 2, tax: float = 1.1) -> Graph:
    """Figure 5-16: price = apple × apple_num × tax."""
    g = Graph()
    apple_price = g.apply(
        "mul", g.input("apple", apple), g.input("apple_num", apple_num), name="apple_price"
    )
    g.apply("mul", apple_price, g.input("tax", tax), name="price")
    return g


def apple_orange_graph(
    apple: float = 100,
    apple_num: float = 2,
    orange: float = 150,
    orange_num: float = 3,
    tax: float = 1.1,
) -> Graph:
    """Figure 5-17: apples and oranges, summed, then taxed (715; ∂/∂apple = 2.2, ...)."""
    g = Graph()
    apple_price = g.apply(
        "mul", g.input("apple", apple), g.input("apple_num", apple_num), name="apple_price"
    )
    orange_price = g.apply(
        "mul", g.input("orange", orange), g.input("orange_num", orange_num), name="orange_price"
    )
    all_price = g.apply("add", apple_price, orange_price, name="all_price")
    g.apply("mul", all_price, g.input("tax", tax), name="price")
    return g


def sigmoid_graph(x: float = 1.0) -> Graph:
    """Figure 5-19: y = 1 / (1 + exp(−x)) as the book's four nodes ×(−1), exp, +1 and /.

    Walked backward, the steps multiply to dy/dx = y(1 − y): 0.19661193 at x = 1.
    """
    g = Graph()
    minus_x = g.apply("mul", g.input("x", x), g.const(-1), name="-x", symbol="(-x)")
    exp = g.apply("exp", minus_x, name="exp(-x)", symbol="e^{-x}")
    denominator = g.apply("add", exp, g.const(1), name="1+exp(-x)", symbol="(1 + e^{-x})")
    g.apply("reciprocal", denominator, name="y")
    return g


def affine_graph(
    X: tuple = ((1.0, 2.0), (3.0, 4.0)),
    W: tuple = ((0.1, 0.2, 0.3), (0.4, 0.5, 0.6)),
    b: tuple = (1.0, 2.0, 3.0),
    dY: tuple | None = None,
) -> Graph:
    """Section 5.6: Y = X·W + b for a batch of two, X (2, 2), W (2, 3), b (3,).

    ``dY`` (∂L/∂Y) stands for the layers above; by default it is 5.6.2's
    [[1, 2, 3], [4, 5, 6]] (1, 2, ... in the shape of Y). The dot node's local derivatives
    are the matrices Wᵀ and Xᵀ, so its steps read dX = dY·Wᵀ and dW = Xᵀ·dY; the bias
    receives dY summed over the batch, db = [5, 7, 9].
    """
    g = Graph()
    XW = g.apply("dot", g.input("X", X), g.input("W", W), name="X·W", symbol=r"(X \cdot W)")
    Y = g.apply("add", XW, g.input("b", b), name="Y")
    if dY is None:
        g.seed = np.arange(1.0, Y.value.size + 1).reshape(Y.value.shape)
    else:
        g.seed = _as_values("dY", dY)
    return g


def softmax_with_loss_graph(a: tuple = (0.3, 2.9, 4.0), t: tuple = (0, 0, 1)) -> Graph:
    """Appendix A: scores a → softmax → y → cross-entropy with the one-hot label t → L.

    Softmax and cross-entropy are two composed nodes, not one fused layer, so the walk
    shows the famous result being made: cross-entropy sends back −t/y, and softmax's
    Jacobian turns that into y − t. The scores are those of 3.5.1.
    """
    g = Graph()
    y = g.apply("softmax", g.input("a", a), name="y")
    g.apply("cross_entropy", y, g.const(t, name="t"), name="L")
    return g


#: The book's graphs by the name the page uses.
PRESETS: dict[str, Callable[..., Graph]] = {
    "apple": apple_graph,
    "apple_orange": apple_orange_graph,
    "sigmoid": sigmoid_graph,
    "affine": affine_graph,
    "softmax_with_loss": softmax_with_loss_graph,
}


def preset(name: str, values: dict | None = None) -> Graph:
    """The book's graph ``name`` (a key of ``PRESETS``), with some of its inputs replaced by
    ``values`` (by input name: ``{"apple": 120}``, ``{"X": [[1, 0], [0, 1]]}``)."""
    build = PRESETS.get(name)
    if build is None:
        raise GraphError("unknown_preset", name=str(name), choices=list(PRESETS))
    values = values or {}
    allowed = list(inspect.signature(build).parameters)
    for key in values:
        if key not in allowed:
            raise GraphError("unknown_input", preset=name, name=str(key), choices=allowed)
    return build(**values)
