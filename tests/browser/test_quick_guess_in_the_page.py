"""The page guesses before its engine has arrived (web/page/quick_guess.py on MicroPython),
and its guess is the engine's. The engine is held back by holding its Pyodide loader
(runtime/start_pyodide.mjs) until the test lets it go."""

from actions import draw, sel, wait_ready
from test_page import ONE, ZERO, wait_label

HELD = "**/runtime/start_pyodide.mjs"
#: Fetched by the draw panel once it listens to the canvas.
QUICK_MODEL = "**/models/default.f32"
SEEN = "c => c.toDataURL()"  # its pixels, as a PNG (getImageData twice would warn)


def open_holding_the_engine(context, site_url, before=None):
    """A page whose engine waits (its held requests are returned) and whose canvas listens."""
    held = []
    page = context.new_page()
    if before:
        page.add_init_script(before)
    page.route(HELD, lambda route: held.append(route))
    with page.expect_response(QUICK_MODEL):
        page.goto(site_url)
    return page, held


def let_the_engine_start(page, held):
    for route in held:
        route.continue_()
    wait_ready(page)


def guess(page):
    """(label, ten probabilities, who guessed, the 28×28 image shown) on the page now."""
    probs = [float(page.get_attribute(sel(f"prob-{d}"), "data-value")) for d in range(10)]
    node = sel("prediction")
    seen = page.eval_on_selector(sel("seen-image"), SEEN)
    return page.get_attribute(node, "data-label"), probs, page.get_attribute(node, "data-by"), seen


def test_the_page_reads_a_1_before_the_engine_and_the_engine_agrees(context, site_url):
    page, held = open_holding_the_engine(context, site_url)
    draw(page, ONE)
    wait_label(page, "1")
    label, probs, by, seen = guess(page)
    assert by == "quick"
    assert page.get_attribute(sel("app-status"), "data-state") == "loading"
    assert page.is_visible(sel("guess-note"))
    assert max(probs) == probs[1] > 0.9
    # Done in stretches, with the browser's turns between them (`build.py bench` times them).
    work = float(page.get_attribute(sel("prediction"), "data-quick-ms"))
    assert float(page.get_attribute(sel("prediction"), "data-quick-longest-ms")) < work

    let_the_engine_start(page, held)
    page.wait_for_selector(f'{sel("prediction")}[data-by="engine"]')
    engine_label, engine_probs, _, engine_seen = guess(page)
    assert engine_label == label
    assert all(abs(a - b) < 1e-5 for a, b in zip(probs, engine_probs, strict=True))
    assert engine_seen == seen  # the same 28×28 image, pixel for pixel
    assert not page.is_visible(sel("guess-note"))


def test_the_offline_copy_waits_for_the_engine_even_after_a_quick_guess(context, site_url):
    """The offline copy's 70 MB start once the engine is ready, never while it still loads
    (a quick guess shown before counts as the first guess: no waiting after ready)."""
    page, held = open_holding_the_engine(context, site_url)
    draw(page, ONE)
    wait_label(page, "1")
    page.wait_for_timeout(1000)
    assert page.evaluate("navigator.serviceWorker.getRegistration()") is None
    assert page.get_attribute(sel("offline-status"), "data-state") != "ready"
    let_the_engine_start(page, held)
    page.wait_for_selector(f'{sel("offline-status")}[data-state="ready"]', timeout=60_000)


def test_before_the_engine_the_page_follows_the_drawing(context, site_url):
    page, held = open_holding_the_engine(context, site_url)
    draw(page, ONE)
    wait_label(page, "1")
    page.click(sel("clear-canvas"))
    wait_label(page, "")
    draw(page, ZERO)
    wait_label(page, "0")
    assert page.get_attribute(sel("prediction"), "data-by") == "quick"
    let_the_engine_start(page, held)


def test_a_student_with_a_model_of_their_own_waits_for_the_engine(context, site_url):
    """The default model's guess is not theirs: before the engine, no guess is shown."""
    own = "localStorage.setItem('backprop-lab-model-source', 'trained')"
    page, held = open_holding_the_engine(context, site_url, before=own)
    draw(page, ONE)
    page.wait_for_timeout(3000)  # a quick guess would have come by now (test above: < 1 s)
    assert page.get_attribute(sel("prediction"), "data-label") == ""
    let_the_engine_start(
        page, held
    )  # this new profile has no trained model: the engine says it uses the default
    wait_label(page, "1")
    assert page.get_attribute(sel("prediction"), "data-by") == "engine"
    assert page.evaluate("localStorage.getItem('backprop-lab-model-source')") == "default"


#: A scribble over most of the pad: many inked pixels, so much work for the first layer.
SCRIBBLE = [(0.15 + 0.7 * (i % 2), 0.1 + 0.8 * i / 15) for i in range(16)]


def test_the_quick_guess_never_holds_the_page_for_a_long_task(context, site_url):
    """A long task (over 50 ms without a turn for input and drawing) is what makes a page
    feel stuck. A scribble's quick guess is more work than that, but it comes in 8 ms
    slices, with the browser's turns between them. On a busy machine a slice may be stretched
    by others, so the best of three guesses counts."""
    page, held = open_holding_the_engine(context, site_url)
    node = sel("prediction")
    work, longest = [], []
    for _ in range(3):
        page.click(sel("clear-canvas"))
        wait_label(page, "")
        draw(page, SCRIBBLE)
        page.wait_for_function(f"document.querySelector('{node}').dataset.label !== ''")
        assert page.get_attribute(node, "data-by") == "quick"
        work.append(float(page.get_attribute(node, "data-quick-ms")))
        longest.append(float(page.get_attribute(node, "data-quick-longest-ms")))
    assert min(work) > 50, work  # done in one go, each would be a long task
    assert min(longest) < 50, longest
    let_the_engine_start(page, held)
