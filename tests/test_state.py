"""The page's settings in the URL (web/page/state.py), read natively: a bad link never stops
the page, it is read as far as it can be."""

import sys
import types
import urllib.parse

import pytest

sys.modules.setdefault("js", types.ModuleType("js"))

import state  # noqa: E402


def decode_like_a_browser(text):
    """decodeURIComponent: a malformed escape is an error (JavaScript's URIError)."""
    return urllib.parse.unquote(str(text), errors="strict")


@pytest.fixture(autouse=True)
def browser_decoding(monkeypatch):
    monkeypatch.setattr(sys.modules["js"], "decodeURIComponent", decode_like_a_browser, False)


def test_a_malformed_escape_is_skipped_and_the_rest_is_read():
    pairs, skipped = state.parse_fragment("#lab=graph&x=%E0%A4%A&epochs=5")
    assert pairs == {"lab": "graph", "epochs": "5"}
    assert skipped == ["x=%E0%A4%A"]


def test_a_good_link_is_read_whole():
    pairs, skipped = state.parse_fragment("#learning-rate=0.01&hidden-layers=100%2C50")
    assert pairs == {"learning-rate": "0.01", "hidden-layers": "100,50"} and skipped == []
