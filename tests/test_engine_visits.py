"""The engines' first-visit rows of `build.py bench` (benchmarks/engine_visits.py): how the
visits become rows, how long a session may take, and which engines the bench leaves out."""

import pytest
from core_paths import PATHS, session_limit

from benchmarks.engine_visits import summarise
from sitebuild import browsers
from sitebuild.steps import BuildError


def visit(guess_s: float, ready_s: float, by: str = "quick", next_s: float = 2.0) -> dict:
    return {
        "ok": True,
        "error": "",
        "drawn_s": 1.0,
        "guess_s": guess_s,
        "ready_s": ready_s,
        "guess_by": by,
        "guess_label": "1",
        "next_ready_s": next_s,
    }


def test_each_engine_row_is_the_median_of_its_visits_with_its_ratio_to_chromium():
    rows = summarise(
        {
            "chromium": [visit(2.0, 3.0), visit(2.4, 2.9), visit(9.0, 9.0)],
            "webkit": [
                visit(2.6, 10.9, next_s=3.0),
                visit(3.0, 12.0, next_s=4.0),
                visit(2.5, 10.0, by="engine"),
            ],
        }
    )
    assert (rows["chromium"]["guess_s"], rows["chromium"]["ready_s"]) == (2.4, 3.0)
    assert rows["webkit"]["guess_by"] == ["engine", "quick"]
    assert rows["webkit"]["guess_vs_chromium"] == pytest.approx(2.6 / 2.4)
    assert rows["webkit"]["ready_vs_chromium"] == pytest.approx(10.9 / 3.0)
    assert rows["webkit"]["next_ready_vs_chromium"] == pytest.approx(3.0 / 2.0)


def test_a_failed_visit_is_kept_with_its_error_and_left_out_of_the_medians():
    failed = {"ok": False, "error": "the session failed: no display"}
    rows = summarise({"chromium": [visit(2.0, 3.0)], "firefox": [failed, visit(1.6, 2.4)]})
    assert rows["firefox"]["failed"] == ["the session failed: no display"]
    assert rows["firefox"]["guess_s"] == 1.6
    assert len(rows["firefox"]["runs"]) == 2


def test_an_engine_with_no_working_visit_has_no_times_and_no_ratios():
    rows = summarise({"chromium": [visit(2.0, 3.0)], "webkit": [{"ok": False, "error": "hung"}]})
    assert "guess_s" not in rows["webkit"] and "ready_vs_chromium" not in rows["webkit"]


def test_a_session_may_take_its_paths_waits_and_two_minutes_more():
    # The core paths: ready 90, draw-1 20, graph-lab 90, train 60 + use-new 10,
    # offline-snapshot 180 + reload-keeps-model 90, stop-progress 45 + stop 30; the first
    # visit 90 all told, the next one 180 + 60.
    assert session_limit(PATHS) == 615 + 120
    assert session_limit(["first-visit", "next-visit"]) == 90 + 240 + 120


def test_the_bench_leaves_out_an_engine_it_cannot_get_and_says_why(monkeypatch):
    def refuse():
        raise BuildError("the browser tests need firefox")

    monkeypatch.setattr(browsers, "find_browsers", refuse)
    monkeypatch.setattr(browsers, "_locate", lambda name: None if name == "firefox" else name)
    found, left_out = browsers.find_engines()
    assert left_out == {"firefox": "the browser tests need firefox"}
    assert "BACKPROP_FIREFOX" not in found and found["BACKPROP_WEBKIT"] == "webkit"


def test_the_bench_cannot_do_without_chromium(monkeypatch):
    def refuse():
        raise BuildError("the browser tests need chromium")

    monkeypatch.setattr(browsers, "find_browsers", refuse)
    monkeypatch.setattr(browsers, "_locate", lambda name: None)
    with pytest.raises(BuildError, match="need chromium"):
        browsers.find_engines()
