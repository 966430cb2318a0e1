"""The engine's start as the student sees it: what is loading and how many MB of how many,
and whether anything is still arriving (``WorkerLink`` asks, to notice a start that stalls).

Each Pyodide worker's loader (runtime/start_pyodide.mjs) broadcasts the bytes it has read so
far and the file it is reading, on a BroadcastChannel; nothing waits for these messages. The
build writes the MB a start reads into index.html (``data-start-mb`` on the status line, and
``data-snapshot-mb`` more when the start restores the snapshot).
"""

import js
from dom import find
from pyscript.ffi import create_proxy

CHANNEL = "backprop-lab-start"

#: What a file of the start is, for the student: (start of its name, i18n key).
PARTS = (
    ("snapshot.bin", "loading_snapshot"),  # (not snapshot.json: a first visit reads it)
    ("numpy", "loading_numpy"),
    ("pyodide", "loading_python"),
    ("python_stdlib", "loading_python"),
    ("bytecode", "loading_pynet"),
    ("pynet", "loading_pynet"),
    ("t10k", "loading_mnist"),
    ("train-", "loading_mnist"),
)


def _now():
    return js.performance.now() / 1000


class StartProgress:
    """Bytes the site's workers have read as they start, summed over workers."""

    def __init__(self):
        status = find("app-status")
        self.start_mb = float(status.getAttribute("data-start-mb") or 0)
        self.snapshot_mb = float(status.getAttribute("data-snapshot-mb") or 0)
        self.from_snapshot = False
        self.by_worker = {}
        self.file = ""
        self.last_heard = _now()
        self.channel = js.BroadcastChannel.new(CHANNEL)
        self.channel.onmessage = create_proxy(self.on_message)
        self.channel.postMessage("report")  # what arrived before this page listened

    def on_message(self, event):
        data = event.data
        if isinstance(data, str):
            return  # another page of the site asking its workers, as this one did at its start
        self.by_worker[str(data.worker)] = int(data.loaded)
        self.file = str(data.file)
        self.from_snapshot = data.snapshot is True
        self.last_heard = _now()

    def begin(self):
        """A start begins again: what the ended worker had read no longer counts."""
        self.by_worker = {}
        self.last_heard = _now()

    def silent_for(self):
        """Seconds since the last byte arrived."""
        return _now() - self.last_heard

    def part(self):
        """The i18n key of what is loading now (Python itself when nothing is known)."""
        for prefix, key in PARTS:
            if self.file.startswith(prefix):
                return key
        return "loading_python"

    def values(self):
        """``{mb, total}`` read so far, as the status line shows them (None before a byte)."""
        loaded = sum(self.by_worker.values()) / 1e6
        if not loaded:
            return None
        total = self.start_mb + (self.snapshot_mb if self.from_snapshot else 0)
        total = max(total, loaded)  # a refused snapshot (WebKit's) means reading more
        return {"mb": f"{loaded:.1f}", "total": f"{total:.1f}"}
