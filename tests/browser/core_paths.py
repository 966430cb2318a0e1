"""The user paths every engine walks: the core paths, which it must pass on every host
(test_engines.py), and a first visit, which ``build.py bench`` times (engine_visits.py).

A student opens the page and it becomes ready; draws a "1" and the page guesses 1; steps
the graph lab back to its inputs; trains one small epoch to the end (and uses its model
when the page asks); once the offline copy keeps a Pyodide snapshot this browser restores,
reloads: every worker starts from it and the trained model is kept; starts a bigger run and
stops it. One browser session walks all of them in that order, each path against its own time
limit, so a hang costs that limit and no more. ``first-visit`` is walked alone, in a new
profile: the seconds a new student waits for the first guess and for the page to be ready.

``run_paths`` walks them through a ``Page`` (``engines.ChromiumPage``, ``webkit_paths``);
``firefox_paths.mjs`` walks the same ``SPEC`` in Node.js (puppeteer-core), so the two stay
one description of the paths, and the results have the same shape:
``{"paths": {name: {"ok", "seconds", "error", ...what it measured}}, "isolated",
"shared_array_buffer", "console_errors", "warnings"}``.
"""

from __future__ import annotations

import time
from typing import Protocol

from page_probes import HAS_INK, KEPT_SNAPSHOT, STARTS, WATCH_GUESS

#: The core paths in the order one session walks them (the reload needs the trained model).
PATHS = ["ready", "draw-1", "graph-lab", "train", "reload-keeps-model", "stop"]
#: A "1" drawn top to bottom (0..1 canvas coordinates), as every browser test draws it.
ONE = [(0.5, 0.15 + 0.7 * i / 20) for i in range(21)]

SPEC = {
    "paths": PATHS,
    "stroke": ONE,
    #: Seconds each path may take before it counts as a hang. WebKit takes 10-22 s to ready.
    "timeouts": {
        "ready": 90,
        "draw-1": 20,
        "graph-lab": 90,  # the first lab starts its worker: WebKit refuses the snapshot
        "train": 60,
        "use-new": 10,
        # the offline copy made, with a snapshot this browser restores (WebKit makes its own)
        "offline-snapshot": 180,
        "reload-keeps-model": 90,
        "stop-progress": 45,
        "stop": 30,
        "first-visit": 90,  # all of it: the canvas, the first guess, ready
        "next-visit": 60,
    },
    "train": {"train-size": "1000", "epochs": "1"},
    "stop_train": {"train-size": "60000", "epochs": "5"},
    #: The stop path presses Stop once the run has taken more steps than this.
    "stop_after_step": 10,
    #: What the graph lab computes for the book's shopping example (figure 5-16).
    "graph_total": 715.0000000000001,
    "graph_dapple": 2.2,
    #: Step backward presses: one per operation node (four in the shopping graph), with room.
    "graph_steps_at_most": 20,
    "watch_guess": WATCH_GUESS,
    "kept_snapshot": KEPT_SNAPSHOT,
    "starts": STARTS,
    "has_ink": HAS_INK,
}
#: The limits a path waits out beyond the one of its own name (``SPEC["timeouts"]``).
WAITS = {
    "train": ["train", "use-new"],
    "reload-keeps-model": ["offline-snapshot", "reload-keeps-model"],
    "next-visit": ["offline-snapshot", "next-visit"],
    "stop": ["stop-progress", "stop"],
}
#: Seconds a whole session may take beyond the sum of its paths' limits (start, shutdown).
SESSION_MARGIN = 120


def session_limit(paths: list[str]) -> float:
    """Seconds a session walking ``paths`` may take before it counts as hung: the sum of their
    waits' limits and ``SESSION_MARGIN`` (the drivers stop a session that takes longer)."""
    limits = SPEC["timeouts"]
    return sum(limits[key] for path in paths for key in WAITS.get(path, [path])) + SESSION_MARGIN


#: Seconds a wait goes on after a console error (see ``wait``).
ERROR_GRACE = 5


class PathFailed(AssertionError):
    """A path did not do what the student needs; the message says what the page showed."""


class Page(Protocol):
    """What the paths need of a browser driver. Selectors are CSS, times in seconds."""

    def goto(self, url: str) -> None: ...
    def reload(self) -> None: ...
    def wait_until(self, expression: str, timeout: float) -> None: ...
    def evaluate(self, expression: str): ...
    def click(self, css: str) -> None: ...
    def fill(self, css: str, value: str) -> None: ...
    def draw(self, points: list[tuple[float, float]]) -> None: ...
    def console_errors(self) -> list[str]: ...
    def warnings(self) -> list[str]: ...


def sel(name: str) -> str:
    return f'[data-testid="{name}"]'


def attr(page: Page, css: str, name: str):
    return page.evaluate(f"document.querySelector('{css}')?.getAttribute('{name}') ?? null")


def wait(page: Page, expression: str, timeout: float, what: str) -> None:
    """Wait until ``expression`` is true; on a timeout say what the student would have seen.

    A console error while waiting ends the wait ``ERROR_GRACE`` seconds later if the page has
    not got there by then: a worker that died with a traceback never answers, and waiting out
    the whole limit would only make the suite slower.
    """
    start = time.perf_counter()
    errors_before = len(page.console_errors())
    error_seen = None
    while True:
        try:
            page.wait_until(expression, 1)
            return
        except Exception:
            pass
        now = time.perf_counter()
        errors = page.console_errors()[errors_before:]
        if errors and error_seen is None:
            error_seen = now
        if error_seen is not None and now - error_seen >= ERROR_GRACE:
            first = (errors[0].strip().splitlines() or [""])[-1]
            raise PathFailed(f"{what}: not after a console error ({first}; {describe(page)})")
        if now - start >= timeout:
            raise PathFailed(f"{what}: not within {timeout} s ({describe(page)})")


def present(css: str) -> str:
    return f"!!document.querySelector('{css}')"


def describe(page: Page) -> str:
    """The page's state in a line: status, training progress, the lab's status."""
    try:
        return page.evaluate(
            """(() => {
            const q = (t) => document.querySelector(`[data-testid="${t}"]`);
            const p = q("train-progress");
            return `app-status ${q("app-status")?.dataset.state}: ` +
              `"${q("app-status")?.textContent.trim()}"; train-progress step ` +
              `${p?.dataset.step} done ${p?.dataset.done} reason ${p?.dataset.reason}: ` +
              `"${q("progress-text")?.textContent.trim()}"; lab: ` +
              `"${q("lab-status")?.textContent.trim()}"`;
            })()"""
        )
    except Exception as exc:  # a page that hung its main thread may not even answer
        return f"the page did not answer: {exc}"


def set_fields(page: Page, values: dict[str, str]) -> None:
    for testid, value in values.items():
        page.fill(sel(testid), value)


def wait_training_done(page: Page, timeout: float) -> str:
    wait(page, present(f'{sel("train-progress")}[data-done="true"]'), timeout, "training done")
    return attr(page, sel("train-progress"), "data-reason")


def ready(page: Page, url: str) -> None:
    page.goto(url)
    wait(
        page,
        present(f'{sel("app-status")}[data-state="ready"]'),
        SPEC["timeouts"]["ready"],
        "ready",
    )


def draw_1(page: Page) -> None:
    page.draw(SPEC["stroke"])
    label = f"document.querySelector('{sel('prediction')}').dataset.label"
    wait(page, f"{label} === '1'", SPEC["timeouts"]["draw-1"], "the guess 1")


def graph_lab(page: Page) -> None:
    """The graph stepper: the book's shopping graph drawn on opening, then stepped backward
    to its inputs (each press answered by the engine worker)."""
    page.click('[data-lab-tab="graph"]')
    drawn = present(f'{sel("graph-svg")}[data-ready="true"]')
    wait(page, drawn, SPEC["timeouts"]["graph-lab"], "the graph drawn")
    step_back = f"document.querySelector('{sel('graph-step-back')}')"
    for _ in range(SPEC["graph_steps_at_most"]):
        if page.evaluate(f"{step_back}.disabled"):
            break
        page.click(sel("graph-step-back"))
    wait(page, present(f"{sel('graph-input-apple')}[data-grad]"), 30, "dL/dapple")
    total = float(attr(page, sel("graph-node-n8"), "data-value") or "nan")
    dapple = float(attr(page, sel("graph-input-apple"), "data-grad") or "nan")
    if total != SPEC["graph_total"] or abs(dapple - SPEC["graph_dapple"]) > 1e-9:
        raise PathFailed(f"total {total}, dL/dapple {dapple}")


def train(page: Page) -> None:
    set_fields(page, SPEC["train"])
    page.click(sel("train-start"))
    reason = wait_training_done(page, SPEC["timeouts"]["train"])
    if reason != "finished":
        raise PathFailed(f"training ended {reason!r} ({describe(page)})")
    # A run no better than the model in use waits for the student's choice: use it.
    if page.evaluate(f"document.querySelector('{sel('model-choice')}')?.hidden === false"):
        page.click(sel("model-use-new"))
    trained = present(f'{sel("model-info")}[data-source="trained"]')
    wait(page, trained, SPEC["timeouts"]["use-new"], "the trained model in use")


def warm_reload(page: Page, limit: float) -> list[str]:
    """Once the offline copy keeps a snapshot this browser restores, reload and wait until
    ready (``limit`` seconds); how each worker started: every one from the snapshot."""
    kept = f"{SPEC['kept_snapshot']} !== 'waiting'"
    wait(page, kept, SPEC["timeouts"]["offline-snapshot"], "a snapshot in the offline copy")
    page.reload()
    wait(page, present(f'{sel("app-status")}[data-state="ready"]'), limit, "ready after the reload")
    wait(page, f"{SPEC['starts']} !== null", 10, "the workers' answers on their start")
    starts = page.evaluate(SPEC["starts"])
    if not starts or set(starts) != {"snapshot"}:
        raise PathFailed(f"after the reload the workers started {starts}, not from the snapshot")
    return starts


def reload_keeps_model(page: Page) -> None:
    """The reloaded page (``warm_reload``) has the trained model in use."""
    warm_reload(page, SPEC["timeouts"]["reload-keeps-model"])
    source = attr(page, sel("model-info"), "data-source")
    if source != "trained":
        raise PathFailed(f"after the reload the model is {source!r}, not 'trained'")


def next_visit(page: Page) -> dict:
    """The same student's next visit (after ``first-visit``): seconds from navigation to
    ready, every worker started from the snapshot (``warm_reload``)."""
    warm_reload(page, SPEC["timeouts"]["next-visit"])
    return {"ready_s": int(attr(page, sel("app-status"), "data-ready-ms")) / 1000}


def stop(page: Page) -> None:
    set_fields(page, SPEC["stop_train"])
    page.click(sel("train-start"))
    step = f"+document.querySelector('{sel('train-progress')}').dataset.step"
    after = SPEC["stop_after_step"]
    wait(page, f"{step} > {after}", SPEC["timeouts"]["stop-progress"], f"a run past step {after}")
    page.click(sel("train-stop"))
    reason = wait_training_done(page, SPEC["timeouts"]["stop"])
    if reason != "stopped":
        raise PathFailed(f"the run ended {reason!r}, not 'stopped'")


def first_visit(page: Page, url: str) -> dict:
    """A new student's first visit: load the page, draw a 1 as soon as the canvas takes a
    stroke, and note (in the page's clock, from navigation) when the canvas took it, when the
    first guess showed and who made it, and when the page was ready to train."""
    limit = SPEC["timeouts"]["first-visit"]
    deadline = time.perf_counter() + limit

    def left() -> float:
        return round(max(1.0, deadline - time.perf_counter()), 1)

    page.goto(url)
    page.evaluate(WATCH_GUESS)  # before any stroke, so before any guess
    canvas = f"document.querySelector('{sel('draw-canvas')}')"
    wait(page, f"!!{canvas}", left(), "the drawing canvas")
    while True:  # until the page takes the stroke (its script listens to the canvas)
        page.draw(SPEC["stroke"])
        if page.evaluate(f"{HAS_INK}({canvas})"):
            break
        if time.perf_counter() > deadline:
            raise PathFailed(f"the canvas took no stroke within {limit} s ({describe(page)})")
        time.sleep(0.05)
    drawn_ms = page.evaluate("performance.now()")
    wait(page, "!!window.__firstGuess", left(), "the first guess")
    guess = page.evaluate("window.__firstGuess")
    wait(page, present(f'{sel("app-status")}[data-state="ready"]'), left(), "ready")
    return {
        "drawn_s": drawn_ms / 1000,
        "guess_s": guess["ms"] / 1000,
        "guess_by": guess["by"],
        "guess_label": guess["label"],
        "ready_s": int(attr(page, sel("app-status"), "data-ready-ms")) / 1000,
    }


STEPS = {
    "ready": ready,
    "draw-1": lambda page, url: draw_1(page),
    "graph-lab": lambda page, url: graph_lab(page),
    "train": lambda page, url: train(page),
    "reload-keeps-model": lambda page, url: reload_keeps_model(page),
    "stop": lambda page, url: stop(page),
    "first-visit": first_visit,
    "next-visit": lambda page, url: next_visit(page),
}


def run_paths(page: Page, url: str, paths: list[str] = PATHS) -> dict:
    """Walk ``paths`` in one session; a path that fails is recorded and the walk goes on."""
    results = {"paths": {}}
    for name in paths:
        start = time.perf_counter()
        try:
            measured = STEPS[name](page, url)
            outcome = {"ok": True, "error": "", **(measured or {})}
        except Exception as exc:
            outcome = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000]}
        outcome["seconds"] = round(time.perf_counter() - start, 1)
        if name == "reload-keeps-model" and not (outcome["ok"] or results["paths"]["train"]["ok"]):
            outcome["error"] += " (the train path had failed)"
        results["paths"][name] = outcome
        if name == "ready" and outcome["ok"]:
            results["isolated"] = page.evaluate("crossOriginIsolated")
            results["shared_array_buffer"] = page.evaluate(
                "typeof SharedArrayBuffer === 'function'"
            )
    results["console_errors"] = page.console_errors()
    results["warnings"] = page.warnings()
    return results
