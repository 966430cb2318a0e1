"""The core user paths (core_paths.py) in Chromium, Firefox and WebKit (engines.py), each on
our server (cross-origin isolated) and on a plain static host (no isolation headers, so no
SharedArrayBuffer), as a student might put the site anywhere.

One browser session per engine and host walks every path; each path is its own test here,
so a failure names the engine, the host and the path. Requests to other hosts are blocked
and recorded (Playwright's routing for Chromium; a refusing proxy for Firefox and WebKit),
and console errors fail the engine's clean-run test where the driver can see the console.
The whole table is printed at the end and kept in dist/core-paths-result.json.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
import webkit_paths
from conftest import SESSIONS, Site
from core_paths import PATHS
from engines import program, run_engine

from sitebuild.steps import DIST

ENGINES = ["chromium", "firefox", "webkit"]
HOSTS = ["ours", "plain"]
RESULTS = DIST / "core-paths-result.json"


#: The build's Pyodide snapshot, which only an engine that can restore it should download.
SNAPSHOT = "/pyodide/snapshot.bin"
#: A test of each engine × host session.
EACH_SESSION = pytest.mark.parametrize(
    ("engine", "host"),
    [(engine, host) for engine in ENGINES for host in HOSTS],
    ids=lambda value: value,
)


@pytest.fixture(scope="session")
def hosts():
    """Our server and a plain static one, both serving dist/."""
    sites = {"ours": Site(isolated=True), "plain": Site(isolated=False)}
    yield sites
    for site in sites.values():
        site.stop()


@pytest.fixture(scope="session")
def core_runs(request, hosts):
    """The results of each engine × host session, run once on first need."""

    def get(engine: str, host: str) -> dict:
        if (engine, host) not in SESSIONS:
            url = hosts[host].url
            snapshots = hosts[host].requested[SNAPSHOT]
            start = time.perf_counter()
            chromium = request.getfixturevalue("browser") if engine == "chromium" else None
            try:
                result = run_engine(engine, url, chromium=chromium)
            except Exception as exc:
                failed = {"ok": False, "seconds": 0, "error": f"the session failed: {exc}"}
                result = {"paths": dict.fromkeys(PATHS, failed), "session_error": str(exc)}
            result["session_seconds"] = round(time.perf_counter() - start, 1)
            result["snapshot_downloads"] = hosts[host].requested[SNAPSHOT] - snapshots
            SESSIONS[engine, host] = result
        return SESSIONS[engine, host]

    yield get
    if SESSIONS:
        runs = {f"{engine} {host}": run for (engine, host), run in SESSIONS.items()}
        RESULTS.write_text(json.dumps(runs, indent=1))


@pytest.mark.parametrize(
    ("engine", "host", "path"),
    [(engine, host, path) for engine in ENGINES for host in HOSTS for path in PATHS],
    ids=lambda value: value,
)
def test_core_path_works(core_runs, engine, host, path):
    outcome = core_runs(engine, host)["paths"][path]
    assert outcome["ok"], f"{engine} on the {host} host, path {path}: {outcome['error']}"


@EACH_SESSION
def test_core_paths_reach_no_other_host_and_log_no_error(core_runs, engine, host):
    run = core_runs(engine, host)
    assert "session_error" not in run, run.get("session_error")
    assert run["blocked"] == [], f"the page tried to reach other hosts: {run['blocked']}"
    assert run["console_errors"] == [], f"console errors: {run['console_errors']}"


@EACH_SESSION
def test_only_an_engine_that_restores_the_builds_snapshot_downloads_it(core_runs, engine, host):
    # The offline copy keeps it for the next visit; WebKit's engine could never restore it
    # (sw.js tests the engine and leaves it out) and makes its own instead.
    run = core_runs(engine, host)
    assert "session_error" not in run, run.get("session_error")
    downloads = run["snapshot_downloads"]
    if engine == "webkit":
        assert downloads == 0, f"WebKit downloaded the build's snapshot {downloads} time(s)"
    else:
        assert downloads >= 1, f"{engine}'s offline copy never fetched the build's snapshot"


def browser_that_notes_its_pids(folder: Path, then: str) -> Path:
    """A stand-in for the MiniBrowser that adds its pid to folder/pids, then runs ``then``."""
    script = folder / "MiniBrowser"
    script.write_text(f"#!/bin/sh\necho $$ >> {folder / 'pids'}\nexec {then}\n")
    script.chmod(0o755)
    return script


def running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie that nobody has reaped yet does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def still_running(pids: list[int], grace: float = 5) -> list[int]:
    """Those of ``pids`` that still run ``grace`` seconds after they were killed: a killed
    browser takes a moment to exit (its memory to be freed), longer on a busy machine."""
    deadline = time.perf_counter() + grace
    while any(running(pid) for pid in pids) and time.perf_counter() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if running(pid)]


def test_a_webkit_browser_that_never_comes_up_is_started_again_then_stopped(tmp_path, monkeypatch):
    # Without a limit the driver, and Selenium with it, would wait for ever.
    never_up = browser_that_notes_its_pids(tmp_path, "sleep 300")
    monkeypatch.setenv("BACKPROP_WEBKIT", str(never_up))
    monkeypatch.setattr(webkit_paths, "START_LIMIT", 2)
    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="did not come up within 2 s, 3 times"):
        run_engine("webkit", "http://127.0.0.1:9/", ["ready"])
    assert time.perf_counter() - start < 30
    pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 3
    assert still_running(pids) == [], "a browser outlived its driver"


def test_a_webkit_session_past_its_paths_limit_stops_its_driver_and_browser(tmp_path, monkeypatch):
    silent = socket.create_server(("127.0.0.1", 0))  # takes connections, never answers
    minibrowser = browser_that_notes_its_pids(tmp_path, f'{program("BACKPROP_WEBKIT")} "$@"')
    monkeypatch.setenv("BACKPROP_WEBKIT", str(minibrowser))
    monkeypatch.setattr(webkit_paths, "session_limit", lambda paths: 5)
    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="took over 5 s: its driver was stopped"):
        run_engine("webkit", f"http://127.0.0.1:{silent.getsockname()[1]}/", ["ready"])
    silent.close()
    assert time.perf_counter() - start < 5 + webkit_paths.START_LIMIT
    pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]
    assert still_running(pids) == [], "the browser outlived its driver"
