"""Text alternatives of the charts (main thread, MicroPython): what a screen reader says for
a Chart.js canvas, which is only pixels.

Each chart's canvas becomes an image (``role="img"``) named by its figure's caption (or by a
given name), described by a visually hidden paragraph beside it that says, for each series,
how many points it has, where it ends and its lowest and highest value. The numbers come
from the Python side, where the page has them anyway, so a summary costs no walk over the
chart's data; the paragraph is rewritten when the chart is drawn.
"""

import i18n
from pyscript import document

_count = [0]


def _id(node, prefix):
    """``node``'s id, giving it one when it has none."""
    if not node.id:
        _count[0] += 1
        node.id = f"{prefix}-{_count[0]}"
    return node.id


def number(value):
    """A chart value as the summary says it: four significant digits."""
    value = float(value)
    return f"{value:.4g}"


class Series:
    """Running numbers of one series: point count, last point, lowest and highest y."""

    def __init__(self, label):
        self.label = label
        self.count = 0
        self.last = None
        self.low = None
        self.high = None

    def add(self, x, y):
        y = float(y)
        self.count += 1
        self.last = (x, y)
        self.low = y if self.low is None else min(self.low, y)
        self.high = y if self.high is None else max(self.high, y)

    def text(self):
        return i18n.text(
            "chart_series",
            label=self.label,
            count=self.count,
            x=number(self.last[0]),
            y=number(self.last[1]),
            min=number(self.low),
            max=number(self.high),
        )


class TextAlternative:
    """The name and summary of the chart on ``canvas`` (kept when the chart is remade)."""

    def __init__(self, canvas, name=None, described_by=None):
        """``name``: the chart's name (else its figure's caption); ``described_by``: an
        element that already says in words what the chart shows (else a summary is made)."""
        self.canvas = canvas
        self.series = []
        self.note = ""
        canvas.setAttribute("role", "img")
        figure = canvas.closest("figure")
        caption = figure.querySelector("figcaption") if figure else None
        if name is None and caption and not (described_by and caption.isSameNode(described_by)):
            canvas.setAttribute("aria-labelledby", _id(caption, "chart-name"))
        else:
            canvas.setAttribute("aria-label", name or "chart")
        if described_by:
            self.node = None
            canvas.setAttribute("aria-describedby", _id(described_by, "chart-summary"))
            return
        summary_id = canvas.getAttribute("aria-describedby")
        self.node = document.getElementById(summary_id) if summary_id else None
        if self.node is None:
            self.node = document.createElement("p")
            self.node.className = "visually-hidden"
            self.node.setAttribute("data-chart-summary", "")
            canvas.after(self.node)
            canvas.setAttribute("aria-describedby", _id(self.node, "chart-summary"))

    def rename(self, name):
        self.canvas.setAttribute("aria-label", name)

    def clear(self):
        self.series = []
        self.note = ""

    def add_series(self, label, xs=(), ys=()):
        """A new series (its points, if any, given now); returns it, for ``add`` later."""
        series = Series(label)
        for x, y in zip(xs, ys):  # noqa: B905 (MicroPython's zip has no strict)
            series.add(x, y)
        self.series.append(series)
        return series

    def write(self, note=""):
        """Say the summary now (``note``: a sentence of the chart's own, said first)."""
        if self.node is None:
            return  # described by an element of the page, which its owner keeps
        self.note = note or self.note
        parts = [self.note] if self.note else []
        parts += [series.text() for series in self.series if series.count]
        self.node.textContent = " ".join(parts) or i18n.text("chart_empty")


def describe(canvas, datasets):
    """Name and summarise the chart on ``canvas`` drawn from ``datasets`` (Chart.js
    datasets as Python dicts, ``data`` a list of {x, y}); unnamed series are left out."""
    text = TextAlternative(canvas)
    for series in datasets:
        if series["label"]:
            points = series["data"]
            text.add_series(series["label"], [p["x"] for p in points], [p["y"] for p in points])
    text.write()
    return text
