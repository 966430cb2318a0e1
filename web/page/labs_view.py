"""The labs' results (main thread): each lab's charts, tables and graph, drawn from what the
lab worker returns, and each lab's formula. ``labs_panel.py`` runs the labs."""

import asyncio

import charts
import colour_scale
import i18n
import js
from chart_text import TextAlternative, describe
from dom import find, fmt, listen
from pyscript import document
from pyscript.ffi import create_proxy, to_js

TEX = {
    "graph": r"\text{mul: } \frac{\partial L}{\partial x} = \frac{\partial L}{\partial z}\, y,\ "
    r"\frac{\partial L}{\partial y} = \frac{\partial L}{\partial z}\, x \qquad "
    r"\text{add: } \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} = \frac{\partial L}{\partial z}",
    "gradcheck": r"\frac{\partial L}{\partial w} \approx \frac{L(w + h) - L(w - h)}{2h},\ h = 10^{-5} \qquad "
    r"\text{error} = \frac{\max |g_{\text{backprop}} - g_{\text{numeric}}|}{\max(|g_{\text{backprop}}|, |g_{\text{numeric}}|)}",
    "optimizers": r"f(x, y) = \tfrac{1}{20}x^2 + y^2 \qquad \text{SGD: } W \leftarrow W - \eta \tfrac{\partial L}{\partial W}"
    r"\quad \text{Momentum: } v \leftarrow \alpha v - \eta \tfrac{\partial L}{\partial W},\ W \leftarrow W + v"
    r"\quad \text{AdaGrad: } h \leftarrow h + \left(\tfrac{\partial L}{\partial W}\right)^2,\ W \leftarrow W - \eta \tfrac{1}{\sqrt{h}} \tfrac{\partial L}{\partial W}",
    "init": r"\text{Xavier: } \sigma = \frac{1}{\sqrt{n}} \qquad \text{He: } \sigma = \sqrt{\frac{2}{n}}",
    "batchnorm": r"\mu_B = \frac{1}{m}\sum x_i,\ \sigma_B^2 = \frac{1}{m}\sum (x_i - \mu_B)^2,\ "
    r"\hat{x}_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}},\ y_i = \gamma \hat{x}_i + \beta",
    "overfit": r"L' = L + \tfrac{1}{2} \lambda \lVert W \rVert^2 \qquad \text{dropout: } y = x \cdot m,\ m \sim \text{Bernoulli}(1 - p)",
    "hyperparams": r"\eta = 10^{u},\ u \sim U(\log_{10} \eta_{\min}, \log_{10} \eta_{\max}) \qquad "
    r"\lambda = 10^{v},\ v \sim U(\log_{10} \lambda_{\min}, \log_{10} \lambda_{\max})",
}


def _line_chart(canvas, datasets, x_title, y_title, y_max=None, x_type="linear"):
    options = {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "parsing": False,
        "scales": {
            "x": {"type": x_type, "title": {"display": True, "text": x_title}},
            "y": {"title": {"display": True, "text": y_title}},
        },
        "elements": {"point": {"radius": 0}, "line": {"borderWidth": 2}},
        "plugins": {"legend": {"labels": {"usePointStyle": True}}},
    }
    if y_max is not None:
        options["scales"]["y"].update(min=0, max=y_max)
    return js.Chart.new(
        canvas, to_js({"type": "line", "data": {"datasets": datasets}, "options": options})
    )


def _series(label, style, xs, ys, **extra):
    color, shape, dash = style  # (charts.style: colour never tells series apart alone)
    series = {
        "label": label,
        "borderColor": color,
        "backgroundColor": color,
        "pointStyle": shape,
        "borderDash": dash,
        "data": [{"x": x, "y": y} for x, y in zip(xs, ys)],  # noqa: B905 (MicroPython's zip has no strict)
    }
    series.update(extra)  # (MicroPython has no ** inside a dict literal)
    return series


class LabResults:
    """Draws each lab's result (``render_<part>``) and keeps its charts, to redraw them."""

    def __init__(self):
        self.charts = {}
        self.paths = None
        self.narrow = None
        self.decade_label = create_proxy(lambda value, index, ticks: self._decade(value))
        self.named_only = create_proxy(lambda item, data: bool(item.text))  # no contour legend
        listen(find("optimizers-step"), "input", lambda event: self.draw_paths())
        formulas = document.querySelectorAll("[data-tex]")
        for i in range(formulas.length):
            js.katex.render(
                TEX[formulas[i].getAttribute("data-tex")],
                formulas[i],
                to_js({"throwOnError": False, "displayMode": True}),
            )

    def chart(self, key, canvas, datasets, x_title, y_title, y_max=None, x_type="linear"):
        """A line chart of ``datasets`` on ``canvas`` (replacing the last one of ``key``),
        with its text alternative: each named series' numbers."""
        if key in self.charts:
            self.charts[key].destroy()
        self.charts[key] = _line_chart(canvas, datasets, x_title, y_title, y_max, x_type)
        describe(canvas, datasets)
        return self.charts[key]

    def render_graph(self, r):
        find("graph-total").setAttribute("data-value", str(r["price"]))
        find("graph-total").textContent = fmt(r["price"], 2)
        find("graph-dapple").setAttribute("data-value", str(r["dapple"]))
        find("graph-dapple").textContent = fmt(r["dapple"], 2)
        nodes = {
            "apple": (60, 40),
            "apple_num": (60, 110),
            "orange": (60, 170),
            "orange_num": (60, 240),
            "mul_apple": (230, 75),
            "mul_orange": (230, 205),
            "add": (420, 140),
            "tax": (420, 250),
            "mul_tax": (600, 140),
            "price": (760, 140),
        }
        edges = [
            ("apple", "mul_apple", r["apple"], r["dapple"]),
            ("apple_num", "mul_apple", r["apple_num"], r["dapple_num"]),
            ("orange", "mul_orange", r["orange"], r["dorange"]),
            ("orange_num", "mul_orange", r["orange_num"], r["dorange_num"]),
            ("mul_apple", "add", r["apple_price"], r["dapple_price"]),
            ("mul_orange", "add", r["orange_price"], r["dorange_price"]),
            ("add", "mul_tax", r["all_price"], r["dall_price"]),
            ("tax", "mul_tax", r["tax"], r["dtax"]),
            ("mul_tax", "price", r["price"], r["dprice"]),
        ]
        parts = [
            '<svg viewBox="0 0 820 330" role="img" aria-label="computational graph">',
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
        ]
        for a, b, forward, backward in edges:
            (x1, y1), (x2, y2) = nodes[a], nodes[b]
            mx, my = (
                x1 + 0.4 * (x2 - x1),
                y1 + 0.4 * (y2 - y1),
            )  # nearer the source: converging edges stay apart
            parts.append(
                f'<line x1="{x1 + 28}" y1="{y1}" x2="{x2 - 26}" y2="{y2}" stroke="#555" marker-end="url(#arrow)"/>'
            )
            parts.append(f'<text x="{mx}" y="{my - 7}" class="fwd">{fmt(forward, 2)}</text>')
            parts.append(f'<text x="{mx}" y="{my + 17}" class="bwd">{fmt(backward, 2)}</text>')
        for name, (x, y) in nodes.items():
            label = {"mul_apple": "×", "mul_orange": "×", "mul_tax": "×", "add": "+"}.get(name)
            if label:
                parts.append(
                    f'<circle cx="{x}" cy="{y}" r="24" class="op"/><text x="{x}" y="{y + 7}" class="op-label">{label}</text>'
                )
            else:
                parts.append(
                    f'<text x="{x}" y="{y + 5}" class="leaf">{i18n.text("graph_" + name)}</text>'
                )
        parts.append(  # the key: forward and backward values differ in place and type
            f'<text x="40" y="312" class="fwd key">{fmt(r["apple"], 2)}</text>'
            f'<text x="80" y="312" class="key">{i18n.text("graph_key_forward")}</text>'
            f'<text x="440" y="312" class="bwd key">{fmt(r["dapple"], 2)}</text>'
            f'<text x="480" y="312" class="key">{i18n.text("graph_key_backward")}</text></svg>'
        )
        find("graph-svg").innerHTML = "".join(parts)

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
        self.paths = r
        slider = find("optimizers-step")
        steps = len(next(iter(r["paths"].values()))["x"]) - 1
        slider.max = steps
        slider.value = steps
        finals = []
        for i, (name, path) in enumerate(r["paths"].items()):
            x, y = path["x"][-1], path["y"][-1]
            finals.append(
                f'<li data-testid="optimizers-final-{name}" data-x="{x}" data-y="{y}">{charts.swatch(i, name)}'
                f"{name} (η = {path['lr']:g}): ({x:.3f}, {y:.3f})</li>"
            )
        find("optimizers-finals").innerHTML = "".join(finals)
        self.draw_paths()

    def draw_paths(self):
        if self.paths is None:
            return
        step = int(find("optimizers-step").value)
        datasets = [
            _series("", ("#c8ccd4", "line", []), c["x"], c["y"], pointRadius=0, borderWidth=1)
            for c in self.paths["contours"]
        ]
        for i, (name, path) in enumerate(self.paths["paths"].items()):
            datasets.append(
                _series(
                    name,
                    charts.style(i, name),
                    path["x"][: step + 1],
                    path["y"][: step + 1],
                    pointRadius=3,
                    showLine=True,
                )
            )
        chart = self.chart("paths", find("optimizers-paths"), datasets, "x", "y")
        chart.options.scales.x.min, chart.options.scales.x.max = -10, 10
        chart.options.scales.y.min, chart.options.scales.y.max = -5, 5
        chart.options.plugins.legend.labels.filter = self.named_only
        chart.update("none")

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

    def _curves(self, key, canvas, curves):
        datasets = []
        for i, (name, c) in enumerate(curves.items()):
            marked = charts.marks(len(c))  # each curve's shape every 10 points
            datasets.append(
                _series(name, charts.style(i, name), range(len(c)), c, pointRadius=marked)
            )
        self.chart(key, canvas, datasets, "iteration", i18n.text("loss"))

    def render_optimizer_mnist(self, r):
        self._curves("opt-mnist", find("optimizers-mnist"), r["curves"])

    def render_init_histograms(self, r):
        row = find("init-histograms")
        row.innerHTML = "".join(
            f'<figure data-testid="init-layer-{i + 1}" data-saturated="{layer["saturated"]}" data-std="{layer["std"]}">'
            f'<div class="chart-box small"><canvas></canvas></div><figcaption>{i + 1}-layer · std {layer["std"]:.3f}</figcaption></figure>'
            for i, layer in enumerate(r["layers"])
        )
        for i, layer in enumerate(r["layers"]):
            key = f"init-{i}"
            if key in self.charts:
                self.charts[key].destroy()
            canvas = row.querySelector(f'[data-testid="init-layer-{i + 1}"] canvas')
            caption = row.querySelector(f'[data-testid="init-layer-{i + 1}"] figcaption')
            self.charts[key] = charts.histogram(canvas, "", charts.COLORS["output"], caption)
            charts.show_histogram(self.charts[key], to_js(layer), f"{i + 1}-layer")

    def render_init_mnist(self, r):
        self._curves("init-mnist", find("init-mnist"), r["curves"])

    def render_batchnorm(self, r):
        grid = find("batchnorm-grid")
        captions = []
        for row in r["rows"]:
            caption = f"W std {row['scale']:.2g}"
            for key in ("batchnorm", "plain"):
                if row[f"{key}_reason"] == "diverged":
                    caption += f" · {i18n.text('bn_' + key)}: {i18n.text('diverged')}"
            captions.append(
                f'<figure><div class="chart-box small"><canvas></canvas></div><figcaption>{caption}</figcaption></figure>'
            )
        grid.innerHTML = "".join(captions)
        canvases = grid.querySelectorAll("canvas")
        for i, row in enumerate(r["rows"]):
            datasets = [
                _series(
                    i18n.text("bn_" + key),
                    charts.style(j),
                    list(range(1, len(row[key]) + 1)),
                    row[key],
                    pointRadius=2,
                )
                for j, key in enumerate(("batchnorm", "plain"))
            ]
            self.chart(f"bn-{i}", canvases[i], datasets, "epoch", "accuracy", 1)

    def render_overfit(self, r):
        grid = find("overfit-grid")
        grid.innerHTML = "".join(
            f'<figure><div class="chart-box"><canvas></canvas></div><figcaption data-testid="overfit-gap-{name}" data-gap="{v["gap"]}">'
            f"{i18n.text('overfit_' + name)} · {i18n.text('overfit_gap')} {v['gap']:.3f}</figcaption></figure>"
            for name, v in r["variants"].items()
        )
        canvases = grid.querySelectorAll("canvas")
        for i, v in enumerate(r["variants"].values()):
            epochs = list(range(1, len(v["train_acc"]) + 1))
            datasets = [
                _series(i18n.text("train_acc"), charts.style(0), epochs, v["train_acc"]),
                _series(i18n.text("test_acc"), charts.style(1), epochs, v["test_acc"]),
            ]
            self.chart(f"overfit-{i}", canvases[i], datasets, "epoch", "accuracy", 1)

    def render_hyperparams(self, r):
        trials = r["trials"]
        find("hp-trials").innerHTML = "".join(
            f'<tr data-testid="hp-trial" data-lr="{t["lr"]}" data-wd="{t["weight_decay"]}" data-val-acc="{t["val_acc"]}">'
            f"<td>{t['lr']:.2e}</td><td>{t['weight_decay']:.2e}</td><td>{t['val_acc']:.3f}</td></tr>"
            for t in trials
        )
        by_lr = sorted(trials, key=lambda t: t["lr"])  # a Chart.js line dataset must be x-sorted
        points = [{"x": t["lr"], "y": t["weight_decay"]} for t in by_lr]
        # Accuracy shows twice, as the colour on a scale and as the size: never by colour alone.
        accs = [t["val_acc"] for t in by_lr]
        dataset = colour_scale.points(points, accs)
        chart = self.chart("hp", find("hp-scatter"), [dataset], "η", "λ", x_type="logarithmic")
        chart.options.plugins.legend.display = False
        colour_scale.legend(find("hp-scale"), i18n.text("hp_scale"), min(accs), max(accs))
        best = max(trials, key=lambda t: t["val_acc"])
        lr, wd, acc = f"{best['lr']:.2e}", f"{best['weight_decay']:.2e}", f"{best['val_acc']:.3f}"
        TextAlternative(find("hp-scatter")).write(i18n.text("hp_best", lr=lr, wd=wd, acc=acc))
        chart.options.scales.y.type = "logarithmic"
        for axis in (chart.options.scales.x, chart.options.scales.y):
            axis.ticks.callback = self.decade_label
        chart.update("none")
        self.narrow = r["narrow"]
        find("hp-narrow").disabled = self.narrow is None

    @staticmethod
    def _decade(value):
        """Label a log axis at powers of ten only (1e-6, 1e-5, ...)."""
        text = f"{value:.0e}"
        return text if text.startswith("1e") else ""
