"""The page's side of a Pyodide worker: start it, call it, and notice when it dies.

A worker is a ``<script type="py" worker>`` the page adds itself (or index.html, for the
engine, so it loads from the first moment), and a dead one is replaced by a new one with a
new name (``engine``, ``engine-2``, ...: PyScript resolves each name once). Every call is
watched: a worker that has given no sign of life (an answer, a progress report, a ping
reply) for ``quiet`` seconds is pinged, and one that still says nothing for ``PING_LIMIT``
seconds more is taken for dead: it is ended and started again, and the call fails with
``WorkerDied``, so no operation is left on screen with nothing happening. Nothing here needs
SharedArrayBuffer: the page asks, the worker answers or reports.

A start is watched too, when the link is given the start's progress (``loading.py``): one
that receives nothing for ``START_STALL`` seconds is ended and made again, once; a second
such start fails with ``WorkerStalled``, so "Loading" never stays on screen for ever.
"""

import asyncio

import js
from pyscript import document, workers
from pyscript.ffi import create_proxy

#: Seconds a pinged worker has to answer before it is taken for dead.
PING_LIMIT = 6
#: How often a waiting call looks at the clock.
TICK = 0.5
#: Seconds a start may receive nothing (not a byte, not its exports) before it is redone.
START_STALL = 30


class WorkerDied(Exception):
    """The worker stopped answering and was replaced; the call's work is lost."""


class WorkerStalled(Exception):
    """The worker's start received nothing for START_STALL seconds, twice."""


class WorkerFailed(Exception):
    """A served function failed inside the worker (web/worker/answers.py); the message is
    the worker's ``<kind>: <message>``."""


def answer(value):
    """A worker's answer, or ``WorkerFailed`` when it is a ``{"crash": ...}``."""
    if value is not None and not isinstance(value, (str, int, float, bool)):
        if js.Reflect.has(value, "crash"):
            raise WorkerFailed(str(value.crash))
    return value


def _now():
    return js.performance.now() / 1000


class WorkerLink:
    """One worker of the page, restarted when it dies.

    ``src`` is its entry point under web/worker/; ``connect(proxy)`` is called with each new
    worker's exports (to set the callbacks the worker reports through, and to boot it).
    """

    def __init__(self, name, src, connect, progress=None):
        self.name = name
        self.src = src
        self.connect = connect
        self.progress = progress
        self.proxy = None
        self.script = None
        self.starts = 0
        self.ended = 0  # counts end() calls: a call under way fails when its worker is ended
        self.last_heard = _now()
        self._heard = create_proxy(lambda *args: self.heard())

    def heard(self):
        """A sign of life: the worker answered or reported."""
        self.last_heard = _now()

    async def start(self):
        """Start the worker and wait for its exports; a start that stalls is made again once
        (``WorkerStalled`` if that one stalls too)."""
        for _ in range(2):
            self.starts += 1
            name = self.name if self.starts == 1 else f"{self.name}-{self.starts}"
            self.script = self._script(name)
            self.proxy = await self._exports(name)
            if self.proxy is not None:
                self.heard()
                await self.connect(self.proxy)
                return self.proxy
            js.console.warn(f"Backprop Lab: {name} received nothing for {START_STALL} s")
            self.end()
        raise WorkerStalled(self.name)

    def _script(self, name):
        """The worker's script: added to the page, or the one index.html starts loading
        before this code runs."""
        script = document.querySelector(f'script[name="{name}"]')
        if script is None:
            script = document.createElement("script")
            script.type = "py"
            script.setAttribute("worker", "")
            script.setAttribute("name", name)
            script.setAttribute("src", self.src)
            script.setAttribute("config", "./worker.json")
            document.body.appendChild(script)
        return script

    async def _exports(self, name):
        """The worker's exports, or None once its start has received nothing for
        START_STALL seconds."""
        if self.progress is None:
            return await workers[name]
        outcome = {}

        async def settle():
            outcome["proxy"] = await workers[name]

        asyncio.create_task(settle())
        if self.starts > 1:
            self.progress.begin()
        while not outcome:
            await asyncio.sleep(TICK)
            if self.progress.silent_for() > START_STALL:
                return None
        return outcome["proxy"]

    def end(self):
        """End the worker at once (whatever it is computing) and forget it; a call under way
        fails with ``WorkerDied``."""
        self.ended += 1
        if self.script is not None:
            if js.Reflect.has(self.script, "xworker"):  # PyScript made the worker
                self.script.xworker.terminate()
            self.script.remove()
        self.script = self.proxy = None

    async def call(self, name, *args, quiet=5):
        """Await the worker's function ``name``; ``WorkerDied`` if the worker goes silent."""
        if self.proxy is None:
            await self.start()
        outcome = {}

        async def settle():
            try:
                outcome["value"] = await getattr(self.proxy, name)(*args)
            except Exception as exc:  # noqa: BLE001 (passed on to the caller below)
                outcome["error"] = exc

        self.heard()
        asyncio.create_task(settle())
        pinged, ended = None, self.ended
        while not outcome:
            await asyncio.sleep(TICK)
            if self.ended != ended:
                raise WorkerDied(self.name)
            silent = _now() - self.last_heard
            if silent < quiet:
                pinged = None
            elif pinged is None:
                pinged = _now()
                self.proxy.ping().then(self._heard)
            elif _now() - pinged > PING_LIMIT:
                self.end()
                raise WorkerDied(self.name)
        self.heard()
        if "error" in outcome:
            raise outcome["error"]
        return answer(outcome["value"])
