"""The inspector's comparison across layers (figures 6-10 to 6-14 of the book): every hidden
layer's activations side by side on one shared x-range, and the gradients they send back
on another, each bar the share of the layer's values in that bin, on one shared y-axis.
Gradients that vanish or explode from layer to layer show as a narrowing or widening
spike at a glance; each panel's standard deviation is written under it."""

import charts
import i18n
from dom import fmt
from pyscript import document

#: The two rows: the part of ``summary.across`` and the colour it is drawn in.
ROWS = (("activations", "output"), ("gradients", "grad"))


def _highest_share(part):
    """The largest bin share (in %) of any layer in ``part``: the row's common y-axis."""
    highest = 0
    for i in range(part.layers.length):
        counts = part.layers[i].counts
        total = sum(counts[j] for j in range(counts.length)) or 1
        highest = max(highest, max(100 * counts[j] / total for j in range(counts.length)))
    return highest


class LayerCompare:
    def __init__(self, root):
        self.root = root  # holds one .compare-row per part, filled with a figure per layer
        self.charts = {}  # (part, layer name) -> (figure, chart)

    def show(self, across):
        for part_name, color in ROWS:
            part = across[part_name]
            row = self.root.querySelector(f'[data-part="{part_name}"]')
            row.setAttribute("data-layers", str(part.layers.length))
            if part.edges.length:
                row.setAttribute(
                    "data-range", f"{part.edges[0]} {part.edges[-1 + part.edges.length]}"
                )
            y_max = min(100, _highest_share(part) * 1.05)
            names = []
            for i in range(part.layers.length):
                layer = part.layers[i]
                names.append(layer.name)
                figure, chart = self._panel(row, part_name, layer.name, color)
                row.appendChild(figure)  # (re)appends in order
                figure.setAttribute("data-std", str(layer.std))
                title = i18n.text(f"compare_{part_name}_of", name=layer.name)
                charts.show_histogram(chart, layer, title, as_share=True, y_max=y_max)
                figure.querySelector("figcaption").textContent = i18n.text(
                    "compare_stats", mean=fmt(layer.mean, 3), std=fmt(layer.std, 3)
                )
            for key in list(self.charts):
                if key[0] == part_name and key[1] not in names:
                    self.charts.pop(key)[0].remove()

    def _panel(self, row, part_name, name, color):
        key = (part_name, name)
        if key not in self.charts:
            figure = document.createElement("figure")
            figure.setAttribute("data-testid", f"compare-{part_name}-{name}")
            figure.innerHTML = (
                '<div class="chart-box small"><canvas></canvas></div><figcaption></figcaption>'
            )
            row.appendChild(figure)
            chart = charts.histogram(figure.querySelector("canvas"), "", charts.COLORS[color])
            self.charts[key] = (figure, chart)
        return self.charts[key]
