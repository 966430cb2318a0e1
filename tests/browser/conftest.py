"""Browser fixtures: the built site served on localhost, and headless Chromium driven by
Playwright. Every request to another host is blocked, so a passing test proves the page
works offline, and any console error fails the test."""

import collections
import os
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest
from actions import wait_ready
from core_paths import PATHS

from sitebuild.browsers import CHROMIUM_FLAGS
from sitebuild.serve import make_server
from sitebuild.steps import DIST

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


#: Every engine × host session of this pytest run (test_engines.py): (engine, host) -> its
#: results (``core_paths.run_paths``).
SESSIONS: dict[tuple[str, str], dict] = {}


def table() -> list[str]:
    """The sessions as a table for the end of the run: seconds per path, FAIL where failed."""
    lines = [f"{'engine / host':<18}{'session':>9}" + "".join(f"{p:>20}" for p in PATHS)]
    for (engine, host), run in SESSIONS.items():
        cells = "".join(
            f"{('' if o['ok'] else 'FAIL ') + str(o['seconds']) + ' s':>20}"
            for o in run["paths"].values()
        )
        lines.append(f"{engine + ' / ' + host:<18}{str(run['session_seconds']) + ' s':>9}{cells}")
    return lines


def pytest_terminal_summary(terminalreporter):
    """The core paths' table (test_engines.py), when this run walked them."""
    if SESSIONS:
        terminalreporter.section("core paths, seconds per engine, host and path")
        for line in table():
            terminalreporter.write_line(line)


class Site:
    """dist/ served on a free port of localhost until ``stop()``: by our server, or
    (``isolated=False``) as a plain static host serves it, without the isolation headers.
    ``requested`` counts the requests for each path."""

    def __init__(self, isolated: bool = True):
        if not (DIST / "index.html").exists():
            pytest.fail("dist/ is not built: run `python3 build.py test`")
        self.server = make_server("127.0.0.1", 0, isolated=isolated)
        self.requested: collections.Counter = collections.Counter()
        counting = threading.Lock()

        def heard(path: str) -> None:
            with counting:
                self.requested[urllib.parse.urlsplit(path).path] += 1

        self.server.heard = heard
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.running = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.running:
            self.running = False
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture(scope="session")
def site_url():
    site = Site()
    yield site.url
    site.stop()


@pytest.fixture
def own_site():
    """A server for one test alone, which the test may stop (to take the site offline)."""
    site = Site()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("BACKPROP_CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.fail(
            "the browser tests need Chromium: run `python3 build.py test`, which installs it"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Console:
    """Console errors and uncaught exceptions seen by a page, and its warnings (a worker
    falling back to a slower way, such as numpy's products instead of the SIMD kernel)."""

    def __init__(self):
        self.errors = []
        self.warnings = []

    def watch(self, page):
        def seen(message):
            if message.type == "error":
                self.errors.append(message.text)
            elif message.type == "warning":
                self.warnings.append(message.text)

        page.on("console", seen)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def context(browser, site_url):
    """A fresh browser profile (empty IndexedDB) that can only reach our server."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    blocked = []

    def route(request_route):
        if request_route.request.url.startswith(site_url):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    console = Console()
    context.on("page", console.watch)
    # A test that makes something fail on purpose names the console lines it expects.
    context.expected_console = []
    yield context
    context.close()

    def unexpected(lines):
        return [line for line in lines if not any(e in line for e in context.expected_console)]

    assert blocked == [], f"the page tried to reach other hosts: {blocked}"
    assert unexpected(console.errors) == [], f"console errors: {console.errors}"
    assert unexpected(console.warnings) == [], f"console warnings: {console.warnings}"


@pytest.fixture
def page(context, site_url):
    """The page, open and ready (the engine has loaded and the model predicts)."""
    page = context.new_page()
    page.goto(site_url)
    wait_ready(page)
    return page
