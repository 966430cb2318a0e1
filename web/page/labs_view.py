"""The labs' results (main thread): each lab's charts and tables, drawn from what the
lab worker returns, and each lab's formula. ``labs_panel.py`` runs the labs;
``optimizer_walk.py`` draws the optimizers' walk down the valley.

Results arrive as JSON, and MicroPython's dicts do not keep their order: every series is
drawn in an order named here (``ORDER``), as the book draws it.
"""

import asyncio

import charts
import i18n
import js
import training_figures
from dom import find, fmt, listen
from lab_charts import ChartSet, log_label, series
from optimizer_walk import TITLES as OPTIMIZER_TITLES
from optimizer_walk import OptimizerWalk
from pyscript import document
from pyscript.ffi import create_proxy, to_js

#: Each lab's formulas. Each equation is a group (no line break inside it); a narrow screen
#: breaks the line only between equations, at ``\allowbreak``.
TEX = {
    "gradcheck": r"{\frac{\partial L}{\partial w} \approx \frac{L(w + h) - L(w - h)}{2h},\ "
    r"h = 10^{-5}} \qquad \allowbreak {\text{error} = \frac{\max |g_{\text{backprop}} - "
    r"g_{\text{numeric}}|}{\max(|g_{\text{backprop}}|, |g_{\text{numeric}}|)}}",
    "optimizers": r"{f(x, y) = \tfrac{1}{20}x^2 + y^2} \qquad \allowbreak "
    r"{\frac{\partial f}{\partial x} = \frac{x}{10},} \quad \allowbreak "
    r"{\frac{\partial f}{\partial y} = 2y}",
    "init": r"{\text{Xavier: } \sigma = \frac{1}{\sqrt{n}}} \qquad \allowbreak "
    r"{\text{He: } \sigma = \sqrt{\frac{2}{n}}}",
    "batchnorm": r"{\mu_B = \frac{1}{m}\sum x_i,}\ \allowbreak "
    r"{\sigma_B^2 = \frac{1}{m}\sum (x_i - \mu_B)^2,}\ \allowbreak "
    r"{\hat{x}_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}},}\ \allowbreak "
    r"{y_i = \gamma \hat{x}_i + \beta}",
    "overfit": r"{L' = L + \tfrac{1}{2} \lambda \lVert W \rVert^2} \qquad \allowbreak "
    r"{\text{dropout: } y = x \cdot m,\ m \sim \text{Bernoulli}(1 - p)}",
    "hyperparams": r"{\eta = 10^{u},\ u \sim U(\log_{10} \eta_{\min}, \log_{10} \eta_{\max})} "
    r"\qquad \allowbreak {\lambda = 10^{v},\ v \sim U(\log_{10} \lambda_{\min}, "
    r"\log_{10} \lambda_{\max})}",
}
#: The order series are drawn and listed in: the book's.
ORDER = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "std", "xavier", "he"]


def ordered(names):
    """``names`` (keys of a result) in ``ORDER``."""
    return sorted(names, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))


class LabResults:
    """Draws each lab's result (``render_<part>``) and keeps its charts, to redraw them."""

    def __init__(self):
        self.charts = ChartSet()
        self.walk = OptimizerWalk(find("optimizers-paths"))
        self.narrow = None
        self.log_label = create_proxy(log_label)
        listen(find("optimizers-step"), "input", lambda event: self.draw_paths())
        formulas = document.querySelectorAll("[data-tex]")
        for i in range(formulas.length):
            js.katex.render(
                TEX[formulas[i].getAttribute("data-tex")],
                formulas[i],
                to_js({"throwOnError": False, "displayMode": True}),
            )

    def render_gradcheck(self, r):
        rows = []
        for key, error in r["errors"].items():
            ok = "ok" if error < 1e-6 else "bad"
            rows.append(
                f'<tr data-testid="gradcheck-{key}" data-error="{error}" class="{ok}"><td>{key}</td><td>{error:.2e}</td>'
                f"<td>{i18n.text('gradcheck_' + ok)}</td></tr>"
            )
        find("gradcheck-table").innerHTML = "".join(rows)

    def render_optimizer_paths(self, r):
        slider = find("optimizers-step")
        steps = len(r["paths"]["sgd"]["x"]) - 1
        slider.max = steps
        slider.value = steps
        self.walk.show(r)
        self.draw_paths()

    def draw_paths(self):
        self.walk.draw(int(find("optimizers-step").value))

    async def play(self):
        """Walk the paths step by step (or, for a student who asked for less motion, show
        the last step at once)."""
        slider = find("optimizers-step")
        if js.matchMedia("(prefers-reduced-motion: reduce)").matches:
            slider.value = slider.max
            self.draw_paths()
            return
        for step in range(int(slider.max) + 1):
            slider.value = step
            self.draw_paths()
            await asyncio.sleep(0.08)

    def _curves(self, key, canvas, curves, finals, labels):
        """Smoothed loss curves, one per name (each in its colour, point shape and dash, its
        shape marked every 10 points), and each one's last value listed below."""
        names = ordered(curves)
        datasets = [
            series(
                labels[name],
                charts.style(i, name),
                list(range(len(curves[name]))),
                curves[name],
                pointRadius=charts.marks(len(curves[name])),
            )
            for i, name in enumerate(names)
        ]
        self.charts.line(key, canvas, datasets, i18n.text("axis_iteration"), i18n.text("loss"))
        find(finals).innerHTML = "".join(
            f'<li data-testid="{key}-final-{name}" data-loss="{curves[name][-1]}">{charts.swatch(i, name)}'
            f"{labels[name]}: {i18n.text('loss')} {curves[name][-1]:.3f}</li>"
            for i, name in enumerate(names)
        )

    def render_optimizer_mnist(self, r):
        self._curves(
            "optimizers-mnist",
            find("optimizers-mnist"),
            r["curves"],
            "optimizers-mnist-finals",
            OPTIMIZER_TITLES,
        )

    def render_init_histograms(self, r):
        """One row of five layer histograms per (weight, activation), each row on its own
        y-axis (as one figure of the book), with the share of saturated activations."""
        root = find("init-histograms")
        self.charts.drop("init-hist-")
        html = []
        for row in r["rows"]:
            weight = (
                i18n.text("init_" + row["key"])
                if row["key"] in ("xavier", "he")
                else f"std {row['key']}"
            )
            title = f"{weight} · {row['activation']}"
            if row["figure"]:
                title += " · " + i18n.text("init_figure", figure=row["figure"])
            last = row["layers"][-1]
            if row["activation"] == "relu":  # nothing saturates: half the units are off
                stats = i18n.text(
                    "init_row_relu", std=fmt(last["std"], 3), zero=fmt(100 * last["near_zero"], 1)
                )
            else:
                stats = i18n.text(
                    "init_row_stats",
                    std=fmt(last["std"], 3),
                    saturated=fmt(100 * last["saturated"], 1),
                )
            html.append(
                f'<div class="init-row" data-testid="init-row-{row["key"]}"><h3>{title}</h3>'
                f'<p class="help">{stats}</p>'
                '<div class="hist-row">'
                + "".join(
                    f'<figure data-testid="init-{row["key"]}-layer-{i + 1}" data-saturated="{layer["saturated"]}" data-std="{layer["std"]}">'
                    f'<div class="chart-box small"><canvas></canvas></div><figcaption>{i18n.text("init_layer", n=i + 1)} · std {layer["std"]:.3f}</figcaption></figure>'
                    for i, layer in enumerate(row["layers"])
                )
                + "</div></div>"
            )
        root.innerHTML = "".join(html)
        for row in r["rows"]:
            # For ReLU, as in figure 6-14, the y-axis fits the bars beside the one at 0 (the
            # units switched off), which runs off the top.
            first = 1 if row["activation"] == "relu" else 0
            y_max = max(max(layer["counts"][first:]) for layer in row["layers"])
            y_max = int(y_max * 1.1) if first else y_max
            for i, layer in enumerate(row["layers"]):
                key = f"init-hist-{row['key']}-{i}"
                figure = root.querySelector(f'[data-testid="init-{row["key"]}-layer-{i + 1}"]')
                canvas, caption = figure.querySelector("canvas"), figure.querySelector("figcaption")
                chart = charts.histogram(canvas, "", charts.COLORS["output"], described_by=caption)
                self.charts.put(key, chart)
                title = i18n.text("init_layer", n=i + 1)
                charts.show_histogram(chart, to_js(layer), title, y_max=y_max)

    def render_init_mnist(self, r):
        labels = {name: i18n.text("init_" + name) for name in ("std", "xavier", "he")}
        self._curves("init-mnist", find("init-mnist"), r["curves"], "init-finals", labels)

    def render_batchnorm(self, r):
        training_figures.render_batchnorm(self.charts, r)

    def render_overfit(self, r):
        training_figures.render_overfit(self.charts, r)

    def render_hyperparams(self, r):
        training_figures.render_hyperparams(self.charts, r, self.log_label)
        self.narrow = r["narrow"]
        find("hp-narrow").disabled = self.narrow is None
