"""The train panel: the training form, Start and Stop, Pause, Step and Continue, the
progress line and the live loss and accuracy charts.

The form's values go to the engine as the student typed them: the engine (``plan.py``)
checks them with pynet's own rules and answers with errors by field, or trains. Stop, Pause,
Step (one mini-batch while paused) and Continue are calls into the engine, which the run
obeys between its steps.
"""

import i18n
import js
import state
from charts import TrainingCharts
from dom import find, fmt, on
from pyscript import document
from pyscript.ffi import to_js
from worker_link import WorkerDied


def has(obj, key):
    """Whether a JS object from a worker has ``key`` (JsProxy has no ``in``)."""
    return bool(obj) and bool(obj.hasOwnProperty(key))


def chart_labels():
    return {
        "loss": i18n.text("loss"),
        "chance": i18n.text("chance_level"),
        "train": i18n.text("train_acc"),
        "test": i18n.text("test_acc"),
        "step": i18n.text("axis_step"),
        "epoch": i18n.text("axis_epoch"),
        "accuracy": i18n.text("axis_accuracy"),
    }


class TrainPanel:
    def __init__(self, app):
        self.app = app
        self.training = False
        self.paused = False
        self.stepped = False  # the run has made a step: there is something to pause
        self.total_steps = 1
        self.errors = None  # the form's last errors, worded again when the language changes
        self.choices = None  # the menus' contents, from the engine
        self.charts = TrainingCharts(find("loss-chart"), find("acc-chart"), chart_labels())
        on("train-start", "click", lambda event: self.app.spawn(self.start()))
        on("train-stop", "click", lambda event: self.app.spawn(self.stop()))
        on("train-pause", "click", lambda event: self.app.spawn(self.pace("pause")))
        on("train-step", "click", lambda event: self.app.spawn(self.pace("step")))
        on("train-continue", "click", lambda event: self.app.spawn(self.pace("resume")))
        on("optimizer", "change", self.optimizer_changed)

    def relabel(self):
        self.charts.relabel(chart_labels())
        if self.errors is not None:
            self.show_errors(self.errors)

    # -- the form ----------------------------------------------------------------------------
    def fill_choices(self, choices):
        """The menus, from pynet's own lists (sent by the engine at boot); a restarted engine
        sends them again, and the student's choices stay."""
        already = self.choices is not None
        self.choices = choices
        if already:
            return

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

        optimizers = choices.optimizers
        names = js.Object.keys(optimizers)
        fill(
            "optimizer", [(names[i], None, optimizers[names[i]].label) for i in range(names.length)]
        )
        activations = choices.activations
        fill(
            "activation",
            [(activations[i], None, activations[i]) for i in range(activations.length)],
        )
        inits = choices.inits
        fill("init", [(inits[i], f"init_{inits[i]}", None) for i in range(inits.length)])

    def optimizer_defaults(self):
        """Each optimizer's own learning rate and parameters as the form writes them."""
        optimizers = self.choices.optimizers
        names = js.Object.keys(optimizers)
        return {
            names[i]: (str(optimizers[names[i]].lr), str(optimizers[names[i]].params))
            for i in range(names.length)
        }

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

    def optimizer_changed(self, event):
        choice = self.choices.optimizers[event.target.value]
        find("learning-rate").value = str(choice.lr)
        find("optimizer-params").value = str(choice.params)
        self.app.remember_settings()

    def show_errors(self, errors):
        self.errors = errors
        fields = js.Object.keys(errors)
        for field in state.DEFAULTS:
            find(field).removeAttribute("aria-invalid")
            document.querySelector(f'[data-error-for="{field}"]').textContent = ""
        for i in range(fields.length):
            field = fields[i]
            find(field).setAttribute("aria-invalid", "true")
            node = document.querySelector(f'[data-error-for="{field}"]')
            node.textContent = i18n.error_text(errors[field])
        self.app.message("train-message", "fix_fields" if fields.length else None)
        return fields.length > 0

    # -- a run -------------------------------------------------------------------------------
    def set_busy(self, training):
        ready = self.app.ready
        find("train-start").disabled = training or not ready
        find("train-stop").disabled = not training
        find("train-pause").disabled = not (training and self.stepped) or self.paused
        for testid in ("train-step", "train-continue"):
            find(testid).disabled = not (training and self.paused)
        find("evaluate-run").disabled = training or not ready
        self.app.model.set_busy(training or not ready)

    async def stop(self):
        if self.training:
            await self.app.engine.call("stop")

    async def pace(self, call):
        """Pause the run, step it by one mini-batch, or let it continue (engine calls)."""
        if not self.training:
            return
        if call != "step":
            self.paused = call == "pause"
            self.set_busy(True)
            self.app.status("training", "status_paused" if self.paused else "status_training")
        await self.app.engine.call(call)

    async def start(self):
        if self.training or not self.app.ready:
            return
        settings = self.read_form()
        raw = to_js(settings)
        self.training, self.paused, self.stepped = True, False, False
        self.set_busy(True)
        try:
            checked = await self.app.engine.call("validate", raw)
            if self.show_errors(checked.errors):
                return
            self.total_steps = max(int(checked.total_steps), 1)
            self.begin_progress()
            self.app.status("training", "status_training")
            # Quiet for long: the first run fetches MNIST, and a report comes every 0.2 s.
            result = await self.app.engine.call("train", raw, quiet=20)
        except WorkerDied:
            self.fail("engine_died_run")
            raise  # the App replaces the engine
        finally:
            self.training = self.paused = False
            self.set_busy(False)
            self.app.status("ready", "status_ready")
        if has(result, "errors"):
            self.show_errors(result.errors)
            return
        if has(result, "failure"):
            params = result.failure.params
            keys = js.Object.keys(params)
            self.fail(result.failure.code, **{keys[i]: params[keys[i]] for i in range(keys.length)})
            return
        self.finish(result)
        self.app.model.after_run(result)
        await self.app.model_changed()
        if result.steps:  # the run's model: in use, or waiting for the student's choice
            await self.app.evaluation.run("pending" if result.outcome == "offered" else "in_use")

    def begin_progress(self):
        progress = find("train-progress")
        for attribute in ("data-done", "data-reason", "data-train-acc", "data-test-acc"):
            progress.removeAttribute(attribute)
        progress.setAttribute("data-step", "0")
        progress.setAttribute("data-paused", "false")
        find("train-bar").value = 0
        self.app.inspector.follow_training()
        self.app.evaluation.clear()
        self.charts.reset(self.total_steps)

    def finish(self, result):
        progress = find("train-progress")
        progress.setAttribute("data-done", "true")
        progress.setAttribute("data-reason", str(result.reason))
        progress.setAttribute("data-final-test-acc", str(result.final_test_acc))
        progress.setAttribute("data-ms-per-step", str(result.ms_per_step))
        progress.setAttribute("data-seconds", str(result.seconds))
        progress.setAttribute("data-heap-mb", str(result.heap_mb))
        acc = fmt(result.final_test_acc, 4)
        if result.reason == "finished":
            self.app.message(
                "progress-text", "done_finished", acc=acc, ms=fmt(result.ms_per_step, 1)
            )
        elif result.reason == "stopped":
            self.app.message("progress-text", "done_stopped", steps=result.steps, acc=acc)
        else:
            self.app.message(
                "progress-text", "done_diverged", step=result.steps, loss=result.diverged_loss
            )

    def fail(self, key, **values):
        """The run ended without a result (no data, the engine died): say so where the
        progress shows; the model in use is unchanged."""
        progress = find("train-progress")
        progress.setAttribute("data-done", "true")
        progress.setAttribute("data-reason", "failed")
        self.app.message("progress-text", key, **values)

    def on_progress(self, p):
        """Called by the worker while it trains: record the numbers, draw on the next frame."""
        if p.phase == "data":
            self.app.message("progress-text", "progress_data")
            return
        if p.phase == "start":  # the untrained network: the accuracy chart's epoch 0
            self.charts.add_accuracy(0, p.train_acc, p.test_acc)
            return
        if not self.stepped:
            self.stepped = True
            self.set_busy(self.training)
        progress = find("train-progress")
        progress.setAttribute("data-paused", "true" if p.paused else "false")
        progress.setAttribute("data-epoch", str(p.epoch))
        progress.setAttribute("data-step", str(p.step))
        progress.setAttribute("data-loss", str(p.loss))
        find("train-bar").value = p.step / self.total_steps
        self.charts.add_losses(p.first_step, p.losses)
        if has(p, "test_acc"):
            progress.setAttribute("data-train-acc", str(p.train_acc))
            progress.setAttribute("data-test-acc", str(p.test_acc))
            self.charts.add_accuracy(p.epoch, p.train_acc, p.test_acc)
            self.app.message(
                "progress-text",
                "progress_epoch",
                epoch=p.epoch,
                train=fmt(p.train_acc, 3),
                test=fmt(p.test_acc, 3),
            )
        else:
            key = "progress_paused" if p.paused else "progress_train"
            self.app.message("progress-text", key, epoch=p.epoch, step=p.step, loss=fmt(p.loss))
