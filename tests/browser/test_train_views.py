"""Watching training in headless Chromium: one mini-batch at a time, the inspector across
layers, and the model's report on the 10,000 test images (issue 17)."""

import json
import math

from actions import sel
from test_page import set_fields, wait_done

#: MNIST's test images per digit, 0 to 9 (the t10k set).
TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
#: The loss of a network that gives each of ten classes 1/10: chance level.
LN_10 = math.log(10)


def step_of(page, testid):
    return page.get_attribute(sel(testid), "data-step")


def wait_step(page, testid, step):
    page.wait_for_function(
        f"document.querySelector('{sel(testid)}').dataset.step === '{step}'", timeout=15_000
    )


def chart_data(page, testid):
    """Each dataset of the Chart.js chart on canvas ``testid``: its label and points."""
    return page.evaluate(
        f"Chart.getChart(document.querySelector('{sel(testid)}')).data.datasets"
        ".map(d => [d.label, d.data.map(p => [p.x, p.y])])"
    )


def confusion_matrix(page):
    page.wait_for_selector(f"{sel('confusion-matrix')}[data-values]", timeout=60_000)
    return json.loads(page.get_attribute(sel("confusion-matrix"), "data-values"))


def test_pause_steps_one_mini_batch_at_a_time_and_continue_finishes(page):
    # 600 steps of a two-hidden-layer net: long enough to pause, two layers to compare
    set_fields(page, hidden_layers="50,50", train_size=30000, epochs=1, batch_size=50)
    page.click(sel("train-start"))
    page.wait_for_function(
        f"+document.querySelector('{sel('train-progress')}').dataset.step >= 5", timeout=60_000
    )
    page.click(sel("train-pause"))
    page.wait_for_selector(f'{sel("train-progress")}[data-paused="true"]')
    paused_at = int(step_of(page, "train-progress"))
    wait_step(page, "layer-inspector", paused_at)  # the inspector shows where it stopped
    page.wait_for_timeout(800)
    assert int(step_of(page, "train-progress")) == paused_at  # nothing runs while paused
    assert page.is_enabled(sel("train-step")) and page.is_disabled(sel("train-pause"))

    page.click(sel("train-step"))
    wait_step(page, "train-progress", paused_at + 1)
    wait_step(page, "layer-inspector", paused_at + 1)
    page.wait_for_timeout(800)
    assert int(step_of(page, "train-progress")) == paused_at + 1  # exactly one step
    assert page.get_attribute(sel("train-progress"), "data-paused") == "true"

    # the inspector: W beside dW, and both hidden layers on one shared x-range
    # (drawn once in sight: views out of sight wait, page/frames.py)
    page.locator(sel("w-tiles")).scroll_into_view_if_needed()
    page.wait_for_function(f"document.querySelector('{sel('w-tiles')}').width === 291")
    w_tiles = page.eval_on_selector(
        sel("w-tiles"), "c => new Set(c.getContext('2d').getImageData(0, 0, 60, 60).data).size"
    )
    assert w_tiles > 10
    for part in ("activations", "gradients"):
        ranges = page.eval_on_selector_all(
            f'[data-part="{part}"] canvas',
            "cs => cs.map(c => { const x = Chart.getChart(c).scales.x; return [x.min, x.max] })",
        )
        assert len(ranges) == 2 and ranges[0] == ranges[1] and ranges[0][0] < ranges[0][1]

    page.click(sel("train-continue"))
    assert wait_done(page) == "finished"
    assert step_of(page, "train-progress") == "600"

    (_, loss), (chance_label, chance) = chart_data(page, "loss-chart")
    assert "ln 10" in chance_label
    assert chance == [[0, LN_10], [600, LN_10]]
    assert len(loss) == 600 and loss[-1][1] < 1
    (_, train), (_, test) = chart_data(page, "acc-chart")
    assert [x for x, _ in train] == [0, 1] and [x for x, _ in test] == [0, 1]
    assert train[0][1] < 0.3 and test[0][1] < 0.3  # epoch 0: the untrained network

    # after the run, its report on the test set comes by itself
    final = float(page.get_attribute(sel("train-progress"), "data-final-test-acc"))
    matrix = confusion_matrix(page)
    assert sum(map(sum, matrix)) == 10_000
    assert sum(matrix[i][i] for i in range(10)) == round(final * 10_000)


def test_the_default_models_confusion_matrix_and_its_mistakes_with_their_saliency(page):
    page.click(sel("evaluate-run"))
    matrix = confusion_matrix(page)
    assert [len(row) for row in matrix] == [10] * 10
    assert [sum(row) for row in matrix] == TEST_CLASS_COUNTS  # rows are the true digits
    accuracy = float(page.get_attribute(sel("model-info"), "data-test-accuracy"))
    assert sum(matrix[i][i] for i in range(10)) == round(accuracy * 10_000)
    assert page.locator(f"{sel('confusion-matrix')} th[scope=row]").count() == 10

    items = page.eval_on_selector_all(
        sel("misclassified-item"),
        "bs => bs.map(b => [+b.dataset.index, +b.dataset.label, +b.dataset.guess])",
    )
    assert len(items) == 30
    assert all(label != guess for _, label, guess in items)
    assert [index for index, *_ in items] == sorted(index for index, *_ in items)

    page.locator(sel("misclassified-item")).nth(0).click()
    detail = f'{sel("misclassified-detail")}[data-index="{items[0][0]}"]'
    page.wait_for_selector(detail)
    assert int(page.get_attribute(detail, "data-label")) == items[0][2]  # the model's guess
    saliency = page.eval_on_selector(
        sel("misclassified-saliency"),
        "c => new Set(c.getContext('2d').getImageData(0, 0, 28, 28).data).size",
    )
    assert saliency > 10  # a real heat map, not a blank

    page.locator(sel("misclassified-item")).nth(1).focus()  # and from the keyboard
    page.keyboard.press("Enter")
    page.wait_for_selector(f'{sel("misclassified-detail")}[data-index="{items[1][0]}"]')
