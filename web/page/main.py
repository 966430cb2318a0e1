"""Backprop Lab's controller (main thread, MicroPython).

It wires the page's controls and views to the engine, which runs pynet in a worker. Data
flows one way: controls → settings → engine → results → views. The main thread loads only
MicroPython (half a megabyte), so the canvas works within a second while the worker is
still loading Pyodide and numpy.
"""

import asyncio

import i18n
import js
import state
from charts import TrainingCharts
from dom import find, fmt, put_image
from drawing import DrawingPad
from inspector import Inspector
from labs_view import LabsView
from pyscript import document, window, workers
from pyscript.ffi import create_proxy, to_js

#: Seconds to wait after the last stroke before asking for a new guess.
PREDICT_DELAY = 0.08
LANG_KEY = "backprop-lab-lang"


def _has(obj, key):
    return bool(obj) and bool(obj.hasOwnProperty(key))


class App:
    def __init__(self):
        self.engine = None
        self.choices = None
        self.training = False
        self.stop_requested = False
        self.drawing_changed = False
        self.predicting = False
        self.total_steps = 1
        self.status_args = ("loading", "status_loading", {"seconds": 0})
        self.proxies = []
        self.pad = DrawingPad(find("draw-canvas"), self.on_drawing)
        self.charts = TrainingCharts(find("loss-chart"), find("acc-chart"), self.chart_labels())
        self.inspector = Inspector(find("layer-inspector"), find("inspector-summary"))
        self.labs = None  # created at the end: its tabs update the URL through this App
        self.on("clear-canvas", "click", lambda event: self.pad.clear())
        self.on("train-start", "click", lambda event: self.spawn(self.start_training()))
        self.on("train-stop", "click", self.request_stop)
        self.on("lang", "change", lambda event: self.set_language(event.target.value))
        self.on("model-download", "click", lambda event: self.spawn(self.download()))
        self.on("model-upload", "change", lambda event: self.spawn(self.upload(event.target)))
        self.on("model-reset", "click", lambda event: self.spawn(self.reset()))
        self.on("inspector-source", "change", lambda event: self.spawn(self.refresh_inspector()))
        self.on("inspector-refresh", "click", lambda event: self.spawn(self.refresh_inspector()))
        self.on("optimizer", "change", self.optimizer_changed)
        for field in state.DEFAULTS:
            self.on(field, "change", self.remember_settings)
        self.labs = LabsView(self)

    # -- plumbing ----------------------------------------------------------------------------
    def on(self, testid, event, handler):
        proxy = create_proxy(handler)
        self.proxies.append(proxy)
        find(testid).addEventListener(event, proxy)

    def spawn(self, coroutine):
        asyncio.create_task(self.guarded(coroutine))

    async def guarded(self, coroutine):
        try:
            await coroutine
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

    def chart_labels(self):
        return {
            "loss": i18n.text("loss"),
            "train": i18n.text("train_acc"),
            "test": i18n.text("test_acc"),
            "step": "step",
            "epoch": "epoch",
            "accuracy": "accuracy",
        }

    # -- start-up ----------------------------------------------------------------------------
    async def boot(self):
        lang = window.localStorage.getItem(LANG_KEY) or i18n.browser_language(
            window.navigator.language
        )
        self.set_language(lang)
        ticker = asyncio.create_task(self.loading_clock())
        try:
            self.engine = await workers["engine"]
            self.engine.progress = self.on_progress
            self.engine.poll = self.on_poll
            self.engine.show_prediction = self.show_prediction
            self.engine.show_inspection = self.show_inspection
            self.status("loading", "status_model")
            booted = await self.engine.boot(str(window.location.href))
        finally:
            ticker.cancel()
        self.choices = booted.choices
        self.fill_choices()
        pairs = state.parse_fragment(window.location.hash)
        self.apply_settings(state.from_fragment(pairs))
        self.show_model(booted.model)
        find("app-status").setAttribute("data-ready-ms", str(int(js.performance.now())))
        self.status("ready", "status_ready")
        self.set_busy(False)
        if not self.pad.empty:
            self.on_drawing()
        self.labs.restore(pairs)
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

    def fill_choices(self):
        def fill(testid, items):
            select = find(testid)
            select.innerHTML = ""
            for value, label_key, label in items:
                option = document.createElement("option")
                option.value = value
                if label_key:
                    option.setAttribute("data-i18n", label_key)
                    label = i18n.text(label_key)
                option.textContent = label
                select.appendChild(option)

        optimizers = self.choices.optimizers
        names = js.Object.keys(optimizers)
        fill(
            "optimizer", [(names[i], None, optimizers[names[i]].label) for i in range(names.length)]
        )
        activations = self.choices.activations
        fill(
            "activation",
            [(activations[i], None, activations[i]) for i in range(activations.length)],
        )
        inits = self.choices.inits
        fill("init", [(inits[i], f"init_{inits[i]}", None) for i in range(inits.length)])

    def set_language(self, lang):
        i18n.apply(lang)
        find("lang").value = i18n.current["lang"]
        window.localStorage.setItem(LANG_KEY, i18n.current["lang"])
        self.charts.relabel(self.chart_labels())
        self.inspector.relabel()
        name, key, values = self.status_args
        self.status(name, key, **values)

    # -- settings ----------------------------------------------------------------------------
    def read_form(self):
        raw = {}
        for field, default in state.DEFAULTS.items():
            node = find(field)
            raw[field] = bool(node.checked) if isinstance(default, bool) else str(node.value)
        return raw

    def apply_settings(self, settings):
        for field, value in settings.items():
            node = find(field)
            if isinstance(value, bool):
                node.checked = value
            else:
                node.value = value

    def remember_settings(self, event=None):
        if self.labs is None:
            return
        fragment = state.to_fragment(self.read_form(), self.labs.fragment_pairs())
        window.history.replaceState(None, "", fragment or window.location.pathname)

    def optimizer_changed(self, event):
        choice = self.choices.optimizers[event.target.value]
        find("learning-rate").value = str(choice.lr)
        find("optimizer-params").value = str(choice.params)
        self.remember_settings()

    def show_errors(self, errors):
        fields = js.Object.keys(errors)
        for field in state.DEFAULTS:
            find(field).removeAttribute("aria-invalid")
            document.querySelector(f'[data-error-for="{field}"]').textContent = ""
        for i in range(fields.length):
            field = fields[i]
            find(field).setAttribute("aria-invalid", "true")
            document.querySelector(f'[data-error-for="{field}"]').textContent = errors[field]
        self.message("train-message", "fix_fields" if fields.length else None)
        return fields.length > 0

    # -- drawing and prediction ----------------------------------------------------------------
    def on_drawing(self):
        self.drawing_changed = True
        if self.pad.empty:
            self.show_empty()
        if self.engine is not None and not self.training and not self.predicting:
            self.spawn(self.predict_loop())

    async def predict_loop(self):
        self.predicting = True
        try:
            while self.drawing_changed and not self.training:
                await asyncio.sleep(PREDICT_DELAY)
                self.drawing_changed = False
                if self.pad.empty:
                    self.show_empty()
                    continue
                canvas = self.pad.canvas
                self.show_prediction(
                    await self.engine.predict(self.pad.pixels(), canvas.width, canvas.height)
                )
        finally:
            self.predicting = False
        if find("inspector-source").value == "digit":
            await self.refresh_inspector()

    def show_empty(self):
        find("prediction").setAttribute("data-label", "")
        find("prediction-digit").textContent = i18n.text("draw_prompt")
        for digit in range(10):
            self.show_bar(digit, 0.0)
        for testid in ("seen-image", "saliency"):
            canvas = find(testid)
            canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height)

    def show_bar(self, digit, p):
        bar = find(f"prob-{digit}")
        bar.setAttribute("data-value", str(p))
        bar.querySelector(".fill").style.width = f"{100 * p:.1f}%"
        bar.querySelector(".pct").textContent = f"{100 * p:.1f}%"

    def show_prediction(self, result):
        if result.empty or self.pad.empty:
            self.show_empty()
            return
        find("prediction").setAttribute("data-label", str(result.label))
        find("prediction-digit").textContent = str(result.label)
        for digit in range(10):
            self.show_bar(digit, result.probs[digit])
        put_image(find("seen-image"), result.image, 28, 28)
        put_image(find("saliency"), result.saliency, 28, 28)

    # -- training ----------------------------------------------------------------------------
    def set_busy(self, training):
        find("train-start").disabled = training or self.engine is None
        find("train-stop").disabled = not training
        for testid in ("model-upload", "model-reset"):
            find(testid).disabled = training or self.engine is None

    def request_stop(self, event=None):
        self.stop_requested = True

    async def start_training(self):
        if self.training or self.engine is None:
            return
        settings = self.read_form()
        raw = to_js(settings)
        if self.show_errors(await self.engine.validate(raw)):
            return
        self.training, self.stop_requested = True, False
        self.total_steps = int(settings["epochs"]) * -(
            -int(settings["train-size"]) // int(settings["batch-size"])
        )
        progress = find("train-progress")
        for attribute in ("data-done", "data-reason", "data-train-acc", "data-test-acc"):
            progress.removeAttribute(attribute)
        progress.setAttribute("data-step", "0")
        find("train-bar").value = 0
        find("inspector-source").value = "batch"  # what training streams to the inspector
        self.charts.reset()
        self.set_busy(True)
        self.status("training", "status_training")
        try:
            result = await self.engine.train(raw)
        finally:
            self.training = False
            self.set_busy(False)
            self.status("ready", "status_ready")
        if _has(result, "errors"):
            self.show_errors(result.errors)
            return
        self.finish_training(result)
        if not self.pad.empty:
            self.on_drawing()
        await self.refresh_inspector()

    def finish_training(self, result):
        progress = find("train-progress")
        progress.setAttribute("data-done", "true")
        progress.setAttribute("data-reason", str(result.reason))
        progress.setAttribute("data-final-test-acc", str(result.final_test_acc))
        progress.setAttribute("data-ms-per-step", str(result.ms_per_step))
        progress.setAttribute("data-seconds", str(result.seconds))
        progress.setAttribute("data-heap-mb", str(result.heap_mb))
        acc = fmt(result.final_test_acc, 4)
        if result.reason == "finished":
            self.message("progress-text", "done_finished", acc=acc, ms=fmt(result.ms_per_step, 1))
        elif result.reason == "stopped":
            self.message("progress-text", "done_stopped", steps=result.steps, acc=acc)
        else:
            self.message("progress-text", "done_diverged", message=result.message)
        self.show_model(result.model)

    def on_progress(self, p):
        """Called by the worker while it trains: record the numbers, draw on the next frame."""
        if p.phase == "data":
            self.message("progress-text", "progress_data")
            return
        progress = find("train-progress")
        progress.setAttribute("data-epoch", str(p.epoch))
        progress.setAttribute("data-step", str(p.step))
        progress.setAttribute("data-loss", str(p.loss))
        find("train-bar").value = p.step / self.total_steps
        self.charts.add_losses(p.first_step, p.losses)
        if _has(p, "test_acc"):
            progress.setAttribute("data-train-acc", str(p.train_acc))
            progress.setAttribute("data-test-acc", str(p.test_acc))
            self.charts.add_accuracy(p.epoch, p.train_acc, p.test_acc)
            self.message(
                "progress-text",
                "progress_epoch",
                epoch=p.epoch,
                train=fmt(p.train_acc, 3),
                test=fmt(p.test_acc, 3),
            )
        else:
            self.message(
                "progress-text", "progress_train", epoch=p.epoch, step=p.step, loss=fmt(p.loss)
            )

    def on_poll(self):
        """Called by the worker between steps: Stop pressed? A new drawing to read?"""
        control = {"stop": self.stop_requested, "pixels": None, "width": 0, "height": 0}
        if self.drawing_changed and not self.pad.empty:
            self.drawing_changed = False
            canvas = self.pad.canvas
            control.update(pixels=self.pad.pixels(), width=canvas.width, height=canvas.height)
        return to_js(control)

    def show_inspection(self, summary):
        if find("inspector-source").value == "batch":
            self.inspector.show(summary)

    async def refresh_inspector(self):
        if self.engine is None or self.training:
            return
        self.inspector.show(await self.engine.inspect(find("inspector-source").value))

    # -- the model ---------------------------------------------------------------------------
    def show_model(self, model):
        text = i18n.text(f"model_{model.source}") + f" · {model.architecture}"
        if model.test_accuracy:
            text += " · " + i18n.text("model_accuracy", acc=fmt(model.test_accuracy, 4))
        find("model-info").textContent = text
        find("model-info").setAttribute("data-source", str(model.source))
        if model.message:
            find("model-message").textContent = str(model.message)

    async def download(self):
        data = await self.engine.download_model()
        blob = js.Blob.new(to_js([data]), to_js({"type": "application/octet-stream"}))
        link = document.createElement("a")
        link.href = js.URL.createObjectURL(blob)
        link.download = "backprop-lab-model.npz"
        link.click()
        js.URL.revokeObjectURL(link.href)

    async def upload(self, input_node):
        files = input_node.files
        if not files.length:
            return
        data = js.Uint8Array.new(await files[0].arrayBuffer())
        input_node.value = ""
        result = await self.engine.upload_model(data)
        if _has(result, "error"):
            self.message("model-message", "upload_bad", message=result.error)
            return
        self.show_model(result.model)
        self.message("model-message", "upload_ok")
        self.on_drawing()

    async def reset(self):
        result = await self.engine.reset_model()
        self.show_model(result.model)
        self.message("model-message", "reset_ok")
        self.on_drawing()


app = App()
app.spawn(app.boot())
