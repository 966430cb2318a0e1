"""The network stepper's drawing (main thread): every matrix of ``pynet.netstep``'s JSON as
a small table, grouped by the layer that makes it under the layer's formula, and the
entries that made one picked entry of a product outlined.

Each table is ``netstep-matrix-<name>`` with its numbers as JSON in ``data-values``; the
numerical gradients are ``netstep-numeric-<name>``, and an update's matrices
``netstep-matrix-<W>-before``, ``-update`` and ``-after``.
"""

import json

import i18n
import js
from dom import find
from pyscript import document
from pyscript.ffi import to_js

#: The layers in the order they run, each with the matrices it shows (its inputs first).
FORWARD = (
    ("Affine1", ("X", "W1", "b1", "A1")),
    ("Relu1", ("mask", "Z1")),
    ("Affine2", ("W2", "b2", "A2")),
    ("SoftmaxWithLoss", ("t", "Y")),
)
BACKWARD = (
    ("SoftmaxWithLoss", ("dA2",)),
    ("Affine2", ("dW2", "db2", "dZ1")),
    ("Relu1", ("dA1",)),
    ("Affine1", ("dW1", "db1", "dX")),
)
#: The products whose entries can be picked to see what made them (``NetStepper.entry``).
PICKABLE = ("dW2", "dZ1", "dW1", "dX")
#: Each optimizer's update rule, as the book writes it (6.1); ``G`` stands for ∂L/∂W.
_RULES = {
    "sgd": r"W \leftarrow W - \eta G",
    "momentum": r"v \leftarrow \alpha v - \eta G,\quad W \leftarrow W + v",
    "nesterov": r"v \leftarrow \alpha v - \eta G,\quad W \leftarrow W + \alpha v - \eta G",
    "adagrad": r"h \leftarrow h + G \odot G,\quad W \leftarrow W - \eta \frac{1}{\sqrt{h}} G",
    "rmsprop": r"h \leftarrow \rho h + (1 - \rho) G \odot G,\quad "
    r"W \leftarrow W - \eta \frac{1}{\sqrt{h}} G",
    "adam": r"m \leftarrow \beta_1 m + (1 - \beta_1) G,\ "
    r"v \leftarrow \beta_2 v + (1 - \beta_2) G \odot G,\ "
    r"W \leftarrow W - \eta \frac{\hat{m}}{\sqrt{\hat{v}} + \varepsilon}",
}
# (MicroPython formats a whole concatenated literal if one part is an f-string: no f here.)
RULES = {name: rule.replace("G", r"\frac{\partial L}{\partial W}") for name, rule in _RULES.items()}


def number(v):
    """An entry as a table shows it: four significant digits (a mask's True/False)."""
    return "True" if v is True else "False" if v is False else f"{v + 0.0:.4g}"  # no "-0"


def _tex(latex):
    return str(js.katex.renderToString(latex, to_js({"throwOnError": False, "displayMode": True})))


def matrix(tensor, testid, caption, pick=None):
    """A matrix (a vector as one row) as a table; ``pick`` names a product whose entries
    can be picked (with the mouse, or Enter on the focused entry)."""
    shape = tensor["shape"]
    rows = tensor["values"] if len(shape) == 2 else [tensor["values"]]
    html = []
    for i, row in enumerate(rows):
        cells = []
        for j, v in enumerate(row):
            attrs = f'data-row="{i}" data-col="{j}"'
            if pick:
                label = f"{pick} ({i}, {j}) = {number(v)}"
                attrs += f' data-pick="{pick}" tabindex="0" role="button" aria-label="{label}"'
            cells.append(f"<td {attrs}>{number(v)}</td>")
        html.append("<tr>" + "".join(cells) + "</tr>")
    size = "×".join(str(n) for n in shape)
    return (
        f'<figure class="matrix"><figcaption>{caption} <small>{size}</small></figcaption>'
        f'<table data-testid="{testid}" data-values="{json.dumps(tensor["values"])}">'
        + "".join(html)
        + "</table></figure>"
    )


class NetStepView:
    """The three phases' views, kept to be said again in another language."""

    def __init__(self):
        self.shown = {}  # phase → the worker's result it shows
        self.labels = {}  # each optimizer's name as pynet spells it (SGD, AdaGrad)

    def clear(self, *phases):
        """Forget the views of ``phases`` (a forward pass makes the others stale)."""
        self.shown.pop("entry", None)
        for phase in phases:
            self.shown.pop(phase, None)
            find(f"netstep-{phase}-view").innerHTML = ""

    def redraw(self):
        for phase in ("forward", "backward", "update"):
            if phase in self.shown:
                getattr(self, phase)(self.shown[phase])
        if "entry" in self.shown:
            self.entry(self.shown["entry"])

    def _layers(self, result, layers, extra):
        latex = {step["layer"]: step["latex"] for step in result["steps"]}
        html = []
        for layer, names in layers:
            tables = "".join(extra(name) for name in names)
            html.append(
                f'<div class="layer"><h4>{layer}</h4>{_tex(latex[layer])}'
                f'<div class="matrices">{tables}</div></div>'
            )
        return "".join(html)

    def forward(self, result):
        self.shown["forward"] = result
        matrices = result["matrices"]

        def table(name):
            return matrix(matrices[name], f"netstep-matrix-{name}", name)

        find("netstep-forward-view").innerHTML = (
            f"<h3>{i18n.text('netstep_phase_forward')}</h3>"
            + self._layers(result, FORWARD, table)
            + f'<p class="note">{i18n.text("netstep_mask")}</p>'
        )

    def backward(self, result):
        self.shown["backward"] = result
        matrices, numeric = result["matrices"], result["numeric"]

        def tables(name):
            pick = name if name in PICKABLE else None
            html = matrix(matrices[name], f"netstep-matrix-{name}", name, pick)
            if name in numeric:
                error = i18n.text("netstep_rel_error", error=f"{result['errors'][name]:.1e}")
                caption = f"{name} <small>({i18n.text('netstep_numeric')}, {error})</small>"
                html += matrix(numeric[name], f"netstep-numeric-{name}", caption)
            return html

        find("netstep-backward-view").innerHTML = (
            f"<h3>{i18n.text('netstep_phase_backward')}</h3>"
            + f'<p class="note">{i18n.text("netstep_pick")}</p>'
            + '<p class="entry" data-testid="netstep-entry" aria-live="polite"></p>'
            + self._layers(result, BACKWARD, tables)
        )

    def update(self, result):
        self.shown["update"] = result
        settings = ", ".join(f"{k} = {v:g}" for k, v in sorted(result["settings"].items()))
        name = self.labels.get(result["optimizer"], result["optimizer"])
        title = i18n.text("netstep_phase_update", optimizer=name, settings=settings)
        html = [f"<h3>{title}</h3>", _tex(RULES.get(result["optimizer"], ""))]
        for name in ("W1", "b1", "W2", "b2"):
            parts = result["params"][name]
            tables = "".join(
                matrix(parts[part], f"netstep-matrix-{name}-{part}", f"{name} ({i18n.text(key)})")
                for part, key in (
                    ("before", "netstep_before"),
                    ("update", "netstep_change"),
                    ("after", "netstep_after"),
                )
            )
            html.append(f'<div class="layer"><div class="matrices">{tables}</div></div>')
        find("netstep-update-view").innerHTML = "".join(html)

    # -- one entry of a product, and the entries that made it --------------------------------
    def _cell(self, name, row, col):
        table = find(f"netstep-matrix-{name}")
        if table is None:
            return None
        return table.querySelector(f'td[data-row="{row}"][data-col="{col}"]')

    def entry(self, result):
        """Outline the picked entry and the entries whose products add up to it."""
        self.shown["entry"] = result
        marked = document.querySelectorAll("[data-testid=netstep] :is(td.term, td.picked)")
        for i in range(marked.length):
            marked[i].classList.remove("term", "picked")
        picked = self._cell(result["matrix"], result["row"], result["col"])
        if picked is not None:
            picked.classList.add("picked")
        products = []
        for term in result["terms"]:
            for name, at in ((result["left"], term["left"]), (result["right"], term["right"])):
                cell = self._cell(name, at[0], at[1])
                if cell is not None:
                    cell.classList.add("term")
            products.append(f"({number(term['left_value'])})·({number(term['right_value'])})")
        words = i18n.text(
            "netstep_entry",
            formula=result["formula"],
            row=result["row"],
            col=result["col"],
            left=result["left"],
            right=result["right"],
        )
        line = " + ".join(products) + f" = {number(result['sum'])}"
        node = find("netstep-entry")
        if node is not None:
            node.textContent = f"{words} {line}"
