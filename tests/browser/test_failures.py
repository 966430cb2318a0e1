"""When something fails under the page (a worker dies, the data cannot be fetched), the
student gets a message within seconds and controls that work: nothing hangs."""

from actions import draw, sel, wait_ready
from test_page import ONE, set_fields, wait_done, wait_label

#: The watchdog's worst case: quiet 20 s during training, then a ping with 6 s to answer.
RECOVERY_MS = 45_000


def test_a_worker_that_dies_mid_run_is_replaced_and_the_page_keeps_working(page):
    set_fields(page, train_size=60000, epochs=20)
    page.click(sel("train-start"))
    page.wait_for_function(
        f"Number(document.querySelector('{sel('train-progress')}').dataset.step) > 3",
        timeout=60_000,
    )
    page.evaluate("document.querySelector('script[name=\"engine\"]').xworker.terminate()")

    assert wait_done(page, timeout=RECOVERY_MS) == "failed"
    assert "stopped answering" in page.inner_text(sel("progress-text"))
    wait_ready(page)
    assert "restarted" in page.inner_text(sel("model-message"))
    assert page.is_enabled(sel("train-start")) and not page.is_enabled(sel("train-stop"))
    draw(page, ONE)
    wait_label(page, "1")  # the new engine, with the model the page had


def test_data_that_cannot_be_fetched_ends_the_run_with_a_message(context, site_url):
    context.route("**/data/*", lambda route: route.abort())
    context.expected_console.append("net::ERR_FAILED")
    page = context.new_page()
    page.goto(site_url)
    wait_ready(page)
    set_fields(page, train_size=1000, epochs=1)
    page.click(sel("train-start"))

    assert wait_done(page, timeout=30_000) == "failed"
    text = page.inner_text(sel("progress-text"))
    assert "Could not fetch data/" in text and "nothing was changed" in text
    assert page.get_attribute(sel("model-info"), "data-source") == "default"
    assert page.is_enabled(sel("train-start")) and not page.is_enabled(sel("train-stop"))


def test_a_start_that_cannot_finish_says_why_and_offers_to_start_clean(context, site_url):
    """The default model replaced by garbage (a broken host, a bad cache): the page does not
    hang on "Loading"; it says why and offers to forget what the browser saved."""
    context.route("**/models/default.npz", lambda route: route.fulfill(body=b"not a model"))
    context.expected_console.extend(["not an .npz model file", "ModelFileError"])
    page = context.new_page()
    page.goto(site_url)
    page.wait_for_selector(f'{sel("app-status")}[data-state="error"]', timeout=90_000)
    assert "could not start" in page.inner_text(sel("app-status"))
    assert "not an .npz model file" in page.inner_text(sel("app-status"))
    assert page.is_visible(sel("start-clean"))

    context.unroute("**/models/default.npz")  # the host is mended: Start clean gets going
    page.click(sel("start-clean"))
    wait_ready(page)
    assert page.get_attribute(sel("model-info"), "data-source") == "default"


def test_a_start_that_stalls_shows_its_megabytes_and_is_made_again(context, site_url):
    """Python's standard library's first request never answers (a dropped connection): the
    loading view shows what has arrived, and after 30 s with nothing more the engine starts
    again."""
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)  # never answered

    context.route("**/pyodide/python_stdlib.zip", hold_the_first)
    context.expected_console.append("received nothing for 30 s")
    page = context.new_page()
    page.goto(site_url)
    page.wait_for_function(
        f"/[0-9.]+ of [0-9.]+ MB/.test(document.querySelector('{sel('app-status')}').textContent)"
    )
    wait_ready(page)
    assert len(held) == 1
    draw(page, ONE)
    wait_label(page, "1")


def test_a_malformed_link_is_read_as_far_as_it_can_be_and_the_page_gets_ready(context, site_url):
    page = context.new_page()
    page.goto(f"{site_url}#epochs=5&x=%E0%A4%A")
    wait_ready(page)
    assert page.input_value(sel("epochs")) == "5"
    assert "could not be read" in page.inner_text(sel("link-notice"))
