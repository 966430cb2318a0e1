"""The layer inspector: one card per layer with its forward output and backward gradient.

Each card holds two histograms (from the engine's ``pynet.inspection.summarize_trace``),
their statistics, the norms of the layer's parameter gradients, and the formula backward
computes, typeset with KaTeX, so the student sees the equation beside the live numbers. The
first layer's card shows its weights W and their gradient dW as 28×28 tiles; above the
cards, ``layer_compare`` sets the hidden layers side by side on shared axes.
"""

import charts
import i18n
import js
from dom import find, fmt, on, put_image
from layer_compare import LayerCompare
from pyscript import document
from pyscript.ffi import to_js
from train_panel import has

#: The formula each kind of layer computes backward (KaTeX).
FORMULAS = {
    "Affine": r"Y = XW + b \qquad \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} W^{\top},"
    r"\quad \frac{\partial L}{\partial W} = X^{\top} \frac{\partial L}{\partial Y},"
    r"\quad \frac{\partial L}{\partial b} = \sum_{n} \frac{\partial L}{\partial Y_{n}}",
    "Relu": r"y = \max(0, x) \qquad \frac{\partial L}{\partial x} = "
    r"\begin{cases} \frac{\partial L}{\partial y} & x > 0 \\ 0 & x \le 0 \end{cases}",
    "Sigmoid": r"y = \frac{1}{1 + e^{-x}} \qquad \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\, y (1 - y)",
    "Tanh": r"y = \tanh x \qquad \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\, (1 - y^{2})",
    "BatchNorm": r"\hat{x} = \frac{x - \mu}{\sigma},\ y = \gamma \hat{x} + \beta \qquad "
    r"\frac{\partial L}{\partial \gamma} = \sum \frac{\partial L}{\partial y} \hat{x},"
    r"\quad \frac{\partial L}{\partial \beta} = \sum \frac{\partial L}{\partial y}",
    "Dropout": r"y = x \cdot \frac{m}{1 - p} \qquad \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} \cdot \frac{m}{1 - p}",
    "SoftmaxWithLoss": r"y = \mathrm{softmax}(a),\ L = -\frac{1}{N} \sum t \log y \qquad "
    r"\frac{\partial L}{\partial a} = \frac{y - t}{N}",
}
#: How each parameter gradient is named in the page's data attributes.
PARAM_ATTRIBUTES = {
    "dW": "data-dw-norm",
    "db": "data-db-norm",
    "dgamma": "data-dgamma-norm",
    "dbeta": "data-dbeta-norm",
}

CARD = """
<header><h3></h3><p class="layer-about"></p></header>
<div class="formula"></div>
<div class="histograms">
  <figure><div class="chart-box small"><canvas class="h-output"></canvas></div><figcaption class="s-output"></figcaption></figure>
  <figure><div class="chart-box small"><canvas class="h-grad"></canvas></div><figcaption class="s-grad"></figcaption></figure>
</div>
<p class="param-norms"></p>
"""
TILES = """
<figure><canvas data-testid="w-tiles" class="tiles" role="img"></canvas><figcaption class="w-caption"></figcaption></figure>
<figure><canvas data-testid="weight-tiles" class="tiles" role="img"></canvas><figcaption class="dw-caption"></figcaption></figure>
"""


def _stats(described):
    return i18n.text(
        "stats",
        mean=fmt(described.mean),
        std=fmt(described.std),
        min=fmt(described.min),
        max=fmt(described.max),
        norm=fmt(described.norm),
    )


class Inspector:
    def __init__(self, root, summary_line, compare):
        self.root = root
        self.summary_line = summary_line
        self.compare = LayerCompare(compare)
        self.cards = {}
        self.last = None

    def _card(self, layer):
        card = document.createElement("article")
        card.className = "layer"
        card.setAttribute("data-testid", f"layer-{layer.name}")
        card.innerHTML = CARD
        card.querySelector("h3").textContent = layer.name
        about = card.querySelector(".layer-about")
        about.setAttribute("data-i18n", f"layer_{layer.kind}")
        js.katex.render(
            FORMULAS[layer.kind],
            card.querySelector(".formula"),
            to_js({"throwOnError": False, "displayMode": True}),
        )
        entry = {
            "card": card,
            "output": charts.histogram(
                card.querySelector(".h-output"), "", charts.COLORS["output"]
            ),
            "grad": charts.histogram(card.querySelector(".h-grad"), "", charts.COLORS["grad"]),
        }
        if layer.name == "Affine1":
            tiles = document.createElement("div")
            tiles.className = "tile-pair"
            tiles.innerHTML = TILES
            card.appendChild(tiles)
            entry["w_tiles"] = tiles.querySelector('[data-testid="w-tiles"]')
            entry["tiles"] = tiles.querySelector('[data-testid="weight-tiles"]')
        return entry

    def show(self, summary):
        """Show a summary from the engine (or a hint when there is nothing to show)."""
        self.last = summary
        if summary.empty:
            self.summary_line.textContent = i18n.text("inspector_empty")
            return
        self.summary_line.textContent = i18n.text(
            "inspector_loss", loss=fmt(summary.loss), samples=summary.samples
        )
        step = str(summary.step) if has(summary, "step") else ""  # during a run, its step
        if step:
            self.summary_line.textContent += " · " + i18n.text("inspector_step", step=step)
        self.root.setAttribute("data-step", step)
        self.root.setAttribute("data-source", str(summary.source))
        self.compare.show(summary.across)
        names = []
        for i in range(summary.layers.length):
            layer = summary.layers[i]
            names.append(layer.name)
            entry = self.cards.get(layer.name)
            if entry is None:
                entry = self.cards[layer.name] = self._card(layer)
            card = entry["card"]
            self.root.appendChild(card)  # (re)appends in order
            card.setAttribute("data-grad-norm", str(layer.grad.norm))
            norms = []
            keys = js.Object.keys(layer.params)
            for j in range(keys.length):
                key = keys[j]
                value = layer.params[key]
                card.setAttribute(PARAM_ATTRIBUTES[key], str(value))
                norms.append(f"‖{key}‖ = {fmt(value)}")
            card.querySelector(".param-norms").textContent = "   ".join(norms)
            charts.show_histogram(entry["output"], layer.output, i18n.text("forward_output"))
            charts.show_histogram(entry["grad"], layer.grad, i18n.text("backward_grad"))
            card.querySelector(".s-output").textContent = _stats(layer.output)
            card.querySelector(".s-grad").textContent = _stats(layer.grad)
            card.querySelector(".layer-about").textContent = i18n.text(f"layer_{layer.kind}")
            if "tiles" in entry:
                self._tiles(entry, summary)
        for name in list(self.cards):
            if name not in names:
                self.cards.pop(name)["card"].remove()

    @staticmethod
    def _tiles(entry, summary):
        """W and dW of the first layer as tiles. For one drawing, dW = xᵀ·dY makes every dW
        tile the drawing itself times one number (that unit's dL/dy): the caption says so,
        and W beside it shows what the units look for."""
        width, height = summary.tiles_width, summary.tiles_height
        put_image(entry["w_tiles"], summary.w_tiles, width, height)
        put_image(entry["tiles"], summary.tiles, width, height)
        w_text = i18n.text("w_tiles_title")
        dw_text = i18n.text("tiles_digit" if summary.source == "digit" else "tiles_title")
        entry["w_tiles"].nextSibling.textContent = w_text
        entry["w_tiles"].setAttribute("aria-label", w_text)
        entry["tiles"].nextSibling.textContent = dw_text
        entry["tiles"].setAttribute("aria-label", dw_text)

    def relabel(self):
        if self.last is not None:
            self.show(self.last)


class InspectorPanel:
    """The inspector's controls: what it shows (the test batch or the drawn digit), and when
    it asks the engine again (on Refresh, after a drawing, after a run)."""

    def __init__(self, app):
        self.app = app
        self.view = Inspector(
            find("layer-inspector"), find("inspector-summary"), find("layer-compare")
        )
        on("inspector-source", "change", lambda event: self.app.spawn(self.refresh()))
        on("inspector-refresh", "click", lambda event: self.app.spawn(self.refresh()))

    def source(self):
        return str(find("inspector-source").value)

    def follow_training(self):
        """Show the batch while a network trains: that is what the engine streams."""
        find("inspector-source").value = "batch"

    def on_inspection(self, summary):
        """Called by the engine every second of a run, with the network as it learns."""
        if self.source() == "batch":
            self.view.show(summary)

    async def drawing_changed(self):
        if self.source() == "digit":
            await self.refresh()

    async def refresh(self):
        train = self.app.train
        if self.app.ready and (not train.training or train.paused):
            self.view.show(await self.app.engine.call("inspect", self.source(), quiet=20))
