"""Backprop Lab's controller (main thread, MicroPython): it starts the engine and wires the
panels to it.

Each panel owns its controls and its view (``draw_panel``, ``train_panel``, ``model_panel``,
``inspector``, ``labs_panel``); the App holds what they share: the engine worker, the
page's status line, the language and the URL. Data flows one way: controls → settings →
engine → results → views. The main thread loads only MicroPython (half a megabyte), so the
canvas works within a second while the worker is still loading Pyodide and numpy.
"""

import asyncio

import i18n
import js
import state
from dom import find, on
from draw_panel import DrawPanel
from inspector import InspectorPanel
from labs_panel import LabsPanel
from link import Link, followed
from model_panel import ModelPanel
from pyscript import window
from train_panel import TrainPanel
from worker_link import WorkerDied, WorkerLink

LANG_KEY = "backprop-lab-lang"


class App:
    def __init__(self):
        self.ready = False
        self.status_args = ("loading", "status_loading", {"seconds": 0})
        self.engine = WorkerLink("engine", "./worker/engine_worker.py", self.connect_engine)
        self.draw = DrawPanel(self)
        self.train = TrainPanel(self)
        self.model = ModelPanel(self)
        self.inspector = InspectorPanel(self)
        self.link = Link(self)
        self.labs = None  # last: its tabs write the URL through remember_settings
        on("lang", "change", lambda event: self.set_language(event.target.value))
        for field in state.DEFAULTS:
            on(field, "change", self.remember_settings)
        self.labs = LabsPanel(self)

    # -- plumbing ----------------------------------------------------------------------------
    def spawn(self, coroutine):
        asyncio.create_task(self.guarded(coroutine))

    async def guarded(self, coroutine):
        """Run ``coroutine``; whatever fails, say so, and leave the controls usable."""
        try:
            await coroutine
        except WorkerDied:
            await self.engine_died()
        except Exception as exc:  # show it: a student should never face a silent failure
            js.console.warn(f"Backprop Lab: {exc}")
            self.status("error", "status_error", message=str(exc))

    def status(self, name, key, **values):
        self.status_args = (name, key, values)
        node = find("app-status")
        node.setAttribute("data-state", name)
        node.textContent = i18n.text(key, **values)

    def message(self, testid, key, **values):
        find(testid).textContent = i18n.text(key, **values) if key else ""

    # -- the engine ----------------------------------------------------------------------------
    async def connect_engine(self, engine):
        """Set the callbacks a (new) engine worker reports through, then boot it."""
        engine.progress = self.on_progress
        engine.show_inspection = self.on_inspection
        booted = await engine.boot(str(window.location.href))
        self.train.fill_choices(booted.choices)
        self.model.show(booted.models)
        self.model.say_notices(booted.models)

    def on_progress(self, p):
        self.engine.heard()
        self.train.on_progress(p)

    def on_inspection(self, summary):
        self.engine.heard()
        self.inspector.on_inspection(summary)

    async def engine_died(self):
        """The engine stopped answering and was ended: say so and start a new one (it loads
        the saved model again), so the controls come back."""
        self.ready = False
        if self.train.training or find("train-progress").getAttribute("data-done") != "true":
            self.train.fail("engine_died_run")
        self.status("loading", "engine_restarting")
        self.train.set_busy(False)
        await self.engine.start()
        self.ready = True
        self.status("ready", "status_ready")
        self.message("model-message", "engine_restarted")
        self.train.set_busy(False)

    async def model_changed(self):
        """A new model is in use: guess the drawing again and refresh the inspector."""
        self.draw.on_drawing()
        await self.inspector.refresh()

    # -- start-up ----------------------------------------------------------------------------
    async def boot(self):
        lang = window.localStorage.getItem(LANG_KEY) or i18n.browser_language(
            window.navigator.language
        )
        self.set_language(lang)
        ticker = asyncio.create_task(self.loading_clock())
        try:
            await self.engine.start()
        finally:
            ticker.cancel()
        pairs = await self.link.restore()
        find("app-status").setAttribute("data-ready-ms", str(int(js.performance.now())))
        self.ready = True
        self.status("ready", "status_ready")
        self.train.set_busy(False)
        if not self.draw.pad.empty:
            self.draw.on_drawing()
        self.labs.restore(pairs, run=followed())
        self.link.remember()  # the fragment as the page now is: only what it could use
        self.spawn(self.keep_offline())

    async def keep_offline(self):
        """Let the service worker (sw.js) keep the site in this browser, then say so. Started
        once the page is ready, so filling its cache never slows the first start."""
        if not js.Reflect.has(window.navigator, "serviceWorker"):
            return  # not a secure context (http to another machine): nothing can be kept
        container = window.navigator.serviceWorker
        try:
            await container.register("./sw.js")
            await container.ready
        except Exception as exc:  # the page works as before, only not offline
            js.console.warn(f"Backprop Lab: no offline copy: {exc}")
            return
        node = find("offline-status")
        node.setAttribute("data-state", "ready")
        node.hidden = False

    async def loading_clock(self):
        start = js.performance.now()
        while True:
            if self.status_args[1] == "status_loading":
                self.status(
                    "loading", "status_loading", seconds=int((js.performance.now() - start) / 1000)
                )
            await asyncio.sleep(1)

    # -- language and URL ----------------------------------------------------------------------
    def set_language(self, lang):
        i18n.apply(lang)
        find("lang").value = i18n.current["lang"]
        window.localStorage.setItem(LANG_KEY, i18n.current["lang"])
        self.train.relabel()
        self.inspector.view.relabel()
        self.model.relabel()
        self.link.relabel()
        name, key, values = self.status_args
        self.status(name, key, **values)

    def remember_settings(self, event=None):
        """Write the settings (and the lab the student opened) to the URL (link.py)."""
        if self.labs is not None:
            self.link.remember()


app = App()
app.spawn(app.boot())
