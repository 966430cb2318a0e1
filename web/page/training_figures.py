"""The labs that train networks on MNIST and compare them, drawn as the book draws them:
batch norm across weight scales (figure 6-18), overfitting and its regularisers (6-20 to
6-23), and the hyperparameter search (6-24). Each ``render_*`` takes the labs' ``ChartSet``
and the lab worker's result."""

import charts as styles
import colour_scale
import i18n
from chart_text import TextAlternative
from dom import find
from lab_charts import compact, scale_text, series

#: The overfitting lab's networks in the book's order: the baseline first.
OVERFIT_ORDER = ["none", "weight_decay", "dropout"]


def render_batchnorm(charts, r):
    """One small chart per initial weight scale, one legend for them all."""
    grid = find("batchnorm-grid")
    panels = []
    for row in r["rows"]:
        caption = i18n.text("bn_scale", scale=scale_text(row["scale"]))
        for key in ("batchnorm", "plain"):
            if row[f"{key}_reason"] == "diverged":
                caption += f" · {i18n.text('bn_' + key)}: {i18n.text('diverged')}"
        panels.append(
            f'<figure data-scale="{row["scale"]}"><figcaption>{caption}</figcaption>'
            f'<div class="chart-box small"><canvas></canvas></div></figure>'
        )
    grid.innerHTML = "".join(panels)
    find("batchnorm-legend").hidden = False
    canvases = grid.querySelectorAll("canvas")
    charts.drop("bn-")
    for i, row in enumerate(r["rows"]):
        datasets = [
            series(
                i18n.text("bn_" + key),
                styles.style(j),  # blue circles, solid; vermillion triangles, dashed
                list(range(1, len(row[key]) + 1)),
                row[key],
                pointRadius=2,
            )
            for j, key in enumerate(("batchnorm", "plain"))
        ]
        chart = charts.line(
            f"bn-{i}", canvases[i], datasets, i18n.text("axis_epoch"), i18n.text("axis_accuracy"), 1
        )
        compact(chart, max(len(row["batchnorm"]), len(row["plain"])))


def render_overfit(charts, r):
    """The baseline first, then each regulariser; the epoch axis spans the epochs run."""
    grid = find("overfit-grid")
    variants = r["variants"]
    grid.innerHTML = "".join(
        f'<figure><div class="chart-box"><canvas></canvas></div><figcaption data-testid="overfit-gap-{name}" data-gap="{variants[name]["gap"]}">'
        f"{i18n.text('overfit_' + name)} · {i18n.text('overfit_gap')} {variants[name]['gap']:.3f}</figcaption></figure>"
        for name in OVERFIT_ORDER
    )
    canvases = grid.querySelectorAll("canvas")
    for i, name in enumerate(OVERFIT_ORDER):
        v = variants[name]
        epochs = list(range(1, len(v["train_acc"]) + 1))
        datasets = [
            series(i18n.text("train_acc"), styles.style(0), epochs, v["train_acc"]),
            series(i18n.text("test_acc"), styles.style(1), epochs, v["test_acc"]),
        ]
        chart = charts.line(
            f"overfit-{i}",
            canvases[i],
            datasets,
            i18n.text("axis_epoch"),
            i18n.text("axis_accuracy"),
            1,
        )
        chart.options.scales.x.min, chart.options.scales.x.max = 0, len(epochs)
        chart.update("none")


def render_hyperparams(charts, r, log_label):
    """Every trial at its (η, λ), both axes on log scales spanning exactly the ranges
    sampled; the best trials (those Narrow uses) drawn larger, as outlined diamonds, and
    starred in the table. ``log_label`` labels the log axes' ticks."""
    trials, best = r["trials"], r["best"]
    find("hp-trials").innerHTML = "".join(
        f'<tr data-testid="hp-trial" data-lr="{t["lr"]}" data-wd="{t["weight_decay"]}" data-val-acc="{t["val_acc"]}"'
        f"{' class=best data-best=true' if i < best else ''}>"
        f"<td>{t['lr']:.2e}</td><td>{t['weight_decay']:.2e}</td><td>{'★ ' if i < best else ''}{t['val_acc']:.3f}</td></tr>"
        for i, t in enumerate(trials)
    )
    best_style = {
        "pointRadius": 8,
        "pointStyle": "rectRot",
        "borderColor": "#1d2433",
        "pointBorderWidth": 2,
        "backgroundColor": "#fff",
    }
    # Accuracy shows twice, as the colour on a scale (viridis) and as the size: never by
    # colour alone; the best trials are outlined diamonds besides.
    accs = [t["val_acc"] for t in trials]
    low, high = min(accs), max(accs)
    datasets = []
    for label, group, style in (
        (i18n.text("hp_others"), trials[best:], {"backgroundColor": "#adb5bd"}),
        (i18n.text("hp_best", n=min(best, len(trials))), trials[:best], best_style),
    ):
        by_lr = sorted(group, key=lambda t: t["lr"])  # a Chart.js line dataset is x-sorted
        where = [colour_scale.position(t["val_acc"], low, high) for t in by_lr]
        dataset = {
            "label": label,
            "data": [{"x": t["lr"], "y": t["weight_decay"]} for t in by_lr],
            # the points in their validation accuracy's colour; the legend in the style's
            "pointBackgroundColor": [colour_scale.colour(t) for t in where],
            "pointRadius": [3 + 5 * t for t in where],
            "borderColor": "#1d2433",
            "pointBorderWidth": 1,
            "showLine": False,
            "clip": False,  # a trial at the edge of a range stays whole
        }
        dataset.update(style)
        datasets.append(dataset)
    canvas = find("hp-scatter")
    chart = charts.line("hp", canvas, datasets, "η", "λ", x_type="logarithmic")
    colour_scale.legend(find("hp-scale"), i18n.text("hp_scale"), low, high)
    top = max(trials, key=lambda t: t["val_acc"])
    lr, wd, acc = f"{top['lr']:.2e}", f"{top['weight_decay']:.2e}", f"{top['val_acc']:.3f}"
    TextAlternative(canvas).write(i18n.text("hp_best_trial", lr=lr, wd=wd, acc=acc))
    chart.options.scales.y.type = "logarithmic"
    for axis, (low, high) in (
        (chart.options.scales.x, r["lr_range"]),
        (chart.options.scales.y, r["wd_range"]),
    ):
        axis.min, axis.max = low, high
        axis.ticks.callback = log_label
    chart.update("none")
