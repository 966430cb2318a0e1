"""Every lab at its quick default in headless Chromium, checked against its figure's lesson."""

import json
import math

import pytest
from actions import draw, sel, wait_ready
from test_page import ONE, wait_label

from sitebuild.steps import DIST

LAB_TIMEOUT_MS = 300_000


def run_lab(page, name):
    """Run a lab and wait for *this* run to finish (a previous run left data-done set)."""
    page.click(f'[data-lab-tab="{name}"]')
    page.eval_on_selector(sel(f"lab-{name}"), "lab => lab.removeAttribute('data-done')")
    page.click(sel(f"lab-{name}-run"))
    page.wait_for_selector(f'{sel(f"lab-{name}")}[data-done="true"]', timeout=LAB_TIMEOUT_MS)


def data(page, testid, key):
    return float(page.get_attribute(sel(testid), f"data-{key}"))


def test_gradcheck_optimizers_and_init_labs_show_their_lessons(page):
    # (the graph lab is a stepper of its own: test_steppers.py)
    run_lab(page, "gradcheck")
    rows = page.eval_on_selector_all(
        '[data-testid^="gradcheck-"][data-error]',
        "rs => rs.map(r => [r.dataset.testid, +r.dataset.error])",
    )
    assert {name for name, _ in rows} == {
        "gradcheck-W1",
        "gradcheck-b1",
        "gradcheck-W2",
        "gradcheck-b2",
    }
    assert all(error < 1e-6 for _, error in rows)

    run_lab(page, "optimizers")
    book = {
        "sgd": (-0.350, 0.085),
        "momentum": (0.896, 0.088),
        "adagrad": (-0.120, 0.000),
        "adam": (0.136, 0.318),
    }
    final = {
        name: (
            data(page, f"optimizers-final-{name}", "x"),
            data(page, f"optimizers-final-{name}", "y"),
        )
        for name in book
    }
    for name, (x, y) in book.items():
        assert abs(final[name][0] - x) < 5e-4 and abs(final[name][1] - y) < 5e-4
    assert min(final, key=lambda n: math.hypot(*final[n])) == "adagrad"

    run_lab(page, "init")  # the book's four figures at once
    layers = range(1, 6)
    # std 1, sigmoid: activations pile up at 0 and 1
    assert all(data(page, f"init-1-layer-{i}", "saturated") > 0.5 for i in layers)
    # std 0.01, sigmoid: all near 0.5, every unit says the same
    assert all(data(page, f"init-0.01-layer-{i}", "std") < 0.05 for i in layers)
    # Xavier with sigmoid, He with ReLU: spread in every layer
    assert all(data(page, f"init-xavier-layer-{i}", "saturated") < 0.05 for i in layers)
    assert all(data(page, f"init-xavier-layer-{i}", "std") > 0.1 for i in layers)
    assert all(data(page, f"init-he-layer-{i}", "std") > 0.5 for i in layers)
    # and on MNIST std 0.01 stays at chance while Xavier and He learn (figure 6-15)
    final = {n: data(page, f"init-mnist-final-{n}", "loss") for n in ("std", "xavier", "he")}
    assert final["std"] > 2.2 and final["xavier"] < 1.5 and final["he"] < final["xavier"]
    page.select_option('[data-lab="init"] [data-param="weight"]', "xavier")
    run_lab(page, "init")  # one row: the chosen weight with the chosen activation
    assert page.locator(f"{sel('init-histograms')} .init-row").count() == 1
    assert all(data(page, f"init-xavier-layer-{i}", "saturated") < 0.05 for i in layers)


def test_regularisation_shrinks_the_gap_and_labs_never_block_drawing(page):
    page.click('[data-lab-tab="overfit"]')
    page.click(sel("lab-overfit-run"))
    # While the lab trains in its own worker, the engine still reads a drawing.
    draw(page, ONE)
    wait_label(page, "1")
    page.wait_for_selector(f'{sel("lab-overfit")}[data-done="true"]', timeout=LAB_TIMEOUT_MS)
    gaps = {
        name: data(page, f"overfit-gap-{name}", "gap")
        for name in ("none", "weight_decay", "dropout")
    }
    assert gaps["none"] > gaps["weight_decay"] and gaps["none"] > gaps["dropout"]

    page.click('[data-lab-tab="batchnorm"]')
    page.fill('[data-lab="batchnorm"] [data-param="scales"]', "2")
    page.fill('[data-lab="batchnorm"] [data-param="epochs"]', "3")
    run_lab(page, "batchnorm")
    assert page.locator(f"{sel('batchnorm-grid')} canvas").count() == 2


def test_hyperparameter_search_ranks_trials_and_narrows_the_range(page):
    page.click('[data-lab-tab="hyperparams"]')
    page.fill('[data-lab="hyperparams"] [data-param="trials"]', "4")
    page.fill('[data-lab="hyperparams"] [data-param="epochs"]', "5")
    run_lab(page, "hyperparams")
    trials = page.eval_on_selector_all(
        sel("hp-trial"), "rs => rs.map(r => [+r.dataset.lr, +r.dataset.wd, +r.dataset.valAcc])"
    )
    assert len(trials) == 4
    ranges = {
        key: float(page.input_value(f'[data-lab="hyperparams"] [data-param="{key}"]'))
        for key in ("lr_low", "lr_high", "wd_low", "wd_high")
    }
    assert all(
        ranges["lr_low"] <= lr <= ranges["lr_high"] and ranges["wd_low"] <= wd <= ranges["wd_high"]
        for lr, wd, _ in trials
    )
    accs = [acc for *_, acc in trials]
    assert accs == sorted(accs, reverse=True)
    page.click(sel("hp-narrow"))
    low = float(page.input_value('[data-lab="hyperparams"] [data-param="lr_low"]'))
    assert low >= min(lr for lr, *_ in trials) * 0.99


def test_a_shared_link_opens_and_runs_the_exact_lab(context, site_url):
    page = context.new_page()
    page.goto(f"{site_url}#lab=optimizers&lr_sgd=0.5&steps=10")
    wait_ready(page)
    page.wait_for_selector(f'{sel("lab-optimizers")}[data-done="true"]', timeout=LAB_TIMEOUT_MS)
    assert page.get_attribute('[data-lab-tab="optimizers"]', "aria-selected") == "true"
    assert page.input_value('[data-lab="optimizers"] [data-param="lr_sgd"]') == "0.5"
    x = data(page, "optimizers-final-sgd", "x")
    assert abs(x - (-7 * (1 - 0.05) ** 10)) < 1e-6  # 10 SGD steps of 0.5 · x/10


def test_the_benchmark_page_runs_at_a_tiny_size(context, site_url):
    if not (DIST / "bench" / "bench.html").exists():
        pytest.fail("the benchmark page is built by `python3 build.py test` (or bench)")
    page = context.new_page()
    page.goto(f"{site_url}bench/bench.html?steps=2&rounds=2")
    page.wait_for_selector(f'{sel("bench-result")}[data-done="true"]', timeout=LAB_TIMEOUT_MS)
    result = json.loads(page.inner_text(sel("bench-result")))
    rows = {row["network"]: row for row in result["pyodide"]}
    assert rows["784-50-10"]["pynet_ms"] > 0 and rows["784-50-10"]["book_ms"] > 0
    assert rows["784-100-100-10"]["pynet_ms"] > 0
    # pynet computes with the SIMD kernel there, and a twin with numpy's products alone
    assert all(row["pynet_numpy_ms"] > 0 for row in rows.values())
    assert {(row["network"], row["backend"]) for row in result["tfjs"]} == {
        ("784-50-10", "cpu"),
        ("784-50-10", "wasm"),
        ("784-100-100-10", "cpu"),
        ("784-100-100-10", "wasm"),
    }
    assert all(row["ms"] > 0 for row in result["tfjs"])
    assert all(row["simd_ms"] > 0 and row["numpy_ms"] > 0 for row in result["products"])
    assert result["rounds"] == 2 and result["cross_origin_isolated"] is True
