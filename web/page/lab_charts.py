"""The labs' Chart.js charts (main thread): line charts of the labs' results, kept by key so a
new run draws on a fresh chart, and the small touches the book's figures need (compact
small multiples, labelled log axes, readable weight scales)."""

import js
from pyscript.ffi import to_js

SERIES_COLORS = ["#1971c2", "#2f9e44", "#e8590c", "#ae3ec9"]
#: A second line in a chart is dashed, so it is told apart without its colour.
DASHED = [6, 3]


def line_chart(canvas, datasets, x_title, y_title, y_max=None, x_type="linear"):
    options = {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "parsing": False,
        "scales": {
            "x": {"type": x_type, "title": {"display": True, "text": x_title}},
            "y": {"title": {"display": True, "text": y_title}},
        },
        "elements": {"point": {"radius": 0}, "line": {"borderWidth": 1.5}},
    }
    if y_max is not None:
        options["scales"]["y"].update(min=0, max=y_max)
    return js.Chart.new(
        canvas, to_js({"type": "line", "data": {"datasets": datasets}, "options": options})
    )


def series(label, color, xs, ys, **extra):
    line = {
        "label": label,
        "borderColor": color,
        "backgroundColor": color,
        "data": [{"x": x, "y": y} for x, y in zip(xs, ys)],  # noqa: B905 (MicroPython's zip has no strict)
    }
    line.update(extra)  # (MicroPython has no ** inside a dict literal)
    return line


class ChartSet:
    """The labs' charts by key; a chart drawn again under its key replaces the old one."""

    def __init__(self):
        self.charts = {}

    def put(self, key, chart):
        self.forget(key)
        self.charts[key] = chart
        return chart

    def forget(self, key):
        """Destroy the chart under ``key``, if any: Chart.js refuses a second chart on a
        canvas whose first one still lives."""
        chart = self.charts.pop(key, None)
        if chart is not None:
            chart.destroy()

    def line(self, key, canvas, datasets, x_title, y_title, y_max=None, x_type="linear"):
        self.forget(key)  # before drawing: the canvas may be the old chart's own
        return self.put(key, line_chart(canvas, datasets, x_title, y_title, y_max, x_type))

    def drop(self, prefix):
        """Destroy every chart whose key starts with ``prefix`` (its canvases are going)."""
        for key in [k for k in self.charts if k.startswith(prefix)]:
            self.forget(key)


def compact(chart, epochs):
    """A small multiple's axes: few ticks, small type, epochs 0 to the run's last, and no
    legend of its own (one legend stands above all the panels)."""
    scales = chart.options.scales
    scales.x.min, scales.x.max = 0, epochs
    for axis, count in ((scales.x, 6), (scales.y, 3)):
        axis.ticks.maxTicksLimit = count
        axis.ticks.font = to_js({"size": 11})
        axis.title.font = to_js({"size": 11})
    chart.options.plugins.legend.display = False
    chart.update("none")


def log_label(value, index, ticks):
    """Label a log axis at powers of ten; on an axis spanning less than two decades (after
    narrowing the ranges), at 2 and 5 times them too."""
    text = f"{value:.0e}"
    span = ticks[ticks.length - 1].value / ticks[0].value if ticks.length else 100
    if text.startswith("1e") or (span < 100 and text[0] in "25"):
        return text
    return ""


def scale_text(scale):
    """A weight scale as a short, readable number: 1, 0.54, 0.046, 0.0001."""
    text = f"{scale:.2g}"
    if "e" in text:  # 1e-04 -> 0.0001, 4.6e-03 -> 0.0046
        digits = -int(text.split("e")[1]) + 1
        text = f"{scale:.{digits}f}".rstrip("0")
    return text
