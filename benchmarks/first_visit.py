"""First visits over an emulated link: how long a new student waits, and for how many bytes.

Each visit is a new browser profile that loads the page through ``ThrottleProxy`` (a
bandwidth cap shared by every connection, and latency), draws a 1 as soon as the canvas
takes a stroke, and notes the moment the page shows its first guess and the moment it is
ready to train, with the megabytes that had reached the browser by each. Nothing here
depends on how the page guesses, so the same rows measure any build of the site:

    .venv/bin/python benchmarks/first_visit.py --site before=/elsewhere/dist --site after=dist

``build.py bench`` prints these rows with the others (``rows``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

from throttle_proxy import ThrottleProxy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # the page's probes, shared with the tests
from page_probes import HAS_INK, WATCH_GUESS  # noqa: E402

#: The links measured: name -> (Mbit/s, round trip in ms).
LINKS = {"20 Mbit/s, 40 ms": (20, 40), "5 Mbit/s, 80 ms": (5, 80)}
READY = '[data-testid="app-status"][data-state="ready"]'
#: The 1 the visit draws (0..1 canvas coordinates), one quick stroke.
ONE = [(0.5, 0.15 + 0.7 * i / 6) for i in range(7)]


def _draw_one(page, canvas) -> None:
    box = canvas.bounding_box()
    xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in ONE]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for point in xy[1:]:
        page.mouse.move(*point)
    page.mouse.up()


def visit(browser, proxy: ThrottleProxy, timeout_s: float = 180) -> dict:
    """One first visit in a new profile: seconds from navigation to the first guess and to
    ready, the MB received by then, and who guessed first (the page or the engine)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        started = []  # how the engine's Pyodide started (its console says)
        page.on("console", lambda m: m.text.startswith("Pyodide start") and started.append(m.text))
        page.add_init_script(WATCH_GUESS)
        page.goto(proxy.url, wait_until="commit")
        canvas = page.locator('[data-testid="draw-canvas"]')
        canvas.wait_for(timeout=timeout_s * 1000)
        canvas.scroll_into_view_if_needed()
        while True:  # until the page takes the stroke (its script listens to the canvas)
            _draw_one(page, canvas)
            if canvas.evaluate(HAS_INK):
                break
            page.wait_for_timeout(50)
        drawn_ms = page.evaluate("performance.now()")
        page.wait_for_function("window.__firstGuess", timeout=timeout_s * 1000)
        guess = page.evaluate("window.__firstGuess")
        page.wait_for_selector(READY, timeout=timeout_s * 1000)
        ready_ms = int(page.get_attribute('[data-testid="app-status"]', "data-ready-ms"))
        origin = page.evaluate("performance.timeOrigin") / 1000

        def mb_by(ms):  # since this visit began (the proxy serves every visit of a link)
            return (proxy.down.bytes_by(origin + ms / 1000) - proxy.down.bytes_by(origin)) / 1e6

        return {
            "drawn_s": drawn_ms / 1000,
            "guess_s": guess["ms"] / 1000,
            "guess_mb": mb_by(guess["ms"]),
            "guess_by": guess["by"],
            "guess_label": guess["label"],
            "quick_ms": float(guess["quickMs"]) if guess.get("quickMs") else None,
            "quick_longest_ms": (
                float(guess["quickLongestMs"]) if guess.get("quickLongestMs") else None
            ),
            "ready_s": ready_ms / 1000,
            "ready_mb": mb_by(ready_ms),
            "pyodide": started[0] if started else "",
        }
    finally:
        context.close()


def _medians(runs: list[dict]) -> dict:
    medians = {
        key: statistics.median(run[key] for run in runs)
        for key in ("drawn_s", "guess_s", "guess_mb", "ready_s", "ready_mb")
    }
    quick = [run for run in runs if run["quick_ms"] is not None]
    if quick:
        medians["quick_ms"] = statistics.median(run["quick_ms"] for run in quick)
        longest = [run["quick_longest_ms"] for run in quick]
        medians["quick_longest_ms"] = statistics.median(longest)
        medians["quick_longest_max_ms"] = max(longest)
    return {"runs": runs, **medians}


def rows(browser, sites: dict[str, int], profiles: int = 3, links: dict = LINKS) -> dict:
    """First visits to each site (name -> its server's port) over every link: ``profiles``
    rounds, each visiting every site in turn (so a busy machine slows them alike), and the
    medians. Returns ``{site: {link: row}}``."""
    out: dict = {site: {} for site in sites}
    for link, (mbit, rtt_ms) in links.items():
        proxies = {
            site: ThrottleProxy(port, mbit=mbit, rtt_ms=rtt_ms).start()
            for site, port in sites.items()
        }
        try:
            runs: dict = {site: [] for site in sites}
            for _ in range(profiles):
                for site, proxy in proxies.items():
                    runs[site].append(visit(browser, proxy))
        finally:
            for proxy in proxies.values():
                proxy.stop()
        for site in sites:
            out[site][link] = _medians(runs[site])
    return out


def print_rows(result: dict) -> None:
    """The rows, every site's side by side under each link."""
    print("\nfirst visit over an emulated link, new profile, median of the visits (each visit:")
    print("first guess / ready); MB = what had reached the browser by then:")
    links = list(next(iter(result.values())))
    for link in links:
        print(f"  {link}")
        for site, by_link in result.items():
            r = by_link[link]
            who = "/".join(sorted({run["guess_by"] for run in r["runs"]}))
            every = ", ".join(f"{run['guess_s']:.1f}/{run['ready_s']:.1f}" for run in r["runs"])
            print(
                f"    {site:10} first guess {r['guess_s']:5.1f} s ({r['guess_mb']:4.1f} MB, "
                f"by {who:12}) ready to train {r['ready_s']:5.1f} s ({r['ready_mb']:4.1f} MB)"
                f"   [{every}]"
            )
            if "quick_ms" in r:
                print(
                    f"    {'':10} the page's own guess: {r['quick_ms']:.0f} ms of main-thread "
                    f"work, its longest stretch {r['quick_longest_ms']:.0f} ms (at most "
                    f"{r['quick_longest_max_ms']:.0f}); the canvas took a stroke at "
                    f"{r['drawn_s']:.1f} s"
                )
            paths = sorted({run["pyodide"].split(" (")[0] for run in r["runs"] if run["pyodide"]})
            if paths:
                print(f"    {'':10} {'; '.join(paths)}")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from sitebuild.browsers import CHROMIUM_FLAGS, find_chromium
    from sitebuild.serve import make_server

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site",
        action="append",
        metavar="NAME=DIST",
        help="a built site to measure (repeatable: measured side by side); default this dist/",
    )
    parser.add_argument("--profiles", type=int, default=3, help="visits per link")
    parser.add_argument(
        "--link",
        action="append",
        metavar="MBIT,RTT_MS",
        help="a link to measure instead of the standard two (repeatable), e.g. 100,10",
    )
    args = parser.parse_args()
    links = LINKS
    if args.link:
        pairs = [tuple(float(v) for v in link.split(",")) for link in args.link]
        links = {f"{mbit:g} Mbit/s, {rtt:g} ms": (mbit, rtt) for mbit, rtt in pairs}
    dists = dict(site.split("=", 1) for site in args.site or [f"this={ROOT / 'dist'}"])
    servers = {name: make_server("127.0.0.1", 0, Path(dist)) for name, dist in dists.items()}
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    started = time.perf_counter()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=find_chromium(), args=CHROMIUM_FLAGS
            )
            ports = {name: server.server_address[1] for name, server in servers.items()}
            result = rows(browser, ports, args.profiles, links)
            browser.close()
    finally:
        for server in servers.values():
            server.shutdown()
    print_rows(result)
    print(
        f"\n({time.perf_counter() - started:.0f} s; "
        + ", ".join(f"{n}: {d}" for n, d in dists.items())
        + ")"
    )


if __name__ == "__main__":
    main()
