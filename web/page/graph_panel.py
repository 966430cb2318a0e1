"""The graph stepper (main thread): the book's graphs or a formula the student types, the
values of its inputs, and the buttons that walk its backward pass one node at a time.

The engine worker computes each graph (``graph_walk`` in web/worker/steppers.py: pynet.graph
and pynet.expression, forward, every backward step and the numerical check at once); this
panel only asks for it again when the graph or a value changes, and steps through the
answer (graph_view.py draws it). Typing waits for a pause (``DELAY``), and only the answer
to the latest request is drawn. ``graph-svg`` carries ``data-ready="true"`` once the page
shows the answer to what the fields hold.
"""

import asyncio
import json

import i18n
from dom import find, listen, on
from graph_view import GraphView, escape, plain

#: Seconds of quiet after a keystroke before the graph is computed again.
DELAY = 0.3


class GraphPanel:
    def __init__(self, app):
        self.app = app
        self.view = GraphView()
        self.requests = 0  # numbers the requests: only the latest one's answer is shown
        self.inputs = []  # the names the value fields are for, in the graph's order
        self.error = None
        on("graph-preset", "change", self.preset_chosen)
        on("graph-expression", "input", self.formula_typed)
        listen(find("graph-values"), "input", lambda event: self.schedule(DELAY))
        on("graph-step-back", "click", lambda event: self.step(1))
        on("graph-step-undo", "click", lambda event: self.step(-1))
        on("graph-step-all", "click", lambda event: self.step(None))

    def start(self):
        """The engine is ready: draw the chosen graph's forward pass."""
        self.schedule(0)

    # -- what the student chose ------------------------------------------------------------
    def preset_chosen(self, event=None):
        self.inputs = []  # a new graph starts from its own values
        self.schedule(0)

    def formula_typed(self, event=None):
        if str(find("graph-preset").value):
            find("graph-preset").value = ""
            self.inputs = []
        self.schedule(DELAY)

    def request(self):
        values = {name: str(find(f"graph-value-{name}").value) for name in self.inputs}
        preset = str(find("graph-preset").value)
        if preset:
            return {"preset": preset, "values": values}
        return {"expression": str(find("graph-expression").value), "values": values}

    # -- asking the engine -----------------------------------------------------------------
    def schedule(self, delay):
        self.requests += 1
        find("graph-svg").setAttribute("data-ready", "false")
        if self.app.ready:
            self.app.spawn(self.compute(self.requests, delay))

    async def compute(self, ticket, delay):
        if delay:
            await asyncio.sleep(delay)
        if ticket != self.requests:
            return  # the student typed again meanwhile
        text = await self.app.engine.call("graph_walk", json.dumps(self.request()))
        answer = json.loads(text)
        if ticket != self.requests:
            return
        if "error" in answer:
            self.show_error(answer["error"])
        else:
            self.show_error(None)
            self.fields(answer["result"])
            await self.view.draw(answer["result"])
            self.buttons()
        if ticket == self.requests:
            find("graph-svg").setAttribute("data-ready", "true")

    def show_error(self, error):
        """Say why the graph cannot be drawn (in the student's language); the last graph
        stays, dimmed, and cannot be stepped until the fields make sense again."""
        self.error = error
        find("graph-message").textContent = "" if error is None else i18n.error_text(error)
        find("graph-svg").classList.toggle("stale", error is not None)
        self.buttons()

    # -- the value fields --------------------------------------------------------------------
    def fields(self, walk):
        """One field per input of the graph, made anew only when the inputs change (so a
        field being typed in is left alone)."""
        inputs = [node for node in walk["nodes"] if node["op"] == "input"]
        names = [node["name"] for node in inputs]
        if names == self.inputs:
            return
        self.inputs = names
        preset = bool(str(find("graph-preset").value))
        html = []
        for node in inputs:
            name = escape(node["name"])
            about = self.about(node["name"]) if preset else ""
            value = plain(node["value"])
            kind = "matrix" if node["value"]["shape"] else "number"
            html.append(
                f'<label><span class="name">{name}</span> '
                f'<small data-about="{name}">{about}</small>'
                f'<input data-testid="graph-value-{name}" class="{kind}" value="{value}" '
                'spellcheck="false" autocomplete="off"></label>'
            )
        find("graph-values").innerHTML = "".join(html)

    @staticmethod
    def about(name):
        """What a preset's input stands for, where the page has words for it."""
        key = f"graph_{name}"
        about = i18n.text(key) if key in i18n.STRINGS["en"] else ""
        return "" if about == name else about

    # -- stepping ----------------------------------------------------------------------------
    def step(self, by):
        """Show one more backward step (``by`` 1), one fewer (−1), or all (None)."""
        if self.view.walk is None or self.error is not None:
            return
        total = len(self.view.walk["steps"])
        shown = total if by is None else max(0, min(total, self.view.shown + by))
        self.view.show(shown)
        self.buttons()

    def buttons(self):
        usable = self.view.walk is not None and self.error is None
        shown = self.view.shown
        total = len(self.view.walk["steps"]) if usable else 0
        find("graph-step-back").disabled = not usable or shown >= total
        find("graph-step-all").disabled = not usable or shown >= total
        find("graph-step-undo").disabled = not usable or shown == 0

    def relabel(self):
        """Say everything again in the page's (new) language."""
        if self.view.walk is not None:
            self.view.box.querySelector("svg").setAttribute("aria-label", i18n.text("graph_alt"))
            self.view.show(self.view.shown)
        if self.error is not None:
            find("graph-message").textContent = i18n.error_text(self.error)
        preset = bool(str(find("graph-preset").value))
        for name in self.inputs:
            about = find("graph-values").querySelector(f'[data-about="{name}"]')
            if about is not None:
                about.textContent = self.about(name) if preset else ""
