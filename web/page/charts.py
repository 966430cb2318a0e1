"""Live charts with Chart.js: training curves and the inspector's histograms, and the
page's colours for data.

Points arrive in bursts from the worker; a chart is redrawn through ``frames`` (at most a few
times a second, never while out of sight, never all at once) with the least work Chart.js
offers (``update("none")``), and its text alternative (``chart_text``) is rewritten then.
"""

import js
from chart_text import TextAlternative
from frames import frames
from pyscript.ffi import to_js

#: Okabe and Ito's palette, told apart by every kind of colour vision; every series also has
#: its own point shape and a legend, so colour never carries the meaning alone.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "black": "#000000",
}
#: Chance level for ten classes: the loss of a network that gives each class 1/10 (ln 10).
CHANCE_LOSS = 2.302585092994046
#: Point shapes (Chart.js ``pointStyle``) and line dashes, in the order series take them.
SHAPES = ["circle", "triangle", "rect", "rectRot", "star", "crossRot", "rectRounded"]
DASHES = [[], [6, 3], [2, 3], [8, 3, 2, 3], [1, 2], [12, 3], [4, 4]]
#: Series colours, in the order series take them.
SERIES = ["blue", "vermillion", "green", "purple", "orange", "sky", "black"]
COLORS = {
    "chance": "#868e96",  # gray, dashed: a reference line, not a series of the run
    "loss": PALETTE["vermillion"],
    "train": PALETTE["blue"],
    "test": PALETTE["green"],
    "output": PALETTE["blue"],
    "grad": PALETTE["vermillion"],
}
#: Seconds between two redraws of one chart while data streams in.
REDRAW_EVERY = 0.3


#: Each optimizer keeps its own colour and shape on every chart (the labs draw all six).
OPTIMIZER_ORDER = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


def style(i, name=None):
    """Colour, point shape and line dash of the ``i``-th series of a chart (or of optimizer
    ``name``)."""
    if name in OPTIMIZER_ORDER:
        i = OPTIMIZER_ORDER.index(name)
    return PALETTE[SERIES[i % len(SERIES)]], SHAPES[i % len(SHAPES)], DASHES[i % len(DASHES)]


def swatch(i, name=None):
    """HTML for a small sample of series ``i``'s colour and shape, set before its name."""
    color, shape, _dash = style(i, name)
    return f'<span class="swatch {shape}" style="background:{color}" aria-hidden="true"></span>'


def marks(n, every=10):
    """Point sizes that mark every ``every``-th point of a long curve with its shape."""
    return [3 if i % every == 0 else 0 for i in range(n)]


def _options(x_title, y_title, y_max=None):
    y = {"title": {"display": True, "text": y_title}}
    if y_max is not None:
        y.update(min=0, max=y_max)
    x = {"type": "linear", "min": 0, "title": {"display": True, "text": x_title}}
    return {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "parsing": False,
        "normalized": True,
        "scales": {"x": x, "y": y},
        "plugins": {"legend": {"display": True, "labels": {"usePointStyle": True}}},
        "elements": {"point": {"radius": 0}, "line": {"borderWidth": 1.5}},
    }


def _line(label, color, shape, point_radius=0, **style):
    line = {
        "label": label,
        "data": [],
        "borderColor": color,
        "backgroundColor": color,
        "pointRadius": point_radius,
        "pointStyle": shape,
    }
    line.update(style)  # (MicroPython has no ** inside a dict literal)
    return line


def _chart_key(chart):
    canvas = chart.canvas
    key = canvas.getAttribute("data-chart")
    if not key:
        _charts[0] += 1
        key = f"chart-{_charts[0]}"
        canvas.setAttribute("data-chart", key)
    return key


_charts = [0]


def redraw(chart, text=None, every=REDRAW_EVERY):
    """Redraw ``chart`` in a coming frame while it is in sight (and then say ``text``, its
    ``TextAlternative``, anew)."""

    def draw():
        chart.update("none")
        if text is not None:
            text.write()

    frames.later(_chart_key(chart), draw, node=chart.canvas, every=every)


class TrainingCharts:
    """Loss per step, with chance level marked, and train/test accuracy per epoch from
    epoch 0 (the untrained network). The two accuracy lines differ in dash and marker, not
    only in colour, so both stay visible where they overlap."""

    def __init__(self, loss_canvas, acc_canvas, labels):
        chance = _line(labels["chance"], COLORS["chance"], "line", borderDash=[6, 4], borderWidth=1)
        self.loss = js.Chart.new(
            loss_canvas,
            to_js(
                {
                    "type": "line",
                    "data": {"datasets": [_line(labels["loss"], COLORS["loss"], "line"), chance]},
                    "options": _options(labels["step"], labels["loss"]),
                }
            ),
        )
        self.acc = js.Chart.new(
            acc_canvas,
            to_js(
                {
                    "type": "line",
                    "data": {
                        "datasets": [
                            # train wide and below, test dashed and on top (lower order)
                            _line(
                                labels["train"],
                                COLORS["train"],
                                "circle",
                                3,
                                borderWidth=3,
                                order=1,
                            ),
                            _line(
                                labels["test"],
                                COLORS["test"],
                                "triangle",
                                4,
                                borderDash=[6, 3],
                                order=0,
                            ),
                        ]
                    },
                    "options": _options(labels["epoch"], labels["accuracy"], 1),
                }
            ),
        )
        self.acc.options.scales.x.ticks.precision = 0  # whole epochs
        self.loss_text = TextAlternative(loss_canvas)
        self.acc_text = TextAlternative(acc_canvas)
        self.labels = labels
        self.total_steps = 1
        self._new_series()

    def _new_series(self):
        self.loss_text.clear()
        self.acc_text.clear()
        self.losses = self.loss_text.add_series(self.labels["loss"])
        self.chance = self.loss_text.add_series(
            self.labels["chance"], (0, self.total_steps), (CHANCE_LOSS, CHANCE_LOSS)
        )
        self.train_acc = self.acc_text.add_series(self.labels["train"])
        self.test_acc = self.acc_text.add_series(self.labels["test"])

    def _redraw(self):
        redraw(self.loss, self.loss_text)
        redraw(self.acc, self.acc_text)

    def relabel(self, labels):
        self.labels = labels
        self.loss.data.datasets[0].label = labels["loss"]
        self.loss.data.datasets[1].label = labels["chance"]
        self.acc.data.datasets[0].label = labels["train"]
        self.acc.data.datasets[1].label = labels["test"]
        self.losses.label = labels["loss"]
        self.chance.label = labels["chance"]
        self.train_acc.label = labels["train"]
        self.test_acc.label = labels["test"]
        for chart, x, y in ((self.loss, "step", "loss"), (self.acc, "epoch", "accuracy")):
            chart.options.scales.x.title.text = labels[x]
            chart.options.scales.y.title.text = labels[y]
        self._redraw()

    def reset(self, total_steps):
        """Empty charts for a run of ``total_steps``, chance level drawn across them all."""
        self.loss.data.datasets[0].data = js.Array.new()
        self.loss.data.datasets[1].data = to_js(
            [{"x": 0, "y": CHANCE_LOSS}, {"x": total_steps, "y": CHANCE_LOSS}]
        )
        for dataset in (self.acc.data.datasets[0], self.acc.data.datasets[1]):
            dataset.data = js.Array.new()
        self.total_steps = total_steps
        self._new_series()
        self._redraw()

    def add_losses(self, first_step, losses):
        data = self.loss.data.datasets[0].data
        for i in range(losses.length):
            loss = losses[i]
            data.push(to_js({"x": first_step + i, "y": loss}))
            self.losses.add(first_step + i, loss)
        redraw(self.loss, self.loss_text)

    def add_accuracy(self, epoch, train, test):
        self.acc.data.datasets[0].data.push(to_js({"x": epoch, "y": train}))
        self.acc.data.datasets[1].data.push(to_js({"x": epoch, "y": test}))
        self.train_acc.add(epoch, train)
        self.test_acc.add(epoch, test)
        redraw(self.acc, self.acc_text)


def histogram(canvas, label, color, described_by=None):
    """A small bar chart for one histogram (filled by ``show_histogram``), named ``label``
    for screen readers and described by ``described_by`` (its statistics, in words)."""
    chart = js.Chart.new(
        canvas,
        to_js(
            {
                "type": "bar",
                "data": {
                    "labels": [],
                    "datasets": [
                        {
                            "label": label,
                            "data": [],
                            "backgroundColor": color,
                            "barPercentage": 1.0,
                            "categoryPercentage": 1.0,
                        }
                    ],
                },
                "options": {
                    "animation": False,
                    "responsive": True,
                    "maintainAspectRatio": False,
                    "plugins": {
                        "legend": {"display": False},
                        "title": {"display": True, "text": label},
                    },
                    "scales": {
                        # values, not bin names: round ticks (0, 0.2, …) as in the book
                        "x": {"type": "linear", "offset": False, "ticks": {"maxTicksLimit": 6}},
                        "y": {"ticks": {"maxTicksLimit": 4}},
                    },
                },
            }
        ),
    )
    TextAlternative(canvas, label or "histogram", described_by)
    return chart


def show_histogram(chart, described, title, as_share=False, y_max=None):
    """Put a ``pynet.inspection.describe`` result (counts over bin edges) into ``chart``:
    the counts, or with ``as_share`` each bin's percentage of all values (so layers of
    different sizes compare); ``y_max`` fixes the height of the y axis."""
    edges = described.edges
    counts = described.counts
    total = (sum(counts[i] for i in range(counts.length)) or 1) if as_share else 0
    chart.data.datasets[0].data = to_js(
        [
            {
                "x": (edges[i] + edges[i + 1]) / 2,
                "y": 100 * counts[i] / total if as_share else counts[i],
            }
            for i in range(counts.length)
        ]
    )
    chart.options.scales.x.min = edges[0]
    chart.options.scales.x.max = edges[edges.length - 1]
    chart.options.scales.y.max = y_max  # None (null): Chart.js fits the axis to the data
    chart.options.plugins.title.text = title
    chart.canvas.setAttribute("aria-label", title)
    redraw(chart)
