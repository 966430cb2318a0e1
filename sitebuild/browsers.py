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


def find_chromium() -> str:
    """The system Chromium, installing Debian's package when we are root and it is missing."""
    for candidate in (
        os.environ.get("BACKPROP_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's chromium for the browser tests ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, stdout=subprocess.DEVNULL)
        if Path("/usr/bin/chromium").exists():
            return "/usr/bin/chromium"
    raise BuildError(
        "the browser tests need Chromium: install it (Debian: apt-get install chromium) "
        "or set BACKPROP_CHROMIUM to its path"
    )
