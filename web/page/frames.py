"""Drawing work spread over animation frames, so no task on the main thread runs long
(main thread, MicroPython).

While a network trains, the engine reports several times a second, and redrawing every chart
and inspector card at once took up to a second of the main thread: the pen lagged. Views
queue their drawing here instead, by key (``later``). Each frame runs queued jobs until
``BUDGET_MS`` have passed and leaves the rest to the next frame; a key queued again before
its turn runs once, with its newest job; a key runs at most every ``every`` seconds; and a
job for a view out of sight (scrolled away, or in a hidden tab) waits until it comes into
view, so what nobody sees costs nothing.
"""

import js
from pyscript.ffi import create_proxy, to_js

#: Milliseconds of queued jobs one frame may start (a frame is 16.7 ms at 60 Hz, and the
#: browser still has to paint it; Chart.js takes 2 to 20 ms to draw one chart on a slow
#: machine, so one job may overrun it).
BUDGET_MS = 5
#: How far outside the viewport a view counts as in sight, so it is drawn just before the
#: student scrolls to it.
MARGIN = "200px"


class Frames:
    def __init__(self):
        self.order = []  # keys waiting, oldest first (MicroPython dicts keep no order)
        self.jobs = {}  # key -> job, waiting for its turn
        self.parked = {}  # key -> job, waiting for its view to come into sight
        self.every = {}  # key -> the least seconds between two runs
        self.due = {}  # key -> the earliest time (ms) it may run again
        self.nodes = {}  # key -> the element whose visibility decides
        self.keys = {}  # an element's data-frame-node -> the keys it decides for
        self.shown = {}  # an element's data-frame-node -> in sight, as the observer last said
        self.count = 0
        self.frame_pending = False
        self.timer = None
        self._frame = create_proxy(self._run)
        self._wake = create_proxy(self._woken)
        self.observer = js.IntersectionObserver.new(
            create_proxy(self._seen), to_js({"rootMargin": MARGIN})
        )

    def later(self, key, job, node=None, every=0.0):
        """Run ``job()`` in a coming frame (once, however often asked before it runs); not
        sooner than ``every`` seconds after this key last ran; and, when ``node`` is given,
        only while ``node`` is in sight."""
        self.every[key] = every
        if node is not None:
            if not self.shown[self._watch(key, node)]:
                if key in self.jobs:
                    self.jobs.pop(key)
                    self.order.remove(key)
                self.parked[key] = job
                return
        self.parked.pop(key, None)
        self._queue(key, job)

    def _queue(self, key, job):
        if key not in self.jobs:
            self.order.append(key)
        self.jobs[key] = job
        self._schedule()

    def _watch(self, key, node):
        """Observe ``node`` for ``key`` (one element may decide for several keys); its
        ``data-frame-node`` name."""
        known = self.nodes.get(key)
        if known is not None and known.isSameNode(node):
            return node.getAttribute("data-frame-node")
        if known is not None:  # the key's view was made anew: forget the old element
            old = known.getAttribute("data-frame-node")
            self.keys[old].remove(key)
            if not self.keys[old]:
                self.observer.unobserve(known)
                self.keys.pop(old)
                self.shown.pop(old)
        self.nodes[key] = node
        name = node.getAttribute("data-frame-node")
        if name is None:
            self.count += 1
            name = str(self.count)
            node.setAttribute("data-frame-node", name)
            self.keys[name] = []
            self.shown[name] = False  # until the observer says (it reports every new node)
            self.observer.observe(node)
        if key not in self.keys[name]:
            self.keys[name].append(key)
        return name

    def _seen(self, entries, observer=None):
        for i in range(entries.length):
            entry = entries[i]
            name = entry.target.getAttribute("data-frame-node")
            if name not in self.shown:
                continue
            self.shown[name] = bool(entry.isIntersecting)
            for key in self.keys[name] if self.shown[name] else ():
                if key in self.parked:
                    self._queue(key, self.parked.pop(key))

    def _schedule(self):
        if self.frame_pending or not self.order:
            return
        wait = min(self.due.get(key, 0) for key in self.order) - js.performance.now()
        if wait <= 0:
            self.frame_pending = True
            js.requestAnimationFrame(self._frame)
        elif self.timer is None:
            self.timer = js.setTimeout(self._wake, wait)

    def _woken(self):
        self.timer = None
        self._schedule()

    def _run(self, _time=None):
        self.frame_pending = False
        start = js.performance.now()
        for key in list(self.order):
            if js.performance.now() - start >= BUDGET_MS:
                break
            if self.due.get(key, 0) > start:
                continue
            self.order.remove(key)
            job = self.jobs.pop(key)
            self.due[key] = start + 1000 * self.every.get(key, 0)
            try:
                job()
            except Exception as exc:  # one view failing must not stop the others
                js.console.warn(f"Backprop Lab: drawing {key} failed: {exc}")
        self._schedule()


frames = Frames()
