"""``python3 build.py bench``: every speed figure of Backprop Lab, measured in one run.

Rows, all on MNIST with batches of 100:
- the benchmark page (benchmarks/page/bench.html): pynet (with the page's SIMD kernel, and
  with numpy's products alone) and the book's TwoLayerNet step in Pyodide, TensorFlow.js
  model.fit with its cpu and wasm backends, and single matrix products by the SIMD kernel
  and by numpy;
- the same pynet step natively (CPython), for the browser/native ratio;
- the app itself: seconds from navigation to ready, cold (new profile), on the second visit
  (a reload once the service worker keeps the site) and on the third, the median of three
  of each; a first visit over an emulated link (``first_visit``: 20 Mbit/s with 40 ms, and
  5 Mbit/s with 80 ms): seconds to the first guess and to ready, and the MB moved by then;
  a first visit in each engine, unthrottled (``engine_visits``: Chromium, Firefox, WebKit,
  those that are here): seconds to the first guess and to ready, and the ratios to Chromium's;
  one full 60,000-sample epoch of 784-100-10 through the training form, with the wasm heap.

Prints a table and writes the numbers to dist/bench-result.json. Nothing is asserted: the
machines are noisy, so read the ratios, which are measured side by side.
"""

import json
import statistics
import time
from urllib.parse import urlsplit

import engine_visits
import first_visit
from step_time import measure

from pynet.data import load_mnist

READY = '[data-testid="app-status"][data-state="ready"]'
OFFLINE_READY = '[data-testid="offline-status"][data-state="ready"]'


def _ready_seconds(page) -> float:
    page.wait_for_selector(READY, timeout=120_000)
    return int(page.get_attribute('[data-testid="app-status"]', "data-ready-ms")) / 1000


#: The visits measured in each new profile, in order, with the table's name for each.
VISITS = {"cold": "cold", "warm": "warm (second visit)", "third": "third visit"}


def ready_times(browser, site_url: str, profiles: int) -> tuple[dict[str, list[float]], object]:
    """Seconds to ready, by visit: the first visit in each of ``profiles`` new profiles, then
    two reloads once the service worker holds the site (as on later days). Returns the
    lists by name (``VISITS``) and the last page, still open.

    The second visit is the strict warm case. Chrome keeps the machine code it compiles
    for Pyodide's wasm with the copy the wasm came from: the first visit's came from the
    network, the second's from the service worker's cache, so the second visit compiles
    the wasm again and the third reuses that code.
    """
    times: dict[str, list[float]] = {visit: [] for visit in VISITS}
    page = None
    for _ in range(profiles):
        if page is not None:
            page.context.close()
        # No request interception: routing every response through Playwright would slow the
        # very loads measured here (the browser tests prove the site needs no other host).
        page = browser.new_context().new_page()
        page.goto(site_url)
        times["cold"].append(_ready_seconds(page))
        page.wait_for_selector(OFFLINE_READY, timeout=120_000)
        for visit in list(VISITS)[1:]:
            page.reload()
            times[visit].append(_ready_seconds(page))
    return times, page


def browser_rows(
    site_url: str,
    chromium: str,
    flags: list[str],
    steps: int,
    rounds: int,
    profiles: int,
    engines: list[str],
) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=flags)
        site = {"this build": urlsplit(site_url).port}
        out["first_visit"] = first_visit.rows(browser, site, profiles)["this build"]
        out["engine_first_visit"] = engine_visits.rows(browser, site_url, engines, profiles)
        times, page = ready_times(browser, site_url, profiles)
        for visit, runs in times.items():
            out[f"ready_{visit}_runs_s"] = runs
            out[f"ready_{visit}_s"] = statistics.median(runs)

        for field, value in (("train-size", "60000"), ("epochs", "1"), ("hidden-layers", "100")):
            page.fill(f'[data-testid="{field}"]', value)
        page.click('[data-testid="train-start"]')
        done = '[data-testid="train-progress"][data-done="true"]'
        page.wait_for_selector(done, timeout=600_000)
        progress = page.locator('[data-testid="train-progress"]')
        out["epoch_60000_s"] = float(progress.get_attribute("data-seconds"))
        out["epoch_ms_per_step"] = float(progress.get_attribute("data-ms-per-step"))
        out["epoch_test_acc"] = float(progress.get_attribute("data-final-test-acc"))
        out["heap_mb"] = float(progress.get_attribute("data-heap-mb"))

        page.goto(f"{site_url}bench/bench.html?steps={steps}&rounds={rounds}")
        page.wait_for_selector('[data-testid="bench-result"][data-done="true"]', timeout=900_000)
        out["page"] = json.loads(page.inner_text('[data-testid="bench-result"]'))
        browser.close()
    return out


def engine_rows(
    site_url: str, chromium: str, flags: list[str], engines: tuple[str, ...], profiles: int = 3
) -> dict:
    """Only the first visits in each engine (``build.py bench --engines-only``): the numbers,
    also printed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=flags)
        rows = engine_visits.rows(browser, site_url, list(engines), profiles)
        browser.close()
    engine_visits.print_rows(rows)
    return {"engine_first_visit": rows}


def run(
    site_url: str,
    chromium: str,
    flags: list[str],
    steps: int = 50,
    rounds: int = 5,
    profiles: int = 3,
    engines: tuple[str, ...] = ("chromium",),
) -> dict:
    """Measure everything; return the numbers (also printed as a table). ``engines``: those
    whose first visits are measured side by side (``engine_visits``), Chromium first."""
    (x_train, t_train), _ = load_mnist(normalize=False)
    x_train = x_train.reshape(len(x_train), -1)
    started = time.perf_counter()
    native = [
        measure(x_train, t_train, hidden, steps=steps, rounds=rounds)
        for hidden in ((50,), (100, 100))
    ]
    browser = browser_rows(site_url, chromium, flags, steps, rounds, profiles, list(engines))
    result = {"native": native, **browser}
    result["seconds"] = time.perf_counter() - started
    print_table(result)
    return result


def table_rows(r: dict) -> list[tuple[str, float, str]]:
    """(what, ms per step, how pynet in the page compares) for every step measurement."""
    page = r["page"]
    pyodide = {row["network"]: row for row in page["pyodide"]}
    native = {row["network"]: row for row in r["native"]}
    tfjs = {(row["network"], row["backend"]): row for row in page["tfjs"]}
    rows = []
    for net in ("784-50-10", "784-100-100-10"):
        ours = pyodide[net]["pynet_ms"]
        rows.append((f"pynet {net}, Adam, in the page (Pyodide)", ours, ""))
        if "pynet_numpy_ms" in pyodide[net]:
            plain = pyodide[net]["pynet_numpy_ms"]
            rows.append(
                (
                    "  the same with numpy's products only (no SIMD kernel)",
                    plain,
                    f"the kernel makes pynet {plain / ours:.2f}x faster",
                )
            )
        if "book_ms" in pyodide[net]:
            book = pyodide[net]["book_ms"]
            rows.append(
                (
                    f"book TwoLayerNet {net}, SGD, in the page",
                    book,
                    f"pynet {book / ours:.2f}x faster",
                )
            )
        for backend in ("cpu", "wasm"):
            t = tfjs[(net, backend)]
            how = f" (simd {t['simd']}, threads {t['threads']})" if backend == "wasm" else ""
            rows.append(
                (
                    f"TensorFlow.js {backend}{how} model.fit {net}",
                    t["ms"],
                    f"pynet {t['ms'] / ours:.2f}x faster",
                )
            )
        mine = native[net]["pynet_ms"]
        rows.append((f"pynet {net}, Adam, native CPython", mine, f"page/native {ours / mine:.1f}x"))
    return rows


def print_table(r: dict) -> None:
    print()
    for what, ms, note in table_rows(r):
        print(f"{what:62} {ms:8.2f} ms  {note}")
    medians = [
        f"{name} {r[f'ready_{visit}_s']:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in r[f'ready_{visit}_runs_s'])})"
        for visit, name in VISITS.items()
    ]
    print(
        f"\nready (can draw and get a guess), median of {len(r['ready_cold_runs_s'])} profiles: "
        + ", ".join(medians)
    )
    first_visit.print_rows({"this build": r["first_visit"]})
    engine_visits.print_rows(r["engine_first_visit"])
    print("\none matrix product in the page (float32, m×k×n), median of the rounds:")
    for row in r["page"]["products"]:
        m, k, n = row["shape"]
        simd, plain = row["simd_ms"], row["numpy_ms"]
        ratio = f"{plain / simd:.2f}x"
        print(f"  {m:4}×{k:3}×{n:3}  SIMD kernel {simd:6.3f} ms, numpy {plain:6.3f} ms ({ratio})")
    print(
        f"one 60,000-sample epoch of 784-100-10 in the page: {r['epoch_60000_s']:.1f} s "
        f"({r['epoch_ms_per_step']:.2f} ms/step, test accuracy {r['epoch_test_acc']:.4f}), "
        f"wasm heap {r['heap_mb']:.0f} MB"
    )
