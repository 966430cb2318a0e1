"""Whole user paths through Backprop Lab in headless Chromium, offline."""

import math
import re

from actions import draw, sel, wait_ready
from core_paths import ONE

from pynet import serialize
from pynet.network import MultiLayerNet

ZERO = [
    (0.5 + 0.22 * math.sin(2 * math.pi * i / 40), 0.5 - 0.32 * math.cos(2 * math.pi * i / 40))
    for i in range(42)
]


def label(page):
    return page.get_attribute(sel("prediction"), "data-label")


def wait_label(page, expected):
    page.wait_for_function(
        f"document.querySelector('{sel('prediction')}').dataset.label === '{expected}'",
        timeout=15_000,
    )


def set_fields(page, **values):
    for field, value in values.items():
        node = page.locator(sel(field.replace("_", "-")))
        if node.evaluate("n => n.tagName") == "SELECT":
            node.select_option(value)
        else:
            node.fill(str(value))


def wait_done(page, timeout=120_000):
    page.wait_for_selector(f'{sel("train-progress")}[data-done="true"]', timeout=timeout)
    return page.get_attribute(sel("train-progress"), "data-reason")


def test_the_default_model_reads_a_drawn_1_and_0_offline(page):
    assert page.get_attribute(sel("model-info"), "data-source") == "default"
    assert label(page) == ""
    draw(page, ONE)
    wait_label(page, "1")
    # the label and the ten bars in one read: a later guess (the stroke's last points) may
    # land between two separate reads
    shown, probs = page.evaluate(
        """() => [document.querySelector('[data-testid="prediction"]').dataset.label,
                  [...Array(10).keys()].map(d => Number(
                      document.querySelector(`[data-testid="prob-${d}"]`).dataset.value))]"""
    )
    assert abs(sum(probs) - 1) < 1e-4 and max(probs) == probs[int(shown)] and shown == "1"

    page.click(sel("clear-canvas"))
    wait_label(page, "")
    assert page.inner_text(sel("prediction-digit")) == "draw a digit"

    draw(page, ZERO)
    wait_label(page, "0")


def test_the_drawn_digit_shows_in_the_inspector_with_its_saliency(page):
    draw(page, ONE)
    wait_label(page, "1")
    page.wait_for_selector(sel("layer-SoftmaxWithLoss"))
    names = page.eval_on_selector_all(
        f"{sel('layer-inspector')} > article", "a => a.map(n => n.dataset.testid)"
    )
    assert names == ["layer-Affine1", "layer-Relu1", "layer-Affine2", "layer-SoftmaxWithLoss"]
    saliency = page.eval_on_selector(
        sel("saliency"), "c => Array.from(c.getContext('2d').getImageData(0, 0, 28, 28).data)"
    )
    assert len(set(saliency)) > 10  # a real heat map, not a blank


def test_training_in_the_tab_learns_fills_the_inspector_and_survives_a_reload(page):
    page.select_option(sel("inspector-source"), "batch")
    set_fields(
        page, optimizer="adam", learning_rate="0.005", train_size=5000, epochs=1, batch_size=100
    )
    page.check(sel("batchnorm"))
    page.click(sel("train-start"))
    page.wait_for_selector(f'{sel("app-status")}[data-state="training"]')
    # Drawing stays live while the worker trains: the stroke lands on the canvas at once.
    draw(page, ONE)
    inked = page.eval_on_selector(
        sel("draw-canvas"),
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v > 0)",
    )
    assert inked

    assert wait_done(page) == "finished"
    progress = page.locator(sel("train-progress"))
    test_acc = float(progress.get_attribute("data-final-test-acc"))
    print(
        f"\n1 epoch on 5,000 samples: test accuracy {test_acc:.4f}, "
        f"{float(progress.get_attribute('data-ms-per-step')):.2f} ms per step in the page"
    )
    assert test_acc >= 0.90
    assert progress.get_attribute("data-epoch") == "1"

    # Below the default model's 97.9%, the new model waits for the student's choice.
    assert page.get_attribute(sel("model-info"), "data-source") == "default"
    page.click(sel("model-use-new"))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'trained'"
    )
    page.wait_for_selector(sel("layer-BatchNorm1"))
    layers = page.eval_on_selector_all(
        f"{sel('layer-inspector')} > article",
        "a => a.map(n => [n.dataset.testid, +n.dataset.gradNorm, n.dataset.dwNorm,"
        " n.dataset.dgammaNorm])",
    )
    assert [name for name, *_ in layers] == [
        "layer-Affine1",
        "layer-BatchNorm1",
        "layer-Relu1",
        "layer-Affine2",
        "layer-SoftmaxWithLoss",
    ]
    assert all(grad > 0 for _, grad, _, _ in layers)
    assert float(layers[0][2]) > 0 and float(layers[3][2]) > 0 and float(layers[1][3]) > 0

    assert page.get_attribute(sel("model-info"), "data-source") == "trained"
    page.reload()
    wait_ready(page)
    assert page.get_attribute(sel("model-info"), "data-source") == "trained"
    assert re.search(r"0\.9\d{3}", page.inner_text(sel("model-info")))


def test_stop_ends_a_run_mid_way_and_keeps_what_was_learned(page):
    set_fields(page, train_size=60000, epochs=5)
    page.click(sel("train-start"))
    page.wait_for_function(
        f"+document.querySelector('{sel('train-progress')}').dataset.step > 30", timeout=60_000
    )
    page.click(sel("train-stop"))
    assert wait_done(page) == "stopped"
    steps = int(page.get_attribute(sel("train-progress"), "data-step"))
    assert 30 < steps < 3000
    assert page.get_attribute(sel("app-status"), "data-state") == "ready"


def test_invalid_values_are_refused_next_to_the_field(page):
    set_fields(page, optimizer="momentum")  # the form shows the optimizer's own parameters
    assert page.input_value(sel("optimizer-params")) == "momentum=0.9"
    assert page.input_value(sel("learning-rate")) == "0.01"
    set_fields(page, optimizer="adam", optimizer_params="momentum=0.9")
    page.click(sel("train-start"))
    page.locator('[data-error-for="optimizer-params"]').wait_for()
    assert "Adam has no parameter momentum" in page.inner_text(
        '[data-error-for="optimizer-params"]'
    )

    set_fields(page, optimizer="adam", learning_rate="-0.1", hidden_layers="100,abc")
    page.click(sel("train-start"))
    error = page.locator('[data-error-for="learning-rate"]')
    error.wait_for()
    assert "learning rate must be a positive number, got -0.1" in error.inner_text()
    assert "sizes separated by commas" in page.inner_text('[data-error-for="hidden-layers"]')
    assert page.get_attribute(sel("learning-rate"), "aria-invalid") == "true"
    assert page.get_attribute(sel("train-progress"), "data-done") is None


def test_a_diverging_run_stops_with_a_message_and_keeps_good_weights(page):
    set_fields(page, optimizer="sgd", learning_rate="100000", train_size=1000, epochs=3)
    page.click(sel("train-start"))
    assert wait_done(page) == "diverged"
    assert "smaller learning rate" in page.inner_text(sel("progress-text"))
    page.click(sel("model-use-new"))  # a diverged run's model is used only if chosen
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'trained'"
    )
    draw(page, ONE)  # the kept weights are finite: the page still gives a guess
    page.wait_for_function(f"document.querySelector('{sel('prediction')}').dataset.label !== ''")


def test_a_model_file_downloads_and_a_corrupt_one_is_refused(page, tmp_path):
    with page.expect_download() as download:
        page.click(sel("model-download"))
    assert download.value.suggested_filename == "backprop-lab-784-100-10-97.9pct.npz"
    path = tmp_path / "model.npz"
    download.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK"

    before = page.inner_text(sel("model-info"))
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 this is not really a model")
    page.set_input_files(sel("model-upload"), str(bad))
    page.wait_for_function(f"document.querySelector('{sel('model-message')}').textContent !== ''")
    assert "not loaded" in page.inner_text(sel("model-message"))
    assert page.inner_text(sel("model-info")) == before

    page.set_input_files(sel("model-upload"), str(path))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'uploaded'"
    )
    page.click(sel("model-reset"))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'default'"
    )


def test_a_narrower_uploaded_model_shows_all_its_units_as_tiles(page, tmp_path):
    """After the default model's 100 units, a 784-16-10 model: the inspector tiles its 16
    first-layer units (two rows of ten), W and dW alike."""
    draw(page, ONE)
    wait_label(page, "1")
    size = "c => [c.width, c.height].join('x')"
    page.wait_for_selector(sel("weight-tiles"))
    page.locator(sel("weight-tiles")).scroll_into_view_if_needed()  # drawn once in sight
    page.wait_for_function(f"document.querySelector('{sel('weight-tiles')}').height === 291")
    path = tmp_path / "narrow.npz"
    path.write_bytes(serialize.to_bytes(MultiLayerNet(784, [16], 10, seed=1)))
    page.set_input_files(sel("model-upload"), str(path))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'uploaded'"
    )
    page.locator(sel("weight-tiles")).scroll_into_view_if_needed()
    page.wait_for_function(f"document.querySelector('{sel('weight-tiles')}').height === 59")
    for tiles in ("w-tiles", "weight-tiles"):
        assert page.eval_on_selector(sel(tiles), size) == "291x59", tiles


def test_the_page_switches_to_korean(page):
    page.select_option(sel("lang"), "ko")
    assert page.inner_text("h1") == "역전파 실험실"
    assert page.inner_text(sel("train-start")) == "학습 시작"
    assert page.get_attribute("html", "lang") == "ko"


def test_a_second_tab_of_the_site_leaves_the_first_one_working(page, context, site_url):
    """Each page asks the site's workers where their start is, on a channel every tab of the
    site shares: the first tab hears the second's question too (it once threw on it)."""
    second = context.new_page()
    second.goto(site_url)
    wait_ready(second)
    draw(page, ONE)
    wait_label(page, "1")
    # (console errors in either tab fail the test: conftest.py)


def test_a_second_visit_works_with_no_network_at_all(browser, own_site):
    """The service worker keeps the site; with the server gone, a reload still starts
    (Pyodide from its memory snapshot with numpy, pynet from its bytecode, the SIMD kernel
    for pynet's products), guesses a drawing and trains on MNIST."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(own_site.url)
    wait_ready(page)
    page.wait_for_selector(f'{sel("offline-status")}[data-state="ready"]', timeout=60_000)
    assert page.is_visible(sel("offline-status"))

    own_site.stop()
    messages = []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.reload()
    wait_ready(page)
    assert page.evaluate("crossOriginIsolated")  # the cached responses kept their headers
    draw(page, ONE)
    wait_label(page, "1")
    set_fields(page, train_size=1000, epochs=1)
    page.click(sel("train-start"))
    assert wait_done(page) == "finished"
    assert ("info", "Pyodide started from its memory snapshot, numpy imported") in messages
    simd = "pynet's large products run in WebAssembly SIMD"
    assert any(kind == "info" and text.startswith(simd) for kind, text in messages)
    fallbacks = ("Pyodide starts without", "numpy and pynet will compile")
    assert [text for _, text in messages if text.startswith(fallbacks)] == []
    assert [text for kind, text in messages if kind == "error"] == []
    context.close()


def test_without_its_snapshot_bytecode_and_simd_kernel_the_page_works_the_slow_way(
    browser, site_url
):
    """The start-up shortcuts and the SIMD kernel are optional: a first visit does without
    the snapshot (its offline copy keeps it for the next), and if the bytecode and the
    kernel cannot be downloaded, the console says so and the page works as before, with
    numpy's products."""
    context = browser.new_context()
    for name in ("pyodide/snapshot.bin", "pyodide/bytecode.zip", "matmul_simd.wasm"):
        context.route(f"**/{name}", lambda route: route.fulfill(status=404))
    page = context.new_page()
    warnings, infos = [], []
    page.on("console", lambda m: (warnings if m.type == "warning" else infos).append(m.text))
    page.goto(site_url)
    wait_ready(page)
    draw(page, ONE)
    wait_label(page, "1")
    assert any(text.startswith("Pyodide starts the ordinary way: a first visit") for text in infos)
    assert any(text.startswith("numpy and pynet will compile") for text in warnings)
    simd = "pynet computes with numpy's products: the SIMD kernel failed"
    assert any(text.startswith(simd) for text in warnings)
    context.close()
