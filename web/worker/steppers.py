"""Chapter 5 stepped through, in the engine worker: a computational graph walked backward
node by node (``pynet.graph``, ``pynet.expression``), and the tiny network stepped forward,
backward and through one optimizer update (``pynet.netstep``).

The engine worker serves these functions beside ``engine.py``'s: each is quick (a few
milliseconds), and the engine is running from the page's first moment, so the graph is drawn
on load, and a call gets in between two training steps like a prediction does. Each takes
and returns JSON text: ``{"result": ...}`` or ``{"error": ...}``, the error being pynet's
``to_dict`` with its ``words`` (``pynet.errors.for_page``) and ``table``, the page's name
for the sentences of its code (``"graph"``, ``"netstep"``, or ``""`` for pynet's shared
codes): the page says it in the student's language.

The page's one ``NetStepper`` lives here, in ``_net``, between calls.
"""

import json

from pynet import expression, graph
from pynet.errors import PynetError, check_positive, for_page
from pynet.netstep import NetStepError, NetStepper

#: The page's name for the sentences of each error class that keeps codes of its own
#: (ExpressionError is a GraphError, and its table holds GraphError's).
TABLES = ((graph.GraphError, "graph"), (NetStepError, "netstep"))
#: The value of a typed formula's variable until the student gives it one.
DEFAULT_VALUE = 1.0
#: The sizes the page sends for a NetStepper, besides its seed.
SIZES = ("input_size", "hidden_size", "output_size", "batch_size")

_net = {"stepper": None, "key": None}


def _answer(result) -> str:
    return json.dumps({"result": result})


def _error(exc: PynetError) -> str:
    error = for_page(exc.to_dict(), type(exc).MESSAGES)
    error["table"] = next((name for cls, name in TABLES if isinstance(exc, cls)), "")
    return json.dumps({"error": error})


def _value(text):
    """A value field as typed: a bracketed list is read as JSON (``[[1, 2], [3, 4]]``);
    anything else goes to pynet as text, which reads a number or refuses it in words."""
    text = str(text).strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def _whole(text):
    """A size field as typed: a number if it reads as one (pynet checks it is whole and in
    range), else the text itself, which pynet refuses naming it."""
    try:
        number = float(text)
    except (TypeError, ValueError):
        return str(text)[:20]
    return int(number) if number.is_integer() else number


# -- the computational graph -----------------------------------------------------------------
def graph_walk(request) -> str:
    """The walkthrough of a graph: ``{"preset": name, "values": {input: text}}`` for one of
    the book's graphs, or ``{"expression": text, "values": {...}}`` for a typed formula
    (a variable without a value starts at ``DEFAULT_VALUE``)."""
    request = json.loads(str(request))
    values = {str(name): _value(text) for name, text in request.get("values", {}).items()}
    try:
        if request.get("preset"):
            walked = graph.preset(str(request["preset"]), values)
        else:
            text = str(request.get("expression", ""))
            names = expression.variables(text)
            walked = expression.build(text, {n: values.get(n, DEFAULT_VALUE) for n in names})
        return _answer(walked.walkthrough())
    except graph.GraphError as exc:
        return _error(exc)


# -- the tiny network ------------------------------------------------------------------------
def _stepper() -> NetStepper:
    if _net["stepper"] is None:
        raise NetStepError("forward_first")
    return _net["stepper"]


def netstep_forward(request) -> str:
    """Forward through the network of these sizes and seed: the same network as last time
    (its weights as the last update left them) unless they changed or ``new`` is true. The
    result says ``fresh`` when the network was made for it."""
    request = json.loads(str(request))
    sizes = {name: _whole(request.get(name)) for name in (*SIZES, "seed")}
    key = json.dumps(sizes, sort_keys=True)
    try:
        fresh = bool(request.get("new")) or key != _net["key"]
        if fresh:
            _net["stepper"], _net["key"] = NetStepper(**sizes), key
        return _answer({**_stepper().forward(), "fresh": fresh})
    except NetStepError as exc:
        return _error(exc)


def netstep_backward() -> str:
    """Backward through the last forward pass, checked against numerical gradients."""
    try:
        return _answer(_stepper().backward())
    except NetStepError as exc:
        return _error(exc)


def netstep_entry(name, row, col) -> str:
    """Which products made entry (row, col) of the backward pass's matrix ``name``."""
    try:
        return _answer(_stepper().entry(str(name), int(row), int(col)))
    except NetStepError as exc:
        return _error(exc)


def netstep_update(request) -> str:
    """One step of ``{"optimizer": name, "lr": text}`` with the last backward's gradients."""
    request = json.loads(str(request))
    try:
        text = str(request.get("lr", "")).strip()
        try:
            lr = float(text)
        except ValueError:
            raise PynetError("not_a_number", name="lr", value=text) from None
        lr = check_positive("lr", lr, PynetError)
        return _answer(_stepper().update(str(request.get("optimizer", "sgd")), lr=lr))
    except PynetError as exc:
        return _error(exc)


__all__ = ["graph_walk", "netstep_forward", "netstep_backward", "netstep_entry", "netstep_update"]
