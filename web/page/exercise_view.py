"""The exercises' results (main thread): a check's report and a "Use it" run, drawn from
what the exercise worker returns, in the student's language.

The report holds codes and values (``pynet.exercises``); the words are the page's
(``i18n``: ``exm_<code>`` for a check, a mistake, an error or a file's problem, ``exd_<key>``
for what a failed check adds). Everything the student's code produced (an exception's
message, what it printed) goes in as text, never as markup.
"""

import i18n
from dom import find, fmt
from lab_charts import line_chart, series  # the labs' line charts, shared
from pyscript import document
from pyscript.ffi import create_proxy

#: A value is "the same" (green, a white heat-map cell) below this relative error: the
#: checker's own tolerance.
TOLERANCE = 1e-7
#: What a failed check may add, in the order pynet's ``FAILURE_DETAILS`` looks for it.
DETAILS = ("returned", "shape", "not_finite", "not_a_pair", "dropped", "got")
#: Params that are fractions, shown as percentages (pynet formats them so too).
PERCENT = {"expected": 0, "dropped": 1}
LARGER, SMALLER, SAME = (201, 42, 42), (25, 113, 194), "#eef1f6"
YOURS, PYNETS = "#1c2a4a", "#f59f00"


def el(tag, text=None, attrs=None, children=()):
    """A new element with ``text`` (as text, never markup), attributes and children."""
    node = document.createElement(tag)
    if text is not None:
        node.textContent = str(text)
    for key, value in (attrs or {}).items():
        node.setAttribute(key, str(value))
    for child in children:
        node.appendChild(child)
    return node


def _plain(key, value):
    """A param as the sentence shows it: percentages, (3, 2) for a shape, "dx 1" for a dict."""
    if value is None:
        return "?"
    if key in PERCENT and isinstance(value, (int, float)):
        return f"{value * 100:.{PERCENT[key]}f}%"
    if isinstance(value, list):
        return "(" + ", ".join(str(item) for item in value) + ")"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain('', v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def sentence(entry):
    """The words for one entry of a report: a check, a mistake or the error (with where it
    happened, by the student's own line number)."""
    params = {}
    for key, value in (entry.get("params") or {}).items():
        params[key] = _plain(key, value)
    text = i18n.text("exm_" + entry["code"], message=entry.get("message") or "", **params)
    if "passed" in entry and not entry["passed"]:
        detail = next((key for key in DETAILS if key in params), None)
        if detail:
            text += " — " + i18n.text("exd_" + detail, **params)
    if "message" in entry and entry.get("line"):
        function = params.get("function")
        if entry["code"] == "exception" and function and function != "<module>":
            return i18n.text("ex_at_line_in", line=entry["line"], function=function) + text
        return i18n.text("ex_at_line", line=entry["line"]) + text
    return text


def error_text(error):
    """A solutions file's problem (``{code, params}``) in words."""
    return sentence({"code": error["code"], "params": error.get("params")})


def _cell_colour(value, scale):
    if value is None:
        return "#000"
    if abs(value) < TOLERANCE:
        return SAME
    base = LARGER if value > 0 else SMALLER
    strength = 0.3 + 0.7 * min(1.0, abs(value) / scale)
    r, g, b = (round(255 + (c - 255) * strength) for c in base)
    return f"rgb({r},{g},{b})"


def heat_map(name, rows):
    """A figure of ``rows`` (the student's values − the expected ones) as coloured cells,
    each with its number as a tooltip, and the largest difference written out."""
    rows = rows if rows and isinstance(rows[0], list) else [rows]
    values = [v for row in rows for v in row if v is not None]
    largest = max([abs(v) for v in values] or [0.0])
    grid = el("div", attrs={"class": "heat", "aria-hidden": "true"})
    grid.style.gridTemplateColumns = f"repeat({len(rows[0])}, 1.1rem)"
    for row in rows:
        for value in row:
            cell = el("span", attrs={"title": "NaN/inf" if value is None else f"{value:.3g}"})
            cell.style.background = _cell_colour(value, largest or 1.0)
            grid.appendChild(cell)
    shape = "×".join(
        str(n) for n in ([len(rows), len(rows[0])] if len(rows) > 1 else [len(rows[0])])
    )
    caption = f"{name} ({shape}): " + i18n.text("ex_diff_max", value=fmt(largest, 3))
    figure = el("figure", attrs={"data-diff": name, "role": "img", "aria-label": caption})
    figure.appendChild(grid)
    figure.appendChild(el("figcaption", caption))
    return figure


def _diff_order(report):
    """The differences' names in the order of the checks (the report's dict has no order
    once MicroPython has read it): dx before dW before db."""
    names = []
    for check in report["checks"]:
        name = (check.get("params") or {}).get("name")
        if name in report["diff"] and name not in names:
            names.append(name)
    return names + sorted(name for name in report["diff"] if name not in names)


def report_nodes(report):
    """The elements that show one check's report."""
    nodes = []
    passed = report["passed"]
    verdict = i18n.text("ex_pass" if passed else "ex_fail")
    if report.get("max_error") is not None:
        verdict += " " + i18n.text("ex_max_error", error=f"{report['max_error']:.1e}")
    nodes.append(el("p", ("✓ " if passed else "✗ ") + verdict, {"class": "ex-verdict"}))
    error = report.get("error")
    if error:
        attrs = {"class": "ex-error", "data-error": error["code"]}
        if error.get("line"):
            attrs["data-line"] = error["line"]
        nodes.append(el("p", sentence(error), attrs))
    if report["mistakes"]:
        items = [el("li", sentence(m), {"data-mistake": m["code"]}) for m in report["mistakes"]]
        nodes.append(el("h4", i18n.text("ex_mistakes_title")))
        nodes.append(el("ul", None, {"class": "ex-mistakes"}, items))
    if report["checks"]:
        rows = [
            el(
                "tr",
                None,
                None,
                [el("th", i18n.text(k)) for k in ("ex_col_ok", "ex_col_check", "ex_col_error")],
            )
        ]
        for check in report["checks"]:
            error = check["max_error"]
            good = "ok" if check["passed"] else "bad"
            cells = [
                el("td", "✓" if check["passed"] else "✗", {"class": good}),
                el("td", sentence(check)),
                el("td", "—" if error is None else f"{error:.1e}", {"class": good}),
            ]
            attrs = {"data-check": check["code"], "data-passed": str(check["passed"]).lower()}
            if error is not None:
                attrs["data-max-error"] = error
            rows.append(el("tr", None, attrs, cells))
        nodes.append(el("h4", i18n.text("ex_checks_title")))
        nodes.append(el("table", None, {"class": "ex-checks"}, rows))
    if report.get("diff"):
        nodes.append(el("h4", i18n.text("ex_diff_title")))
        nodes.append(el("p", i18n.text("ex_diff_legend"), {"class": "help"}))
        maps = [heat_map(name, report["diff"][name]) for name in _diff_order(report)]
        nodes.append(el("div", None, {"class": "heat-maps"}, maps))
    if report.get("output"):
        nodes.append(el("h4", i18n.text("ex_output")))
        nodes.append(el("pre", report["output"], {"class": "ex-output"}))
    return nodes


def show_report(report):
    """Draw ``report`` into the result area (None: empty it)."""
    node = find("exercise-result")
    node.replaceChildren()
    if report is None:
        node.setAttribute("data-pass", "")
        node.setAttribute("data-max-error", "")
        return
    for child in report_nodes(report):
        node.appendChild(child)
    node.setAttribute("data-pass", str(report["passed"]).lower())
    error = report.get("max_error")
    node.setAttribute("data-max-error", "" if error is None else str(error))


def _percent(fraction):
    return f"{fraction * 100:.2f}%"


class UseView:
    """A "Use it" run: the two loss curves, the accuracies, and an optimizer's valley walk."""

    def __init__(self):
        self.charts = {}
        self.named_only = create_proxy(lambda item, data: bool(item.text))  # no contours

    def chart(self, key, canvas, datasets, x_title, y_title):
        if key in self.charts:
            self.charts[key].destroy()
        self.charts[key] = line_chart(canvas, datasets, x_title, y_title)
        return self.charts[key]

    def show(self, r):
        box = find("exercise-use-result")
        box.hidden = False
        student, pynet = r["runs"]["student"], r["runs"]["pynet"]
        box.setAttribute("data-student-accuracy", str(student["accuracy"]))
        box.setAttribute("data-pynet-accuracy", str(pynet["accuracy"]))
        box.setAttribute("data-weight-difference", str(r["max_weight_difference"]))
        box.setAttribute("data-loss-difference", str(r["max_loss_difference"]))
        lines = [
            i18n.text("ex_use_classes", classes=", ".join(r["classes"]) or "—"),
            i18n.text("ex_use_network", optimizer=r["optimizer_class"], lr=f"{r['lr']:g}"),
            i18n.text(
                "ex_use_accuracy",
                samples=r["train_samples"],
                test=r["test_samples"],
                student=_percent(student["accuracy"]),
                pynet=_percent(pynet["accuracy"]),
            ),
            i18n.text("ex_use_weights", diff=f"{r['max_weight_difference']:.1e}"),
        ]
        if r["max_loss_difference"] is not None:
            lines.append(i18n.text("ex_use_losses", diff=f"{r['max_loss_difference']:.1e}"))
        if "SoftmaxWithLoss" in r["classes"]:
            lines.append(i18n.text("ex_use_book_loss"))
        find("exercise-use-summary").replaceChildren(*[el("p", line) for line in lines])
        steps = list(range(1, len(pynet["losses"]) + 1))
        self.chart(
            "loss",
            find("exercise-use-chart"),
            [  # the first dataset is drawn on top: yours, dashed, over pynet's wide line
                series(
                    i18n.text("ex_yours"),
                    YOURS,
                    list(range(1, len(student["losses"]) + 1)),
                    student["losses"],
                    borderDash=[6, 4],
                ),
                series(i18n.text("ex_pynets"), PYNETS, steps, pynet["losses"], borderWidth=6),
            ],
            i18n.text("ex_step"),
            i18n.text("loss"),
        )
        self.show_valley(r.get("valley"))

    def show_valley(self, valley):
        figure = find("exercise-valley")
        figure.hidden = valley is None
        if valley is None:
            return
        student, pynet = valley["student"], valley["pynet"]
        datasets = [
            series("", "#ccc", c["x"], c["y"], pointRadius=0, borderWidth=1)
            for c in valley["contours"]
        ]
        yours = series(
            i18n.text("ex_yours"),
            YOURS,
            student["x"],
            student["y"],
            pointRadius=2,
            showLine=True,
            borderDash=[6, 4],
        )
        pynets = series(
            i18n.text("ex_pynets"),
            PYNETS,
            pynet["x"],
            pynet["y"],
            pointRadius=4,
            showLine=True,
            borderWidth=5,
        )
        datasets = [yours, pynets] + datasets  # the first is drawn on top
        chart = self.chart("valley", find("exercise-valley-chart"), datasets, "x", "y")
        chart.options.scales.x.min, chart.options.scales.x.max = -10, 10
        chart.options.scales.y.min, chart.options.scales.y.max = -5, 5
        chart.options.plugins.legend.labels.filter = self.named_only
        chart.update("none")
        find("exercise-valley-caption").textContent = i18n.text("ex_valley", lr=f"{pynet['lr']:g}")
