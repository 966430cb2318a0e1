"""Live charts with Chart.js: training curves and the inspector's histograms.

Points arrive in bursts from the worker; charts redraw at most once per animation frame.
"""

import js
from pyscript.ffi import create_proxy, to_js

#: Chance level for ten classes: the loss of a network that gives each class 1/10 (ln 10).
CHANCE_LOSS = 2.302585092994046

COLORS = {
    "chance": "#868e96",
    "loss": "#d9480f",
    "train": "#1971c2",
    "test": "#2f9e44",
    "output": "#5c7cfa",
    "grad": "#e8590c",
}


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
        "plugins": {"legend": {"display": True}},
        "elements": {"point": {"radius": 0}, "line": {"borderWidth": 1.5}},
    }


def _line(label, color, point_radius=0, **style):
    line = {
        "label": label,
        "data": [],
        "borderColor": color,
        "backgroundColor": color,
        "pointRadius": point_radius,
    }
    line.update(style)  # (MicroPython has no ** inside a dict literal)
    return line


class Redraw:
    """Update a set of charts once in the next animation frame, however often asked."""

    def __init__(self):
        self.charts = []
        self.pending = False
        self._frame = create_proxy(self._draw)

    def request(self, chart):
        if chart not in self.charts:
            self.charts.append(chart)
        if not self.pending:
            self.pending = True
            js.requestAnimationFrame(self._frame)

    def _draw(self, _time):
        self.pending = False
        charts, self.charts = self.charts, []
        for chart in charts:
            chart.update("none")


redraw = Redraw()


class TrainingCharts:
    """Loss per step, with chance level marked, and train/test accuracy per epoch from
    epoch 0 (the untrained network). The two accuracy lines differ in dash and marker, not
    only in colour, so both stay visible where they overlap."""

    def __init__(self, loss_canvas, acc_canvas, labels):
        chance = _line(labels["chance"], COLORS["chance"], borderDash=[6, 4], borderWidth=1)
        self.loss = js.Chart.new(
            loss_canvas,
            to_js(
                {
                    "type": "line",
                    "data": {"datasets": [_line(labels["loss"], COLORS["loss"]), chance]},
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
                            _line(labels["train"], COLORS["train"], 3, borderWidth=3, order=1),
                            _line(
                                labels["test"],
                                COLORS["test"],
                                4,
                                borderDash=[6, 3],
                                pointStyle="triangle",
                                order=0,
                            ),
                        ]
                    },
                    "options": _options(labels["epoch"], labels["accuracy"], 1),
                }
            ),
        )
        self.acc.options.scales.x.ticks.precision = 0  # whole epochs

    def relabel(self, labels):
        self.loss.data.datasets[0].label = labels["loss"]
        self.loss.data.datasets[1].label = labels["chance"]
        self.acc.data.datasets[0].label = labels["train"]
        self.acc.data.datasets[1].label = labels["test"]
        for chart, x, y in ((self.loss, "step", "loss"), (self.acc, "epoch", "accuracy")):
            chart.options.scales.x.title.text = labels[x]
            chart.options.scales.y.title.text = labels[y]
        redraw.request(self.loss)
        redraw.request(self.acc)

    def reset(self, total_steps):
        """Empty charts for a run of ``total_steps``, chance level drawn across them all."""
        self.loss.data.datasets[0].data = js.Array.new()
        self.loss.data.datasets[1].data = to_js(
            [{"x": 0, "y": CHANCE_LOSS}, {"x": total_steps, "y": CHANCE_LOSS}]
        )
        for dataset in (self.acc.data.datasets[0], self.acc.data.datasets[1]):
            dataset.data = js.Array.new()
        redraw.request(self.loss)
        redraw.request(self.acc)

    def add_losses(self, first_step, losses):
        data = self.loss.data.datasets[0].data
        for i in range(losses.length):
            data.push(to_js({"x": first_step + i, "y": losses[i]}))
        redraw.request(self.loss)

    def add_accuracy(self, epoch, train, test):
        self.acc.data.datasets[0].data.push(to_js({"x": epoch, "y": train}))
        self.acc.data.datasets[1].data.push(to_js({"x": epoch, "y": test}))
        redraw.request(self.acc)


def histogram(canvas, label, color):
    """A small bar chart for one histogram (filled by ``show_histogram``)."""
    return js.Chart.new(
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
                        "x": {"ticks": {"maxTicksLimit": 5}},
                        "y": {"ticks": {"maxTicksLimit": 4}},
                    },
                },
            }
        ),
    )


def show_histogram(chart, described, title, as_share=False, y_max=None):
    """Put a ``pynet.inspection.describe`` result (counts over bin edges) into ``chart``:
    the counts, or with ``as_share`` each bin's percentage of all values (so layers of
    different sizes compare); ``y_max`` fixes the height of the y axis."""
    edges = described.edges
    counts = described.counts
    labels = js.Array.new()
    for i in range(counts.length):
        labels.push(f"{(edges[i] + edges[i + 1]) / 2:.3g}")
    chart.data.labels = labels
    if as_share:
        total = sum(counts[i] for i in range(counts.length)) or 1
        chart.data.datasets[0].data = to_js([100 * counts[i] / total for i in range(counts.length)])
    else:
        chart.data.datasets[0].data = counts
    chart.options.scales.y.max = y_max  # None (null): Chart.js fits the axis to the data
    chart.options.plugins.title.text = title
    redraw.request(chart)
