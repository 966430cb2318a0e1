"""Backprop Lab's controller (main thread, MicroPython): it starts the engine and wires the
panels to it.

Each panel owns its controls and its view (``draw_panel``, ``train_panel``, ``model_panel``,
``evaluation_view``, ``inspector``, ``graph_panel``, ``netstep_panel``, ``labs_panel``,
``exercises_panel``); the App holds what they share: the engine worker, the page's status
line, the language and the URL. Data flows one way: controls → settings → engine →
results → views. The main thread loads only MicroPython (half a megabyte), so the canvas
works within a second while the worker is still loading Pyodide and numpy.
"""

import asyncio

import i18n
import js
import state
from dom import find, on
from draw_panel import DrawPanel
from evaluation_view import EvaluationPanel
from exercises_panel import ExercisesPanel
from graph_panel import GraphPanel
from inspector import InspectorPanel
from labs_panel import LabsPanel
from link import Link, followed
from loading import StartProgress
from model_panel import ModelPanel
from netstep_panel import NetStepPanel
from pyscript import window
from scrollboxes import ScrollBoxes
from train_panel import TrainPanel
from worker_link import START_STALL, WorkerDied, WorkerFailed, WorkerLink, WorkerStalled, answer

LANG_KEY = "backprop-lab-lang"
#: Seconds after ready the offline copy waits for the first guess, so its 70 MB never
#: share the link with what that guess needs.
OFFLINE_AFTER = 10
#: Seconds of loading after which the page offers to start clean (a first visit on a slow
#: link takes about 50 s at 5 Mbit/s; a stuck one never ends).
STUCK_AFTER = 90


class App:
    def __init__(self):
        self.ready = False
        self.status_args = ("loading", "status_loading", {"seconds": 0})
        self.announced = None  # the status key the live region last said
        self.scroll_boxes = ScrollBoxes()
        self.messages = {}
        self.loading = StartProgress()
        self.engine = WorkerLink(
            "engine", "./worker/engine_worker.py", self.connect_engine, self.loading
        )
        self.draw = DrawPanel(self)
        self.train = TrainPanel(self)
        self.model = ModelPanel(self)
        self.evaluation = EvaluationPanel(self)
        self.inspector = InspectorPanel(self)
        self.exercises = ExercisesPanel(self)
        self.graph = GraphPanel(self)
        self.netstep = NetStepPanel(self)
        self.link = Link(self)
        self.labs = None  # last: its tabs write the URL through remember_settings
        on("lang", "change", lambda event: self.set_language(event.target.value))
        on("start-clean", "click", lambda event: self.spawn(self.start_clean()))
        for field in state.DEFAULTS:
            on(field, "change", self.remember_settings)
        self.labs = LabsPanel(self)
        self.spawn(self.exercises.boot())  # beside the engine's start: it needs no worker

    # -- plumbing ----------------------------------------------------------------------------
    def spawn(self, coroutine):
        asyncio.create_task(self.guarded(coroutine))

    async def guarded(self, coroutine):
        """Run ``coroutine``; whatever fails, say so, and leave the controls usable."""
        try:
            await coroutine
        except WorkerDied:
            await self.engine_died()
        except WorkerFailed as exc:
            js.console.warn(f"Backprop Lab: {exc}")
            self.status("error", "status_failed", message=str(exc))
        except Exception as exc:  # show it: a student should never face a silent failure
            js.console.warn(f"Backprop Lab: {exc}")
            self.status("error", "status_error", message=str(exc))

    def status(self, name, key, **values):
        self.status_args = (name, key, values)
        node = find("app-status")
        node.setAttribute("data-state", name)
        node.textContent = i18n.text(key, **values)
        loading = key in ("status_loading", "status_loading_mb")
        said = "announce_loading" if loading else key
        if said != self.announced:  # screen readers hear each stage once, not every second
            self.announced = said
            find("status-announcement").textContent = i18n.text(said, **values)

    def message(self, testid, key, error=None, **values):
        """Show the string ``key`` in element ``testid`` (with ``error``, a pynet error, as
        its ``{message}``); it is worded again when the language changes."""
        self.messages[testid] = (key, error, values)
        if error is not None:
            values["message"] = i18n.error_text(error)
        find(testid).textContent = i18n.text(key, **values) if key else ""

    # -- the engine ----------------------------------------------------------------------------
    async def connect_engine(self, engine):
        """Set the callbacks a (new) engine worker reports through, then boot it."""
        engine.progress = self.on_progress
        engine.show_inspection = self.on_inspection
        booted = answer(await engine.boot(str(window.location.href)))
        self.train.fill_choices(booted.choices)
        self.netstep.fill_optimizers(booted.choices)
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
        self.status("loading", "engine_restarting")
        self.train.set_busy(False)
        try:
            await self.engine.start()
        except WorkerStalled:
            self.stalled()
            return
        self.ready = True
        self.status("ready", "status_ready")
        self.message("model-message", "engine_restarted")
        self.train.set_busy(False)

    async def model_changed(self, evaluation_kept=False):
        """A new model is in use: guess the drawing again and refresh the inspector; the
        last test-set evaluation described the old model (unless ``evaluation_kept``: it was
        of the new one)."""
        if not evaluation_kept:
            self.evaluation.clear()
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
        except WorkerStalled:  # the connection, most likely
            self.stalled()
            return
        except Exception as exc:  # what the browser saved may be what stops the start
            self.status("error", "status_stuck", message=str(exc))
            find("start-clean").hidden = False
            return
        finally:
            ticker.cancel()
        pairs = await self.link.restore()
        find("app-status").setAttribute("data-ready-ms", str(int(js.performance.now())))
        self.ready = True
        self.status("ready", "status_ready")
        self.train.set_busy(False)
        self.draw.sources.enable(True)
        if not self.draw.pad.empty:
            self.draw.on_drawing()
        self.labs.restore(pairs, run=followed())
        self.link.remember()  # the fragment as the page now is: only what it could use
        self.graph.start()
        self.spawn(self.netstep.start())
        self.spawn(self.keep_offline())

    async def keep_offline(self):
        """Let the service worker (sw.js) keep the site in this browser, then say so. Started
        after the first guess (or OFFLINE_AFTER seconds of ready), so filling its cache never
        slows the start or the first guess."""
        waited = 0
        while not self.draw.guessed and waited < OFFLINE_AFTER:
            await asyncio.sleep(0.5)
            waited += 0.5
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

    def stalled(self):
        self.status("error", "status_stalled", seconds=START_STALL)
        find("start-clean").hidden = False

    async def loading_clock(self):
        """The loading view: what is loading, MB of MB, and the seconds so far."""
        start = js.performance.now()
        while True:
            seconds = int((js.performance.now() - start) / 1000)
            if self.status_args[1] in ("status_loading", "status_loading_mb"):
                values = self.loading.values()
                if values is None:
                    self.status("loading", "status_loading", seconds=seconds)
                else:
                    part = i18n.text(self.loading.part())
                    self.status(
                        "loading", "status_loading_mb", part=part, seconds=seconds, **values
                    )
            if seconds >= STUCK_AFTER:
                find("start-clean").hidden = False
            await asyncio.sleep(1)

    async def start_clean(self):
        """Forget everything this site saved in the browser but its offline copy (the model
        and settings that may stop the start), then load the page again."""
        if js.Reflect.has(js.indexedDB, "databases"):
            names = await js.indexedDB.databases()
            for i in range(names.length):
                if "backprop-lab" in str(names[i].name):
                    js.indexedDB.deleteDatabase(names[i].name)
        window.localStorage.clear()
        window.location.replace(window.location.pathname)

    # -- language and URL ----------------------------------------------------------------------
    def set_language(self, lang):
        i18n.apply(lang)
        find("lang").value = i18n.current["lang"]
        window.localStorage.setItem(LANG_KEY, i18n.current["lang"])
        self.train.relabel()
        self.evaluation.relabel()
        self.inspector.view.relabel()
        self.draw.sources.relabel()
        self.model.relabel()
        self.link.relabel()
        self.exercises.relabel()
        self.graph.relabel()
        self.netstep.relabel()
        name, key, values = self.status_args
        self.status(name, key, **values)
        for testid, (key, error, values) in list(self.messages.items()):
            self.message(testid, key, error, **values)

    def remember_settings(self, event=None):
        """Write the settings (and the lab the student opened) to the URL (link.py)."""
        if self.labs is not None:
            self.link.remember()


app = App()
app.spawn(app.boot())
