#!/usr/bin/env python3
"""Backprop Lab's build: fetch, verify and assemble the offline site, serve it, test it.

    python3 build.py serve   # build dist/ (if needed) and serve it on http://127.0.0.1:8000
    python3 build.py test    # install test tools, build, run the whole pytest suite
    python3 build.py bench   # measure speed in the browser and natively, side by side
                             # (--engines-only: only first and next visits in each engine)
    python3 build.py         # just build dist/

Everything downloaded is checked against a pinned sha256 and cached in .cache/, so a second
build runs offline and takes seconds. The script re-runs itself inside .venv/, which it
creates with the packages it needs (numpy to read MNIST and train the default model, the PyPA
``build`` tool for the pynet wheel). What each step does lives in ``sitebuild/``, one module
per step; this file only says which steps a command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from sitebuild.browsers import CHROMIUM_FLAGS, ENGINES, find_browsers, find_engines
from sitebuild.serve import make_server, serve
from sitebuild.site import build
from sitebuild.steps import DIST, ROOT, BuildError
from sitebuild.venv import ensure_venv


def test(pyodide_dist: Path | None, pytest_args: list[str]) -> int:
    browsers = find_browsers()
    build(pyodide_dist, with_bench=True)
    env = {**os.environ, **browsers}
    print(f"Running the tests (browsers: {', '.join(browsers.values())}) ...", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env)


def bench(pyodide_dist: Path | None, engines_only: bool = False) -> None:
    browsers, left_out = find_engines()
    for engine, why in left_out.items():
        print(f"bench: no {engine} first visits ({why})", flush=True)
    os.environ.update(browsers)  # where the drivers look for Firefox and WebKit
    engines = tuple(engine for engine in ENGINES if engine not in left_out)
    build(pyodide_dist, with_bench=True)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import browser_bench

    server = make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        measure = browser_bench.engine_rows if engines_only else browser_bench.run
        result = measure(url, browsers["BACKPROP_CHROMIUM"], CHROMIUM_FLAGS, engines=engines)
        result["engines_left_out"] = left_out
    finally:
        server.shutdown()
    (DIST / "bench-result.json").write_text(json.dumps(result, indent=1))
    print(f"\nwrote {DIST / 'bench-result.json'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command", nargs="?", default="build", choices=["build", "serve", "test", "bench"]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-build", action="store_true", help="serve dist/ as it is")
    parser.add_argument(
        "--engines-only",
        action="store_true",
        help="bench: measure only the first and next visits in Chromium, Firefox and WebKit",
    )
    parser.add_argument(
        "--pyodide-dist",
        type=Path,
        default=None,
        help="an unpacked official Pyodide 0.27.7 release to take the wheels from",
    )
    args, rest = parser.parse_known_args()
    if rest and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.engines_only and args.command != "bench":
        parser.error("--engines-only goes with bench")

    try:
        ensure_venv(with_tests=args.command in ("test", "bench"))
        if args.command == "test":
            sys.exit(test(args.pyodide_dist, rest))
        if args.command == "bench":
            bench(args.pyodide_dist, args.engines_only)
            return
        if not args.no_build:
            build(args.pyodide_dist)
        if args.command == "serve":
            serve(args.host, args.port)
    except BuildError as exc:
        sys.exit(f"\nbuild failed: {exc}")


if __name__ == "__main__":
    main()
