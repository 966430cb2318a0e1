"""The browsers the tests and the benchmark drive: found on the system, or installed from
Debian's packages when we are root."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .steps import BuildError, run

#: Flags for headless Chromium here (shared/RUNTIME.md §5): without the background-networking
#: ones it keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
]


#: Where each program the browser tests run is found: the environment variable that overrides
#: the search, the names or paths to try, and the Debian package that installs it.
PROGRAMS = {
    "chromium": (
        "BACKPROP_CHROMIUM",
        ["chromium", "chromium-browser", "/usr/bin/chromium"],
        "chromium",
    ),
    "firefox": ("BACKPROP_FIREFOX", ["firefox-esr", "firefox"], "firefox-esr"),
    # WebKitGTK's MiniBrowser comes with the library, which the driver's package pulls in.
    "webkit": (
        "BACKPROP_WEBKIT",
        ["/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"],
        "webkit2gtk-driver",
    ),
    "webkit-driver": ("BACKPROP_WEBKIT_DRIVER", ["WebKitWebDriver"], "webkit2gtk-driver"),
    # A display for WebKit, which has no headless mode.
    "xvfb": ("BACKPROP_XVFB", ["Xvfb"], "xvfb"),
}


def _locate(name: str) -> str | None:
    variable, candidates, _ = PROGRAMS[name]
    for candidate in (os.environ.get(variable), *candidates):
        path = candidate and (shutil.which(candidate) or candidate)
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return None


def find_programs(names: list[str]) -> dict[str, str]:
    """The path of each program in ``names``; the missing ones are installed from Debian's
    packages (one apt-get run) when we are root, else a BuildError names what to install."""
    found = {name: _locate(name) for name in names}
    missing = sorted({PROGRAMS[name][2] for name, path in found.items() if path is None})
    if missing and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"Installing Debian's {', '.join(missing)} for the browser tests ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", *missing], env=env, stdout=subprocess.DEVNULL)
        found = {name: _locate(name) for name in names}
    absent = [name for name, path in found.items() if path is None]
    if absent:
        packages = " ".join(sorted({PROGRAMS[name][2] for name in absent}))
        variables = ", ".join(PROGRAMS[name][0] for name in absent)
        raise BuildError(
            f"the browser tests need {', '.join(absent)}: install them (Debian: apt-get install "
            f"{packages}) or set {variables} to their paths"
        )
    return found


def find_chromium() -> str:
    """The system Chromium, installing Debian's package when we are root and it is missing."""
    return find_programs(["chromium"])["chromium"]


def find_browsers() -> dict[str, str]:
    """Everything the browser tests drive, by the environment variable that passes it on:
    Chromium, Firefox, WebKitGTK's MiniBrowser with its WebDriver, and Xvfb for WebKit."""
    return {PROGRAMS[name][0]: path for name, path in find_programs(list(PROGRAMS)).items()}


#: The programs each engine needs (``PROGRAMS``' names).
ENGINES = {
    "chromium": ["chromium"],
    "firefox": ["firefox"],
    "webkit": ["webkit", "webkit-driver", "xvfb"],
}


def find_engines() -> tuple[dict[str, str], dict[str, str]]:
    """For the benchmark: what ``find_browsers`` finds (installing it when it can), by
    environment variable, but an engine it cannot get is left out rather than fatal; so also
    the engines left out, each with why. Chromium it cannot do without."""
    try:
        return find_browsers(), {}
    except BuildError as exc:
        why = str(exc)
    found = {name: _locate(name) for name in PROGRAMS}
    if not found["chromium"]:
        raise BuildError(why)
    left_out = {
        engine: why for engine, names in ENGINES.items() if not all(found[n] for n in names)
    }
    return {PROGRAMS[name][0]: path for name, path in found.items() if path}, left_out
