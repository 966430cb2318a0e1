"""Each engine on the user paths of ``core_paths``, in one fresh browser profile a session:
Chromium over Playwright (``ChromiumPage``), Firefox over puppeteer-core in Node.js
(``firefox_paths.mjs``), WebKit over Selenium (``webkit_paths``).

The browser tests (``test_engines.py``) walk the core paths with ``run_engine``, and the
benchmark (``benchmarks/engine_visits.py``, in ``build.py bench``) the first visit, so both
measure one thing the same way. Firefox and WebKit send every request for another host to a
``RefusingProxy``, which records it and lets nothing leave; Chromium's context does the same
with Playwright's routing. A session that outlasts its paths' limits
(``core_paths.session_limit``) is stopped, browser and all, and raises. Programs come from
the environment variables ``build.py`` sets (``sitebuild.browsers``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from pathlib import Path

import webkit_paths
from actions import draw
from core_paths import PATHS, SPEC, run_paths, session_limit

HERE = Path(__file__).resolve().parent
#: Where each program is unless the environment says (``build.py`` does: sitebuild.browsers).
DEBIAN_PATHS = {
    "BACKPROP_FIREFOX": "/usr/bin/firefox-esr",
    "BACKPROP_WEBKIT": "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "BACKPROP_WEBKIT_DRIVER": "/usr/bin/WebKitWebDriver",
    "BACKPROP_XVFB": "Xvfb",
}
#: Seconds Node.js has to close its Firefox once asked to stop (puppeteer closes it on SIGTERM).
FIREFOX_CLOSING = 10


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
    """``core_paths.Page`` over Playwright, in a fresh context (a new profile). With
    ``block_others`` it reaches only ``url``; a benchmark leaves that out, since routing every
    response through Playwright slows the very loads it times."""

    def __init__(self, browser, url: str, block_others: bool = True):
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

        if block_others:
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


def program(variable: str) -> str:
    """The program ``$variable`` names (``BACKPROP_WEBKIT``, ...), or Debian's."""
    return os.environ.get(variable, DEBIAN_PATHS[variable])


def run_chromium(browser, url: str, paths: list[str] = PATHS, block_others: bool = True) -> dict:
    """``paths`` in a new context of a Playwright ``browser``, with the requests it blocked."""
    page = ChromiumPage(browser, url, block_others)
    try:
        results = run_paths(page, url, paths)
    finally:
        page.context.close()
    return {**results, "blocked": page.blocked}


def run_firefox(url: str, proxy: RefusingProxy, paths: list[str] = PATHS) -> dict:
    """``paths`` in a new Firefox profile (``$BACKPROP_FIREFOX``), walked by
    ``firefox_paths.mjs``; past ``session_limit`` Node.js is told to stop, and closes Firefox."""
    limit = session_limit(paths)
    node = subprocess.Popen(
        [
            "node",
            str(HERE / "firefox_paths.mjs"),
            url,
            program("BACKPROP_FIREFOX"),
            proxy.address,
            json.dumps({**SPEC, "paths": paths}),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = node.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        # Killing Node.js outright would leave its Firefox running (puppeteer starts it in a
        # process group of its own): SIGTERM lets puppeteer close it first.
        node.terminate()
        try:
            node.communicate(timeout=FIREFOX_CLOSING)
        except subprocess.TimeoutExpired:
            node.kill()
            node.communicate()
        raise RuntimeError(f"the Firefox session took over {limit} s: it was stopped") from None
    lines = out.strip().splitlines()
    if node.returncode != 0 or not lines:
        raise RuntimeError(f"firefox_paths.mjs failed ({node.returncode}): {err[-3000:]}")
    return json.loads(lines[-1])


def run_webkit(url: str, proxy: RefusingProxy, paths: list[str] = PATHS) -> dict:
    """``paths`` in a new MiniBrowser (``$BACKPROP_WEBKIT``, its driver and Xvfb likewise)."""
    return webkit_paths.run(
        url,
        program("BACKPROP_WEBKIT"),
        program("BACKPROP_WEBKIT_DRIVER"),
        proxy.address,
        program("BACKPROP_XVFB"),
        paths,
    )


def run_engine(
    engine: str, url: str, paths: list[str] = PATHS, chromium=None, block_others: bool = True
) -> dict:
    """``paths`` in a fresh profile of ``engine`` (``"chromium"``, ``"firefox"``, ``"webkit"``;
    Chromium's is a new context of ``chromium``, a Playwright browser), with ``"blocked"``: the
    requests for other hosts it refused. Firefox and WebKit refuse them whatever
    ``block_others`` says: they go to a ``RefusingProxy``, which costs our own loads nothing."""
    if engine == "chromium":
        return run_chromium(chromium, url, paths, block_others)
    proxy = RefusingProxy()
    try:
        run = run_firefox if engine == "firefox" else run_webkit
        return {**run(url, proxy, paths), "blocked": proxy.asked}
    finally:
        proxy.close()
