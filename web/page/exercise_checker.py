"""The exercise worker as the exercises panel uses it (main thread): started once, early
(when the student starts writing), and asked with a time limit that ends it.

The student's code runs in that worker (web/worker/exercise_tasks.py). Nothing inside a
worker can stop ``while True: pass``; ending the worker can, so a call that has not
answered after its ``limit`` ends it, and the next call starts a new one.
"""

import asyncio
import json

from worker_link import WorkerDied, WorkerLink


class TimedOut(Exception):
    """The call's time limit passed: the worker was ended."""


class ExerciseChecker:
    def __init__(self, connect):
        """``connect(proxy)`` sets the callbacks of each new worker."""
        self.link = WorkerLink("exercise", "./worker/exercise_worker.py", connect)
        self.starting = None  # the start under way
        self.timed_out = False

    @property
    def running(self):
        return self.link.proxy is not None

    def heard(self):
        self.link.heard()

    async def start(self):
        """The worker, started once however many ask for it meanwhile."""
        if self.link.proxy is not None:
            return
        if self.starting is None:
            self.starting = asyncio.create_task(self.link.start())
        starting = self.starting
        try:
            await starting
        finally:
            if self.starting is starting:
                self.starting = None

    async def _end_after(self, seconds):
        await asyncio.sleep(seconds)
        self.timed_out = True
        self.link.end()

    async def ask(self, name, *args, quiet=5, limit=None):
        """The worker's JSON answer to ``name(*args)``, as a dict. Raises ``TimedOut`` when
        ``limit`` seconds pass first, ``WorkerDied`` when the worker falls silent."""
        await self.start()
        self.timed_out = False
        timer = asyncio.create_task(self._end_after(limit)) if limit else None
        try:
            return json.loads(await self.link.call(name, *args, quiet=quiet))
        except WorkerDied:
            if self.timed_out:
                raise TimedOut() from None
            raise
        finally:
            if timer is not None:
                timer.cancel()
