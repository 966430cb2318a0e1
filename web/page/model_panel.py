"""The model panel: which model the page uses, the question about a newly trained model that
did not take over by itself, Undo, and downloading, uploading and resetting.

The engine keeps the student's models (web/worker/model_history.py: the one in use, the
previous one, a new one waiting) in the browser; every answer that changes them carries the
panel's whole view (``models``), which ``show`` draws. An upload the engine cannot trust is
refused with the reason, and the model in use stays as it was.
"""

import i18n
import js
from dom import find, fmt, on, open_on_enter
from pyscript import document, window
from pyscript.ffi import to_js
from train_panel import has

#: The buttons that change the model in use: none works while a network trains.
MODEL_BUTTONS = ("model-upload", "model-reset", "model-undo", "model-use-new", "model-keep")


def pct(model):
    """A model's test accuracy as the panel says it: ``97.9%``."""
    if not has(model, "test_accuracy"):
        return i18n.text("acc_unknown")
    return f"{100 * float(model.test_accuracy):.1f}%"


#: localStorage: the source of the model the engine last said it uses ("default", "trained",
#: "uploaded"...), so that before the engine has started the page knows whether its quick
#: guess (the default model's) is the model's guess.
SOURCE_KEY = "backprop-lab-model-source"


def uses_default_model():
    """Whether the engine will use the default model (as far as this browser has seen)."""
    return window.localStorage.getItem(SOURCE_KEY) in (None, "default")


def save(data, name):
    """Offer ``data`` (bytes from the engine) to the student as the file ``name``."""
    blob = js.Blob.new(to_js([data]), to_js({"type": "application/octet-stream"}))
    link = document.createElement("a")
    link.href = js.URL.createObjectURL(blob)
    link.download = name
    link.click()
    js.URL.revokeObjectURL(link.href)


class ModelPanel:
    def __init__(self, app):
        self.app = app
        self.models = None
        on("model-download", "click", lambda event: self.app.spawn(self.download()))
        on("model-upload", "change", lambda event: self.app.spawn(self.upload(event.target)))
        open_on_enter("model-upload")
        on("model-set-aside", "click", lambda event: self.app.spawn(self.download_set_aside()))
        on("model-reset", "click", lambda event: self.app.spawn(self.change("reset_model")))
        on("model-undo", "click", lambda event: self.app.spawn(self.change("undo_model")))
        on("model-use-new", "click", lambda event: self.app.spawn(self.choose(True)))
        on("model-keep", "click", lambda event: self.app.spawn(self.choose(False)))

    def set_busy(self, busy):
        """While a network trains (or before the engine is ready) the model stays as it is."""
        for testid in MODEL_BUTTONS:
            find(testid).disabled = busy

    # -- the view ----------------------------------------------------------------------------
    def show(self, models):
        """Draw the engine's view of the models: the one in use, Undo (when there is a
        previous model) and the question (when a new model waits)."""
        self.models = models
        model = models.model
        text = i18n.text(f"model_{model.source}") + f" · {model.architecture}"
        if has(model, "test_accuracy"):
            text += " · " + i18n.text("model_accuracy", acc=fmt(model.test_accuracy, 4))
        info = find("model-info")
        info.textContent = text
        info.setAttribute("data-source", str(model.source))
        info.setAttribute("data-architecture", str(model.architecture))
        info.setAttribute(
            "data-test-accuracy", str(model.test_accuracy) if has(model, "test_accuracy") else ""
        )
        window.localStorage.setItem(SOURCE_KEY, str(model.source))
        undo = find("model-undo")
        undo.hidden = not has(models, "previous")
        if has(models, "previous"):
            previous = models.previous
            undo.textContent = i18n.text(
                "model_undo", model=i18n.text(f"model_short_{previous.source}"), acc=pct(previous)
            )
        self.show_choice(models)

    def show_choice(self, models):
        box = find("model-choice")
        waiting = has(models, "pending")
        box.hidden = not waiting
        if not waiting:
            return
        pending, current = models.pending, models.model
        find("model-use-new").textContent = i18n.text("model_use_new", acc=pct(pending))
        find("model-keep").textContent = i18n.text("model_keep", acc=pct(current))
        # Set last, once the box shows: the text is an alert, read out as it changes.
        find("model-choice-text").textContent = i18n.text(
            "model_choice", new=pct(pending), current=pct(current), arch=pending.architecture
        )
        box.setAttribute("data-new-accuracy", str(pending.test_accuracy))

    def say(self, key, error=None, **values):
        """A message under the buttons (a polite status; the App words it again when the
        language changes), with ``error``, a pynet error, as its ``{message}``."""
        self.app.message("model-message", key, error, **values)

    def say_notices(self, models):
        """The engine's notices about the stored models (one entry that could not be read, a
        storage that refused to save), as one message."""
        notices = models.notices
        for i in range(notices.length):
            notice = notices[i]
            if notice.code == "stored_model_unreadable":
                key = "stored_" + ("model" if notice.params.slot == "in_use" else "other")
                self.say(key + "_unreadable", error=notice.params.detail)
                if notice.params.kept:  # it may be the only copy: the student can keep it
                    button = find("model-set-aside")
                    button.setAttribute("data-slot", str(notice.params.slot))
                    button.hidden = False
            else:
                self.say("models_not_saved", reason=notice.params.reason)

    def relabel(self):
        if self.models is not None:
            self.show(self.models)

    # -- what the student does ----------------------------------------------------------------
    def after_run(self, result):
        """A run ended with a model: show where it went (in use, or waiting for a choice)."""
        models = result.models
        self.show(models)
        if result.outcome == "adopted":
            self.say("model_adopted", new=pct(models.model), old=pct(models.previous))
        elif result.outcome == "offered":
            self.say(None)  # the question speaks
        self.say_notices(models)

    async def choose(self, use_new):
        result = await self.app.engine.call("choose_model", use_new)
        self.show(result.models)
        self.say("model_chose_new" if use_new else "model_kept")
        self.focus_after_change()
        self.app.evaluation.after_choice(use_new)
        if use_new:
            await self.app.model_changed(evaluation_kept=True)

    async def change(self, call):
        """Reset or Undo: the engine moves the models; the page shows them and guesses again."""
        result = await self.app.engine.call(call)
        self.show(result.models)
        self.say("reset_ok" if call == "reset_model" else "model_undone")
        self.focus_after_change()
        await self.app.model_changed()

    def focus_after_change(self):
        """The button pressed may have gone: keep the keyboard in the panel."""
        undo = find("model-undo")
        (find("model-download") if undo.hidden else undo).focus()

    async def download(self):
        data = await self.app.engine.call("download_model")
        save(data, str(self.models.model.file_name) if self.models else "backprop-lab.npz")

    async def download_set_aside(self):
        """The stored model that could not be read at start-up, as it was."""
        slot = find("model-set-aside").getAttribute("data-slot")
        data = await self.app.engine.call("download_set_aside", slot)
        if data is not None:
            save(data, "backprop-lab-set-aside.npz")

    async def upload(self, input_node):
        files = input_node.files
        if not files.length:
            return
        data = js.Uint8Array.new(await files[0].arrayBuffer())
        input_node.value = ""
        result = await self.app.engine.call("upload_model", data)
        if has(result, "error"):
            self.say("upload_bad", error=result.error)
            return
        self.show(result.models)
        self.say("upload_ok")
        await self.app.model_changed()
