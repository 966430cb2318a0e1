"""First and next visits in Chromium, Firefox and WebKit, unthrottled, on our server.

Each visit is a new profile of one engine walking the browser tests' ``first-visit`` path
(``tests/browser/core_paths.py``, with the same drivers, ``tests/browser/engines.py``): load
the page, draw a 1 as soon as the canvas takes a stroke, and note, in the page's own clock
from navigation, when the first guess showed (and who made it: ``quick``, the page itself
before the engine was ready, or ``engine``, pynet) and when the page was ready to train
(``data-ready-ms``); then, once the offline copy keeps a snapshot the engine restores (its
own, in WebKit), the ``next-visit`` path reloads and notes when the page was ready again.
The engines take turns, round after round, so a busy machine slows them
alike; each figure is the median of the rounds, and each engine's ratio to Chromium's is what
compares (absolute times vary with the machine's load). ``build.py bench`` prints these rows
with the others, and ``build.py bench --engines-only`` these rows alone.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

# The drivers and paths of the browser tests (tests/browser/), so both walk the page alike.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from engines import run_engine  # noqa: E402

NAMES = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "WebKit"}
#: What each visit records, in seconds from navigation.
TIMES = ("drawn_s", "guess_s", "ready_s", "next_ready_s")


def visit(engine: str, url: str, chromium) -> dict:
    """One first visit in a new profile of ``engine`` (Chromium's: a new context of
    ``chromium``, a Playwright browser), then the same student's next visit once the offline
    copy keeps a snapshot this engine restores (``next-visit``: a reload, every worker from
    the snapshot): the first visit's outcome, ``ok`` with the times, ``guess_by`` and
    ``guess_label`` and ``next_ready_s``, or ``error``."""
    paths = ["first-visit", "next-visit"]
    try:
        result = run_engine(engine, url, paths, chromium=chromium, block_others=False)
    except Exception as exc:  # an engine that fails to start costs its row, not the bench
        return {"ok": False, "error": f"the session failed: {exc}"[:500]}
    first, following = (result["paths"][path] for path in paths)
    if first["ok"] and not following["ok"]:
        return {"ok": False, "error": f"the next visit: {following['error']}"}
    return {**first, "next_ready_s": following.get("ready_s")}


def rows(chromium, url: str, engines: list[str], profiles: int = 3) -> dict:
    """``profiles`` rounds of first visits, each engine in turn; ``summarise``d."""
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    for _ in range(profiles):
        for engine in engines:
            runs[engine].append(visit(engine, url, chromium))
    return summarise(runs)


def summarise(runs: dict[str, list[dict]]) -> dict:
    """Per engine: its visits, the medians of those that worked, who guessed first and what,
    the errors of those that failed, and its ratios to Chromium's medians."""
    out: dict = {}
    for engine, visits in runs.items():
        ok = [run for run in visits if run["ok"]]
        row: dict = {"runs": visits, "failed": [run["error"] for run in visits if not run["ok"]]}
        if ok:
            row.update({key: statistics.median(run[key] for run in ok) for key in TIMES})
            row["guess_by"] = sorted({run["guess_by"] for run in ok})
            row["guess_labels"] = sorted({run["guess_label"] for run in ok})
        out[engine] = row
    base = out.get("chromium", {})
    for row in out.values():
        for key in ("guess_s", "ready_s", "next_ready_s"):
            if key in row and key in base:
                row[f"{key[:-2]}_vs_chromium"] = row[key] / base[key]
    return out


def print_rows(result: dict) -> None:
    """One line per engine: first guess and ready, their ratios to Chromium's, every visit."""
    profiles = max(len(row["runs"]) for row in result.values())
    print(
        f"\nfirst and next visit in each engine, unthrottled, on our server: new profile, "
        f"median of {profiles} (each: first guess / ready / next visit's ready, s; the next "
        f"visit restores the snapshot); x = the engine's time / Chromium's:"
    )
    for engine, row in result.items():
        name = NAMES[engine]
        if "guess_s" not in row:
            print(f"  {name:9} no visit worked: {row['failed'][0]}")
            continue
        ratios = (
            f"  (x{row['guess_vs_chromium']:.2f} / x{row['ready_vs_chromium']:.2f}"
            f" / x{row['next_ready_vs_chromium']:.2f})"
            if "guess_vs_chromium" in row and engine != "chromium"
            else ""
        )
        every = ", ".join(
            f"{run['guess_s']:.1f}/{run['ready_s']:.1f}/{run['next_ready_s']:.1f}"
            if run["ok"]
            else "failed"
            for run in row["runs"]
        )
        read = "/".join(row["guess_labels"])
        labels = "" if read == "1" else f", read as {read}"
        print(
            f"  {name:9} first guess {row['guess_s']:5.1f} s (by {'/'.join(row['guess_by'])}"
            f"{labels}), ready to train {row['ready_s']:5.1f} s, next visit ready"
            f" {row['next_ready_s']:5.1f} s{ratios}   [{every}]"
        )
        for error in row["failed"]:
            print(f"  {'':9} a visit failed: {error.splitlines()[0]}")
