"""The core user paths (core_paths.py) in Chromium, Firefox and WebKit, each on our server
(cross-origin isolated) and on a plain static host (no isolation headers, so no
SharedArrayBuffer), as a student might put the site anywhere.

One browser session per engine and host walks every path; each path is its own test here,
so a failure names the engine, the host and the path. Requests to other hosts are blocked
and recorded (Playwright's routing for Chromium; a refusing proxy for Firefox and WebKit),
and console errors fail the engine's clean-run test where the driver can see the console.
The whole table is printed at the end and kept in dist/core-paths-result.json.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import webkit_paths
from actions import draw
from conftest import Site
from core_paths import PATHS, SESSIONS, SPEC, run_paths

from sitebuild.steps import DIST

HERE = Path(__file__).resolve().parent
ENGINES = ["chromium", "firefox", "webkit"]
HOSTS = ["ours", "plain"]
#: Seconds a whole session may take beyond the sum of its paths' limits (start, shutdown).
SESSION_MARGIN = 120
RESULTS = DIST / "core-paths-result.json"


class RefusingProxy:
    """Stands where a browser's proxy would: records the first line of every connection
    (``GET http://host/…``, ``CONNECT host:443``) and closes it, so nothing leaves."""

    def __init__(self):
        self.asked: list[str] = []
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.5)
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        self.open = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while self.open:
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                try:
                    first = connection.recv(1024)
                except OSError:
                    first = b""
            if first.startswith(b"\x16"):
                self.asked.append("a TLS connection sent straight to the proxy")
            else:
                self.asked.append(first.split(b"\r\n", 1)[0].decode(errors="replace"))

    def close(self):
        self.open = False
        self.socket.close()


class ChromiumPage:
    """``core_paths.Page`` over Playwright, in a fresh context that reaches only ``url``."""

    def __init__(self, browser, url):
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.warned: list[str] = []

        def route(request_route):
            if request_route.request.url.startswith(url):
                request_route.continue_()
            else:
                self.blocked.append(request_route.request.url)
                request_route.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("console", self._seen)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _seen(self, message):
        if message.type == "error":
            self.errors.append(message.text)
        elif message.type == "warning":
            self.warned.append(message.text)

    def goto(self, url):
        self.page.goto(url)

    def reload(self):
        self.page.reload()

    def wait_until(self, expression, timeout):
        self.page.wait_for_function(expression, timeout=timeout * 1000)

    def evaluate(self, expression):
        return self.page.evaluate(expression)

    def click(self, css):
        self.page.click(css)

    def fill(self, css, value):
        node = self.page.locator(css)
        if node.evaluate("n => n.tagName") == "SELECT":
            node.select_option(value)
        else:
            node.fill(value)

    def draw(self, points):
        draw(self.page, points)

    def console_errors(self):
        return self.errors

    def warnings(self):
        return self.warned


def run_chromium(browser, url: str) -> dict:
    page = ChromiumPage(browser, url)
    try:
        results = run_paths(page, url)
    finally:
        page.context.close()
    return {**results, "blocked": page.blocked}


def run_firefox(url: str, proxy: RefusingProxy) -> dict:
    limit = sum(SPEC["timeouts"].values()) + SESSION_MARGIN
    done = subprocess.run(
        [
            "node",
            str(HERE / "firefox_paths.mjs"),
            url,
            os.environ.get("BACKPROP_FIREFOX", "/usr/bin/firefox-esr"),
            proxy.address,
            json.dumps(SPEC),
        ],
        capture_output=True,
        text=True,
        timeout=limit,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"firefox_paths.mjs failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(lines[-1])


def run_webkit(url: str, proxy: RefusingProxy) -> dict:
    return webkit_paths.run(
        url,
        os.environ.get("BACKPROP_WEBKIT", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"),
        os.environ.get("BACKPROP_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver"),
        proxy.address,
        os.environ.get("BACKPROP_XVFB", "Xvfb"),
    )


@pytest.fixture(scope="session")
def hosts():
    """Our server and a plain static one, both serving dist/."""
    sites = {"ours": Site(isolated=True), "plain": Site(isolated=False)}
    yield {name: site.url for name, site in sites.items()}
    for site in sites.values():
        site.stop()


@pytest.fixture(scope="session")
def core_runs(request, hosts):
    """The results of each engine × host session, run once on first need."""

    def get(engine: str, host: str) -> dict:
        if (engine, host) not in SESSIONS:
            url = hosts[host]
            start = time.perf_counter()
            proxy = RefusingProxy()
            try:
                if engine == "chromium":
                    result = run_chromium(request.getfixturevalue("browser"), url)
                elif engine == "firefox":
                    result = {**run_firefox(url, proxy), "blocked": proxy.asked}
                else:
                    result = {**run_webkit(url, proxy), "blocked": proxy.asked}
            except Exception as exc:
                failed = {"ok": False, "seconds": 0, "error": f"the session failed: {exc}"}
                result = {"paths": dict.fromkeys(PATHS, failed), "session_error": str(exc)}
            finally:
                proxy.close()
            result["session_seconds"] = round(time.perf_counter() - start, 1)
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


@pytest.mark.parametrize(
    ("engine", "host"),
    [(engine, host) for engine in ENGINES for host in HOSTS],
    ids=lambda value: value,
)
def test_core_paths_reach_no_other_host_and_log_no_error(core_runs, engine, host):
    run = core_runs(engine, host)
    assert "session_error" not in run, run.get("session_error")
    assert run["blocked"] == [], f"the page tried to reach other hosts: {run['blocked']}"
    assert run["console_errors"] == [], f"console errors: {run['console_errors']}"
