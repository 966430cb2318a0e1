"""The page's settings and the URL fragment (web/page/state.py), run natively: reading a link
never fails, whatever it holds; a bad link is read as far as it can be."""

import sys
import types
from urllib.parse import quote

import pytest

sys.modules.setdefault("js", types.ModuleType("js"))  # state.py's js only encodes for the URL
import state  # noqa: E402


@pytest.mark.parametrize("text", ["0.005", "beta1=0.9, beta2=0.999", "한국어", "∂/∂x", "a&b=c"])
def test_decode_reads_what_the_browser_encodes(text):
    assert state.decode(quote(text, safe="")) == text


@pytest.mark.parametrize(
    "text", ["%E0%A4%A", "%", "%G0", "% f", "%+f", "%-1", "%E0%A4", "%FF", "100%"]
)
def test_decode_refuses_a_malformed_escape_or_bytes_that_are_not_utf8(text):
    with pytest.raises(ValueError):
        state.decode(text)


def test_a_malformed_part_is_set_aside_and_the_rest_is_read():
    pairs, unreadable = state.parse_fragment("#lab=graph&x=%E0%A4%A&epochs=2&stray&")
    assert pairs == {"lab": "graph", "epochs": "2"}
    assert unreadable == ["x=%E0%A4%A", "stray"]


def test_a_good_link_is_read_whole():
    pairs, unreadable = state.parse_fragment("#learning-rate=0.01&hidden-layers=100%2C50")
    assert pairs == {"learning-rate": "0.01", "hidden-layers": "100,50"} and unreadable == []


def test_an_unreadable_part_is_shown_cut_short():
    _, unreadable = state.parse_fragment("#x=%ZZ" + "a" * 500)
    assert len(unreadable[0]) == state.SHOWN_CHARS and unreadable[0].endswith("…")


def test_a_link_that_names_an_optimizer_gets_its_own_learning_rate_and_parameters():
    optimizers = {"momentum": ("0.01", "momentum=0.9"), "adam": ("0.001", "beta1=0.9")}
    settings = state.from_fragment({"optimizer": "momentum", "epochs": "2"}, optimizers)
    assert settings["learning-rate"] == "0.01"
    assert settings["optimizer-params"] == "momentum=0.9"
    assert settings["epochs"] == "2"
    given = state.from_fragment({"optimizer": "momentum", "learning-rate": "0.1"}, optimizers)
    assert given["learning-rate"] == "0.1"


def test_a_link_with_an_unknown_optimizer_or_key_keeps_the_defaults_elsewhere():
    settings = state.from_fragment({"optimizer": "rmsprop2", "nonsense": "1"}, {})
    assert settings == {**state.DEFAULTS, "optimizer": "rmsprop2"}
    assert state.from_fragment({"batchnorm": "true"})["batchnorm"] is True
