"""WebKit for the user paths (``core_paths``): Debian's WebKitGTK MiniBrowser driven by its
WebDriver (``WebKitWebDriver``) through Selenium, on a private Xvfb display.

The driver has no console access (no ``get_log``, no WebDriver BiDi in WebKitGTK 2.50), so
after every load the page's ``console.error``, uncaught errors and unhandled rejections are
recorded by a small hook: it sees the main thread from that moment on, not the workers'
own consoles (errors they send to the page do show). Requests to other hosts go to the
refusing proxy the test passes (the W3C ``proxy`` capability), which records them.

Selenium gives the driver no time limit of its own, and the driver waits for ever for a
MiniBrowser that never comes up: now and then one crashes as it starts (a segmentation fault
within a second; here 3 starts in 22 while another WebKit session ran on the machine). So a
MiniBrowser that is not up within ``START_LIMIT`` is stopped with its driver and started
again, ``STARTS`` times at most; and a session that outlasts its paths' limits
(``session_limit``) has its driver and browser stopped, and ``run`` raises.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from contextlib import contextmanager

from core_paths import PATHS, run_paths, session_limit
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

#: Seconds a MiniBrowser may take to come up (it takes a quarter of a second here).
START_LIMIT = 30
#: How many times a session starts a MiniBrowser that does not come up before it fails.
STARTS = 3

WATCH_CONSOLE = """
if (!window.__coreErrors) {
  window.__coreErrors = [];
  window.__coreWarnings = [];
  const keep = (list, original) => (...args) => {
    list.push(args.map(String).join(" "));
    original.apply(console, args);
  };
  console.error = keep(window.__coreErrors, console.error);
  console.warn = keep(window.__coreWarnings, console.warn);
  addEventListener("error", (e) => window.__coreErrors.push(`uncaught: ${e.message}`));
  addEventListener("unhandledrejection", (e) =>
    window.__coreErrors.push(`unhandled rejection: ${e.reason}`));
}
"""


@contextmanager
def xvfb(binary: str = "Xvfb"):
    """A private X display (the number Xvfb picks itself), for as long as the block runs."""
    read, write = os.pipe()
    server = subprocess.Popen(
        [binary, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        number = b""
        while not number.endswith(b"\n"):
            chunk = os.read(read, 16)
            if not chunk:
                raise RuntimeError("Xvfb did not start")
            number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(read)
        server.terminate()
        server.wait(10)


class WebKitPage:
    """``core_paths.Page`` over a Selenium session."""

    def __init__(self, driver: webdriver.WebKitGTK):
        self.driver = driver
        self.errors: list[str] = []
        self.warned: list[str] = []

    def _watch(self) -> None:
        self.driver.execute_script(WATCH_CONSOLE)

    def _collect(self) -> None:
        try:
            seen = self.driver.execute_script(
                "return [window.__coreErrors || [], window.__coreWarnings || []]"
            )
        except Exception:  # a page that no longer answers has nothing more to tell
            return
        self.errors += seen[0]
        self.warned += seen[1]
        self.driver.execute_script("window.__coreErrors = []; window.__coreWarnings = []")

    def goto(self, url: str) -> None:
        self.driver.get(url)
        self._watch()

    def reload(self) -> None:
        self._collect()
        self.driver.refresh()
        self._watch()

    def _wait(self, script: str, arg, timeout: float) -> None:
        WebDriverWait(self.driver, timeout, poll_frequency=0.25).until(
            lambda d: d.execute_script(script, arg)
        )

    def wait_until(self, expression: str, timeout: float) -> None:
        self._wait(f"return !!({expression})", None, timeout)

    def evaluate(self, expression: str):
        return self.driver.execute_script(f"return ({expression})")

    def click(self, css: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, css).click()

    def fill(self, css: str, value: str) -> None:
        field = self.driver.find_element(By.CSS_SELECTOR, css)
        if field.tag_name.lower() == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)

    def draw(self, points: list[tuple[float, float]]) -> None:
        """One stroke with the WebDriver's pointer (real pointer events), offsets from the
        canvas's centre as WebDriver counts them."""
        canvas = self.driver.find_element(By.CSS_SELECTOR, '[data-testid="draw-canvas"]')
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
        width, height = canvas.size["width"], canvas.size["height"]
        offsets = [(round((x - 0.5) * width), round((y - 0.5) * height)) for x, y in points]
        chain = ActionChains(self.driver, duration=20)
        chain.move_to_element_with_offset(canvas, *offsets[0]).click_and_hold()
        for (x0, y0), (x1, y1) in zip(offsets, offsets[1:], strict=False):
            chain.move_by_offset(x1 - x0, y1 - y0)
        chain.release().perform()

    def console_errors(self) -> list[str]:
        self._collect()
        return self.errors

    def warnings(self) -> list[str]:
        self._collect()
        return self.warned


@contextmanager
def stop_after(service: Service, limit: float):
    """Stops the driver of ``service`` and the MiniBrowser it started (the driver leads their
    process group) if the block still runs after ``limit`` seconds; yields an Event that says
    whether it did."""
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        try:
            os.killpg(service.process.pid, signal.SIGKILL)
        except (AttributeError, ProcessLookupError):  # not started yet, or already gone
            pass

    watchdog = threading.Timer(limit, stop)
    watchdog.start()
    try:
        yield stopped
    finally:
        watchdog.cancel()


def start(options: Options, driver_path: str, display: str) -> tuple[webdriver.WebKitGTK, int]:
    """A driver with its MiniBrowser up on ``display``, started again when it does not come up
    within ``START_LIMIT`` (``STARTS`` times at most; then ``RuntimeError``); and how many
    starts failed before."""
    for failed in range(STARTS):
        service = Service(
            executable_path=driver_path,
            env={**os.environ, "DISPLAY": display},
            popen_kw={"start_new_session": True},  # a process group of its own, to stop
        )
        with stop_after(service, START_LIMIT) as stopped:
            try:
                return webdriver.WebKitGTK(options=options, service=service), failed
            except Exception:
                if not stopped.is_set():
                    raise
    raise RuntimeError(
        f"the MiniBrowser did not come up within {START_LIMIT} s, {STARTS} times: "
        "its driver was stopped each time"
    )


def run(
    url: str,
    minibrowser: str,
    driver_path: str,
    proxy: str,
    xvfb_binary: str,
    paths: list[str] = PATHS,
) -> dict:
    """``paths`` in a fresh MiniBrowser (an ephemeral profile in automation mode). Past
    ``session_limit(paths)`` the driver and its browser are stopped and this raises."""
    limit = session_limit(paths)
    options = Options()
    options.binary_location = minibrowser
    options.add_argument("--automation")
    options.set_capability(
        "proxy",
        {
            "proxyType": "manual",
            "httpProxy": proxy,
            "sslProxy": proxy,
            "noProxy": ["127.0.0.1", "localhost"],
        },
    )
    with xvfb(xvfb_binary) as display:
        driver, failed = start(options, driver_path, display)
        with stop_after(driver.service, limit) as stopped:
            try:
                try:
                    driver.set_window_size(1280, 1000)
                    results = run_paths(WebKitPage(driver), url, paths)
                finally:
                    driver.quit()
            except Exception:
                if not stopped.is_set():
                    raise
    if stopped.is_set():
        raise RuntimeError(f"the WebKit session took over {limit} s: its driver was stopped")
    if failed:
        results["warnings"].append(f"the MiniBrowser was started again {failed} time(s)")
    return results
