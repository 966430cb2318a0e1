"""The graph stepper's drawing (main thread): a walkthrough from ``pynet.graph`` laid out by
Graphviz, then shown one backward step at a time.

Graphviz runs as WebAssembly in the page (``window.graphvizSvg``, index.html's module): it
reads the walkthrough's DOT, where every edge's label already holds its forward value and,
below it, the gradient that comes back along it, so the layout keeps room for both and no
label ever lands on another. The gradients stay hidden until the walk reaches them. Each
node and edge of the SVG carries the id the DOT gave it; this view adds the page's names
(``data-testid``), the values (``data-value``, ``data-grad``, ``data-numeric-grad``, as
JSON) and the chain rule of the current step, written with KaTeX beside the graph.
"""

import json

import i18n
import js
from dom import find
from pyscript.ffi import to_js

#: In a window narrower than this (pixels) the graph is laid out top to bottom, for a phone.
NARROW = 640
#: The look of the graph, put at the top of the DOT (the layout measures text in it).
STYLE = (
    'graph [fontname="Helvetica", nodesep=0.25, ranksep=0.4, bgcolor="transparent"]; '
    'node [fontname="Helvetica", fontsize=13, margin="0.06,0.03"]; '
    'edge [fontname="Helvetica", fontsize=11, arrowsize=0.7];'
)
KATEX = {"throwOnError": False, "displayMode": True}


def _number(v):
    return "True" if v is True else "False" if v is False else f"{v + 0.0:.6g}"  # no "-0"


def plain(tensor):
    """A number, vector or matrix as short text: ``2.2``, ``[1, 2]``, ``[[1, 2], [3, 4]]``."""
    values = tensor["values"]
    if not tensor["shape"]:
        return _number(values)
    if len(tensor["shape"]) == 1:
        return "[" + ", ".join(_number(v) for v in values) + "]"
    return "[" + ", ".join(plain({"shape": [0], "values": row}) for row in values) + "]"


def escape(text):
    """``text`` for innerHTML: a node's name is the student's to choose."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tex(latex):
    return str(js.katex.renderToString(latex, to_js(KATEX)))


def _rows(tensor):
    """How many lines a value takes in an edge's label: a matrix one per row."""
    return tensor["shape"][0] if len(tensor["shape"]) == 2 else 1


class GraphView:
    """One walkthrough on screen, ``shown`` of its backward steps revealed."""

    def __init__(self):
        self.box = find("graph-svg")
        self.walk = None
        self.shown = 0

    def _find(self, element_id):
        return self.box.querySelector(f'[id="{element_id}"]')

    async def draw(self, walk):
        """Lay out ``walk``'s graph with its forward values, no backward step shown yet."""
        dot = walk["dot"].replace("{", "{\n  " + STYLE, 1)
        if js.window.innerWidth < NARROW:
            dot = dot.replace("rankdir=LR;", "rankdir=TB;", 1)
        svg = str(await js.window.graphvizSvg(dot))
        self.box.innerHTML = svg[svg.find("<svg") :]
        self.walk = walk
        self.nodes = {node["id"]: node for node in walk["nodes"]}
        self.last_step = {}  # for each node, the step after which its gradient is complete
        for k, step in enumerate(walk["steps"]):
            self.last_step[step["node"]] = k
            for contribution in step["inputs"]:
                self.last_step[contribution["input"]] = k
        self._name_parts()
        self.show(0)

    def _name_parts(self):
        """Give the SVG's nodes their test ids and values, its edges' lines their kind."""
        svg = self.box.querySelector("svg")
        svg.setAttribute("role", "img")
        svg.setAttribute("aria-label", i18n.text("graph_alt"))
        titles = svg.querySelectorAll("title")  # Graphviz's ids (n0, n0->n2) as tooltips
        for i in range(titles.length):
            titles[i].remove()
        for node in self.walk["nodes"]:
            group = self._find(node["testid"])
            group.setAttribute("data-testid", node["testid"])
            group.setAttribute("data-value", json.dumps(node["value"]["values"]))
            for k, source in enumerate(node["inputs"]):
                self._mark_lines(f"graph-edge-{source}-{node['id']}-{k}", self.nodes[source])
        self._mark_lines("graph-edge-output", self.nodes[self.walk["output"]])

    def _mark_lines(self, edge_id, source):
        """An edge's label lines: the forward value's first, then the gradient's."""
        lines = self._find(edge_id).querySelectorAll("text")
        forward = _rows(source["value"])
        for i in range(lines.length):
            lines[i].classList.add("fwd" if i < forward else "bwd")

    # -- the walk ----------------------------------------------------------------------------
    def show(self, shown):
        """Reveal the first ``shown`` backward steps; the last of them is the current one."""
        self.shown = shown
        steps = self.walk["steps"]
        current = steps[shown - 1] if shown else None
        reached = set()
        for step in steps[:shown]:
            reached |= {contribution["edge"] for contribution in step["inputs"]}
        if shown:
            reached.add("graph-edge-output")
        edges = self.box.querySelectorAll("g.edge")
        for i in range(edges.length):
            edge_id = str(edges[i].id)
            edges[i].classList.toggle("reached", edge_id in reached)
            now = current is not None and any(c["edge"] == edge_id for c in current["inputs"])
            edges[i].classList.toggle("current", now)
        for node in self.walk["nodes"]:
            self._show_node(node, shown, current)
        self._explain(current)

    def _show_node(self, node, shown, current):
        group = self._find(node["testid"])
        group.classList.toggle("current", current is not None and current["node"] == node["id"])
        last = self.last_step.get(node["id"])
        grads = self.walk["grads"]
        if node["id"] in grads and (last is None or last < shown):  # None: a lone leaf
            group.setAttribute("data-grad", json.dumps(grads[node["id"]]["values"]))
        else:
            group.removeAttribute("data-grad")
        check = self.walk["inputs"].get(node["name"]) if node["op"] == "input" else None
        numeric = check["numeric_grad"] if check and shown == len(self.walk["steps"]) else None
        if numeric is not None:
            group.setAttribute("data-numeric-grad", json.dumps(numeric["values"]))
        else:
            group.removeAttribute("data-numeric-grad")

    def _explain(self, step):
        """The current step in words and KaTeX; at the end, the numerical check."""
        status = find("graph-step-status")
        total = len(self.walk["steps"])
        output = self.nodes[self.walk["output"]]
        if step is None:
            status.textContent = i18n.text(
                "graph_step_ready", value=plain(output["value"]), n=total
            )
            find("graph-step").innerHTML = ""
        else:
            node = self.nodes[step["node"]]
            title = i18n.text(
                "graph_step_title", k=self.shown, n=total, label=node["label"], name=node["name"]
            )
            status.textContent = title
            parts = [f"<p>{i18n.text('graph_upstream')}</p>", _tex(step["upstream_latex"])]
            for contribution in step["inputs"]:
                source = escape(self.nodes[contribution["input"]]["name"])
                parts.append('<div class="contribution">')
                parts.append(f"<p>{i18n.text('graph_local')}</p>")
                parts.append(_tex(contribution["local_latex"]))
                parts.append(f"<p>{i18n.text('graph_product', name=source)}</p>")
                parts.append(_tex(contribution["latex"]) + "</div>")
            find("graph-step").innerHTML = "".join(parts)
        self._checks(self.shown == total)

    def _checks(self, done):
        """Each input's gradient by backprop beside central differences, once all are in."""
        checks = find("graph-checks")
        checks.hidden = not done
        if not done:
            return
        rows = []
        for node in self.walk["nodes"]:
            if node["op"] != "input":
                continue
            name = node["name"]
            check = self.walk["inputs"][name]
            numeric, error = check["numeric_grad"], check["error"]
            numeric = i18n.text("graph_check_undefined") if numeric is None else plain(numeric)
            error = "—" if error is None else f"{error:.1e}"
            rows.append(
                f'<tr data-testid="graph-check-{name}"><th scope="row">{name}</th>'
                f"<td>{plain(check['grad'])}</td>"
                f"<td>{numeric}</td>"
                f"<td>{error}</td></tr>"
            )
        checks.querySelector("tbody").innerHTML = "".join(rows)
