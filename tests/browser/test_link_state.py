"""The URL's fragment helps and never hurts: it holds only valid settings that differ from the
defaults, names a lab only once the student opened one, and a link that cannot be read or
used is dropped with a notice while the page still becomes ready."""

import json

from actions import sel, wait_ready
from test_labs_in_the_page import LAB_TIMEOUT_MS
from test_page import set_fields


def wait_fragment(page, expected):
    """Wait until the fragment holds exactly the pairs of ``expected`` (in any order: the
    page's MicroPython dicts keep none)."""
    pairs = sorted(expected.lstrip("#").split("&")) if expected else []
    page.wait_for_function(
        f"JSON.stringify(location.hash.slice(1).split('&').filter(p => p).sort())"
        f" === {json.dumps(json.dumps(pairs, separators=(',', ':')))}",
        timeout=10_000,
    )


def record_fragments(page):
    """Keep every URL the page writes (it replaces the fragment as settings change)."""
    page.evaluate(
        """() => {
            window.writtenUrls = [];
            const replace = history.replaceState.bind(history);
            history.replaceState = (state, title, url) => {
                window.writtenUrls.push(String(url));
                return replace(state, title, url);
            };
        }"""
    )


def change(page, **values):
    """Type new values as a student does: each field's change lands when it loses focus."""
    for field, value in values.items():
        set_fields(page, **{field: value})
        page.locator(sel(field.replace("_", "-"))).blur()


def open_page(context, url):
    page = context.new_page()
    page.goto(url)
    wait_ready(page)
    return page


def test_changing_a_setting_writes_only_that_setting_and_no_lab(page):
    change(page, epochs=2)
    wait_fragment(page, "#epochs=2")
    change(page, epochs=3)  # back to the default: nothing left to say
    wait_fragment(page, "")


def test_an_invalid_learning_rate_is_never_written(page):
    record_fragments(page)
    change(page, learning_rate="0.005")
    wait_fragment(page, "#learning-rate=0.005")
    change(page, learning_rate="fast")
    change(page, epochs=2)  # while the form holds a refused value, the URL waits
    change(page, learning_rate="0.002")
    wait_fragment(page, "#learning-rate=0.002&epochs=2")
    written = page.evaluate("window.writtenUrls")
    assert written and not [url for url in written if "fast" in url]


def test_a_reload_with_no_lab_lands_at_the_top_and_runs_nothing(page):
    change(page, epochs=2)
    wait_fragment(page, "#epochs=2")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.reload()
    wait_ready(page)
    assert page.evaluate("window.scrollY") == 0
    assert page.input_value(sel("epochs")) == "2"
    assert page.locator("script[name^=lab]").count() == 0  # the lab worker never started
    assert page.get_attribute(sel("lab-graph"), "data-done") is None


def test_an_opened_lab_is_in_the_link_and_a_reload_reopens_it_without_running_it(page):
    page.click('[data-lab-tab="optimizers"]')
    wait_fragment(page, "#lab=optimizers")
    page.reload()
    wait_ready(page)
    assert page.get_attribute('[data-lab-tab="optimizers"]', "aria-selected") == "true"
    assert page.is_visible(sel("lab-optimizers"))
    assert page.get_attribute(sel("lab-optimizers"), "data-done") is None
    assert page.locator("script[name^=lab]").count() == 0


def test_a_malformed_link_reaches_ready_with_a_notice_and_opens_its_lab(context, site_url):
    page = open_page(context, f"{site_url}#lab=graph&x=%E0%A4%A&y=%E0%A4")
    notice = page.locator(sel("link-notice"))
    assert notice.is_visible()
    assert "could not be read and was ignored: “x=%E0%A4%A”" in notice.inner_text()
    assert "could not be read and was ignored: “y=%E0%A4”" in notice.inner_text()
    assert page.get_attribute('[data-lab-tab="graph"]', "aria-selected") == "true"
    # the link's lab is open: the graph stepper, drawn on load, at the book's total
    page.wait_for_selector(f'{sel("graph-svg")}[data-ready="true"]', timeout=LAB_TIMEOUT_MS)
    assert page.get_attribute(sel("graph-node-n8"), "data-value") == "715.0000000000001"
    wait_fragment(page, "#lab=graph")


def test_invalid_values_in_a_link_are_dropped_with_a_notice(context, site_url):
    page = open_page(context, f"{site_url}#batch-size=0&learning-rate=fast&epochs=2")
    notice = page.inner_text(sel("link-notice"))
    assert "The link's Batch size “0” was not used: batch size must be from 1" in notice
    assert "The link's Learning rate “fast” was not used" in notice
    assert page.input_value(sel("batch-size")) == "100"
    assert page.input_value(sel("learning-rate")) == "0.001"
    assert page.input_value(sel("epochs")) == "2"
    wait_fragment(page, "#epochs=2")


def test_a_link_naming_an_optimizer_gets_its_own_learning_rate(context, site_url):
    page = open_page(context, f"{site_url}#optimizer=momentum")
    assert page.input_value(sel("learning-rate")) == "0.01"
    assert page.input_value(sel("optimizer-params")) == "momentum=0.9"
    assert page.is_hidden(sel("link-notice"))
