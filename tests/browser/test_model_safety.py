"""The student's model is never lost or silently replaced: a run that did not do better asks
before it takes over, Undo goes back, and a reload restores exactly the model in use."""

import re

from actions import draw, sel, wait_ready
from test_page import ONE, set_fields, wait_done, wait_label

#: Sigmoid, the book's std 0.01 and SGD at its default learning rate barely learn in 1 epoch.
BAD_RUN = {
    "activation": "sigmoid",
    "init": "std",
    "optimizer": "sgd",
    "train_size": 1000,
    "epochs": 1,
}


def model_state(page):
    info = page.locator(sel("model-info"))
    return {
        "source": info.get_attribute("data-source"),
        "architecture": info.get_attribute("data-architecture"),
        "accuracy": info.get_attribute("data-test-accuracy"),
        "text": info.inner_text(),
    }


def download(page):
    """The model in use as the student downloads it: its file name and bytes."""
    with page.expect_download() as download:
        page.click(sel("model-download"))
    return download.value.suggested_filename, open(download.value.path(), "rb").read()


def run(page, **fields):
    set_fields(page, **fields)
    page.click(sel("train-start"))
    return wait_done(page)


def test_a_bad_run_waits_for_a_choice_and_the_default_model_survives_a_reload(page):
    default = model_state(page)
    assert default["source"] == "default" and default["text"].endswith("test accuracy 0.9789")
    assert page.is_hidden(sel("model-choice"))

    assert run(page, **BAD_RUN) == "finished"
    acc = float(page.get_attribute(sel("train-progress"), "data-final-test-acc"))
    assert acc < 0.2
    assert model_state(page) == default
    question = page.locator(sel("model-choice-text"))
    question.wait_for()
    assert question.get_attribute("role") == "alert"
    assert f"reaches {100 * acc:.1f}% test accuracy" in question.inner_text()
    assert "the model in use reaches 97.9%" in question.inner_text()
    assert page.inner_text(sel("model-use-new")) == f"Use the new model ({100 * acc:.1f}%)"
    assert page.inner_text(sel("model-keep")) == "Keep the current one (97.9%)"
    draw(page, ONE)
    wait_label(page, "1")

    page.reload()
    wait_ready(page)
    assert model_state(page) == default
    assert page.is_visible(sel("model-choice"))  # the new model still waits, unchosen
    draw(page, ONE)
    wait_label(page, "1")


def test_choosing_the_bad_model_by_keyboard_survives_a_reload_exactly_and_undo_restores(page):
    assert run(page, **BAD_RUN) == "finished"
    page.locator(sel("model-choice")).wait_for()
    page.focus(sel("train-start"))
    page.keyboard.press("Tab")  # the question's first button comes next
    assert page.evaluate("document.activeElement.dataset.testid") == "model-use-new"
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'trained'"
    )
    assert page.is_hidden(sel("model-choice"))
    assert page.evaluate("document.activeElement.dataset.testid") == "model-undo"
    assert page.inner_text(sel("model-undo")) == "Undo: back to the default model (97.9%)"
    chosen = model_state(page)
    assert chosen["architecture"] == "784-100-10"
    name, weights = download(page)
    assert name == f"backprop-lab-784-100-10-{100 * float(chosen['accuracy']):.1f}pct.npz"

    page.reload()
    wait_ready(page)
    assert model_state(page) == chosen
    assert download(page) == (name, weights)  # the very same file: weights, info and all

    page.click(sel("model-undo"))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'default'"
    )
    assert "Back to the previous model" in page.inner_text(sel("model-message"))
    draw(page, ONE)
    wait_label(page, "1")
    assert re.fullmatch(
        r"Undo: back to the model trained in this browser \(\d+\.\d%\)",
        page.inner_text(sel("model-undo")),
    )
    page.reload()
    wait_ready(page)
    assert model_state(page)["source"] == "default"


def use_a_bad_run(page) -> dict:
    """Train BAD_RUN, choose its model when asked, and return that model's state."""
    assert run(page, **BAD_RUN) == "finished"
    page.click(sel("model-use-new"))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'trained'"
    )
    return model_state(page)


def test_a_better_run_takes_over_with_an_undo_back_to_the_model_it_replaced(page):
    bad = use_a_bad_run(page)
    accuracy_in_use = f"document.querySelector('{sel('model-info')}').dataset.testAccuracy"

    assert run(page, activation="relu", init="he", optimizer="adam", train_size=5000) == "finished"
    page.wait_for_function(f"{accuracy_in_use} !== '{bad['accuracy']}'")
    assert float(model_state(page)["accuracy"]) > 0.85
    assert page.is_hidden(sel("model-choice"))
    assert "is now in use" in page.inner_text(sel("model-message"))
    page.click(sel("model-undo"))
    page.wait_for_function(f"{accuracy_in_use} === '{bad['accuracy']}'")


def test_a_run_paused_stepped_and_stopped_asks_even_when_better_and_its_report_is_its_own(page):
    bad = use_a_bad_run(page)

    set_fields(page, train_size=30000, epochs=1, batch_size=50)  # 600 steps: time to pause
    page.click(sel("train-start"))
    page.wait_for_function(
        f"+document.querySelector('{sel('train-progress')}').dataset.step >= 20", timeout=60_000
    )
    page.click(sel("train-pause"))
    page.wait_for_selector(f'{sel("train-progress")}[data-paused="true"]')
    paused_at = int(page.get_attribute(sel("train-progress"), "data-step"))
    page.click(sel("train-step"))
    page.wait_for_selector(f'{sel("train-progress")}[data-step="{paused_at + 1}"]')
    page.click(sel("train-stop"))
    assert wait_done(page) == "stopped"

    new_acc = float(page.get_attribute(sel("train-progress"), "data-final-test-acc"))
    assert new_acc > float(bad["accuracy"])  # better, yet stopped: it asks
    page.locator(sel("model-choice")).wait_for()
    assert model_state(page) == bad
    # the report after the run is the stopped run's model, the one waiting
    status = page.locator(sel("evaluate-status"))
    status.filter(has_text="The new model, waiting for your choice").wait_for(timeout=60_000)
    assert f"accuracy {new_acc:.4f}" in status.inner_text()

    page.click(sel("model-keep"))
    page.locator(sel("model-choice")).wait_for(state="hidden")
    assert model_state(page) == bad
    assert page.is_hidden(sel("evaluation"))  # it described the model just discarded


def test_a_diverged_run_asks_and_keeping_the_current_model_forgets_it(page):
    assert run(page, optimizer="sgd", learning_rate="100000", train_size=1000, epochs=3) == (
        "diverged"
    )
    page.locator(sel("model-choice")).wait_for()
    assert model_state(page)["source"] == "default"
    page.click(sel("model-keep"))
    page.locator(sel("model-choice")).wait_for(state="hidden")
    assert "the new one was discarded" in page.inner_text(sel("model-message"))
    assert page.is_hidden(sel("model-undo"))
    page.reload()
    wait_ready(page)
    assert page.is_hidden(sel("model-choice"))
    assert model_state(page)["source"] == "default"


def test_an_unreadable_stored_model_falls_back_to_the_default_with_a_notice(page):
    # What a damaged or stale entry looks like to the engine: bytes that are no model.
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("IDBMap/backprop-lab/models");
            open.onerror = reject;
            open.onsuccess = () => {
                const put = open.result.transaction("entries", "readwrite")
                    .objectStore("entries")
                    .put(new TextEncoder().encode("PK\\x03\\x04 not a model"), "model:in_use");
                put.onsuccess = () => { open.result.close(); resolve(); };
                put.onerror = reject;
            };
        })"""
    )
    page.reload()
    wait_ready(page)
    assert model_state(page)["source"] == "default"
    message = page.inner_text(sel("model-message"))
    assert "could not be read (not an .npz model file" in message
    assert "the default model is in use" in message
    with page.expect_download() as download:  # the entry is gone, but not from the student
        page.click(sel("model-set-aside"))
    assert download.value.path().read_bytes() == b"PK\x03\x04 not a model"
    draw(page, ONE)
    wait_label(page, "1")
