"""The optimizers lab's walk down f(x, y) = x²/20 + y² (figure 6-8): one panel per optimizer,
each drawn as SVG at equal aspect (a unit of x is as long as a unit of y, so the valley
looks as long and narrow as it is), with the contour lines, the path up to the chosen step,
and the optimizer's update rule in full (KaTeX) above it."""

import i18n
import js
from dom import find
from pyscript.ffi import to_js

#: The six optimizers in the book's order, with the names the page shows.
ORDER = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
TITLES = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
_G = r"\frac{\partial L}{\partial W}"


def _rows(*rows):
    """Assignments one under the other, aligned at their arrows."""
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


#: Each update rule exactly as pynet.optimizers computes it (the book's common/optimizer.py),
#: one assignment per line, with the constants the lab uses.
RULES = {
    "sgd": _rows(r"W &\leftarrow W - \eta " + _G),
    "momentum": _rows(
        r"v &\leftarrow \alpha v - \eta " + _G,
        r"W &\leftarrow W + v \qquad (\alpha = 0.9)",
    ),
    "nesterov": _rows(
        r"v &\leftarrow \alpha v - \eta " + _G,
        r"W &\leftarrow W + \alpha^2 v - (1 + \alpha)\, \eta " + _G + r" \qquad (\alpha = 0.9)",
    ),
    "adagrad": _rows(
        r"h &\leftarrow h + " + _G + r" \odot " + _G,
        r"W &\leftarrow W - \eta \frac{1}{\sqrt{h} + 10^{-7}} " + _G,
    ),
    "rmsprop": _rows(
        r"h &\leftarrow \rho h + (1 - \rho)\, " + _G + r" \odot " + _G + r" \qquad (\rho = 0.99)",
        r"W &\leftarrow W - \eta \frac{1}{\sqrt{h} + 10^{-7}} " + _G,
    ),
    "adam": _rows(
        r"m &\leftarrow m + (1 - \beta_1)\left(" + _G + r" - m\right)",
        r"v &\leftarrow v + (1 - \beta_2)\left(" + _G + r" \odot " + _G + r" - v\right)",
        r"W &\leftarrow W - \eta \frac{\sqrt{1 - \beta_2^{\,t}}}{1 - \beta_1^{\,t}}"
        r" \frac{m}{\sqrt{v} + 10^{-7}}",
        r"& (\beta_1 = 0.9,\ \beta_2 = 0.999,\ t = 1, 2, 3, \dots)",
    ),
}
COLORS = {
    "sgd": "#1971c2",
    "momentum": "#2f9e44",
    "nesterov": "#0c8599",
    "adagrad": "#e8590c",
    "rmsprop": "#ae3ec9",
    "adam": "#c92a2a",
}
#: The plotted region (as in figure 6-8) and its scale in SVG units per unit of x and y.
X_RANGE, Y_RANGE, SCALE = (-10, 10), (-5, 5), 20
LEFT, BOTTOM, TOP = 26, 20, 6
WIDTH = LEFT + SCALE * (X_RANGE[1] - X_RANGE[0]) + 8
HEIGHT = TOP + SCALE * (Y_RANGE[1] - Y_RANGE[0]) + BOTTOM


def _px(x, y):
    return LEFT + SCALE * (x - X_RANGE[0]), TOP + SCALE * (Y_RANGE[1] - y)


def _points(xs, ys):
    return " ".join(
        f"{px:.1f},{py:.1f}"
        for px, py in (_px(x, y) for x, y in zip(xs, ys))  # noqa: B905 (MicroPython's zip has no strict)
    )


def _axes():
    parts = []
    x0, y0 = _px(X_RANGE[0], Y_RANGE[0])
    x1, y1 = _px(X_RANGE[1], Y_RANGE[1])
    parts.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" class="frame"/>')
    for x in range(X_RANGE[0], X_RANGE[1] + 1, 5):
        px, _ = _px(x, 0)
        parts.append(f'<text x="{px}" y="{y0 + 14}" class="tick">{x}</text>')
    for y in range(Y_RANGE[0], Y_RANGE[1] + 1, 5):
        _, py = _px(0, y)
        parts.append(f'<text x="{x0 - 4}" y="{py + 4}" class="tick y">{y}</text>')
    return "".join(parts)


class OptimizerWalk:
    """The six panels, built once, redrawn for the result and step shown."""

    def __init__(self, root):
        self.root = root
        self.result = None
        html = []
        for name in ORDER:
            html.append(
                f'<figure class="walk" data-testid="optimizers-panel-{name}">'
                f'<figcaption><strong style="color:{COLORS[name]}">{TITLES[name]}</strong>'
                f' <span class="lr"></span></figcaption><div class="walk-svg"></div>'
                f'<div class="rule"></div></figure>'
            )
        root.innerHTML = "".join(html)
        for name in ORDER:
            js.katex.render(
                RULES[name],
                self.panel(name).querySelector(".rule"),
                to_js({"throwOnError": False, "displayMode": True}),
            )

    def panel(self, name):
        return self.root.querySelector(f'[data-testid="optimizers-panel-{name}"]')

    def show(self, result):
        self.result = result
        finals = []
        for name in ORDER:
            path = result["paths"][name]
            x, y = path["x"][-1], path["y"][-1]
            self.panel(name).querySelector(".lr").textContent = f"η = {path['lr']:g}"
            finals.append(
                f'<li data-testid="optimizers-final-{name}" data-x="{x}" data-y="{y}" style="color:{COLORS[name]}">'
                f"{TITLES[name]} (η = {path['lr']:g}): ({x:.3f}, {y:.3f})</li>"
            )
        find("optimizers-finals").innerHTML = "".join(finals)

    def draw(self, step):
        """Every panel's path up to ``step`` (its first ``step`` updates)."""
        if self.result is None:
            return
        contours = "".join(
            f'<polyline points="{_points(c["x"], c["y"])}" class="contour"/>'
            for c in self.result["contours"]
        )
        x0, y1 = _px(X_RANGE[0], Y_RANGE[1])
        width, height = SCALE * (X_RANGE[1] - X_RANGE[0]), SCALE * (Y_RANGE[1] - Y_RANGE[0])
        minimum = _px(0, 0)
        for name in ORDER:
            path = self.result["paths"][name]
            xs, ys = path["x"][: step + 1], path["y"][: step + 1]
            end = _px(xs[-1], ys[-1])
            dots = "".join(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.2"/>'
                for px, py in (_px(x, y) for x, y in zip(xs, ys))  # noqa: B905
            )
            label = i18n.text(
                "walk_alt", name=TITLES[name], step=step, x=f"{xs[-1]:.3f}", y=f"{ys[-1]:.3f}"
            )
            clip = (
                f'<clipPath id="walk-clip-{name}"><rect x="{x0}" y="{y1}" width="{width}"'
                f' height="{height}"/></clipPath>'
            )
            self.panel(name).querySelector(".walk-svg").innerHTML = (
                f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}">'
                f"<defs>{clip}</defs>{_axes()}"
                f'<g clip-path="url(#walk-clip-{name})">{contours}'
                f'<path d="M{minimum[0] - 5},{minimum[1]} h10 M{minimum[0]},{minimum[1] - 5} v10" class="minimum"/>'
                f'<g style="color:{COLORS[name]}" class="path"><polyline points="{_points(xs, ys)}"/>{dots}'
                f'<circle cx="{end[0]:.1f}" cy="{end[1]:.1f}" r="4.5" class="end"/></g></g></svg>'
            )
