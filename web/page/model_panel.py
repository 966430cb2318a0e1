"""The model panel: which model the page uses, and downloading, uploading and resetting it.

The engine keeps the model (and saves it in the browser); an upload it cannot trust is
refused with the reason, and the model in use stays as it was.
"""

import i18n
import js
from dom import find, fmt, on, open_on_enter
from pyscript import document, window
from pyscript.ffi import to_js
from train_panel import has

#: localStorage: the source of the model the engine last said it uses ("default", "trained",
#: "uploaded"...), so that before the engine has started the page knows whether its quick
#: guess (the default model's) is the model's guess.
SOURCE_KEY = "backprop-lab-model-source"


def uses_default_model():
    """Whether the engine will use the default model (as far as this browser has seen)."""
    return window.localStorage.getItem(SOURCE_KEY) in (None, "default")


class ModelPanel:
    def __init__(self, app):
        self.app = app
        on("model-download", "click", lambda event: self.app.spawn(self.download()))
        on("model-upload", "change", lambda event: self.app.spawn(self.upload(event.target)))
        open_on_enter("model-upload")
        on("model-reset", "click", lambda event: self.app.spawn(self.reset()))

    def show(self, model):
        text = i18n.text(f"model_{model.source}") + f" · {model.architecture}"
        accuracy = model.test_accuracy if has(model, "test_accuracy") else None
        if accuracy is not None:
            text += " · " + i18n.text("model_accuracy", acc=fmt(accuracy, 4))
        find("model-info").textContent = text
        find("model-info").setAttribute("data-source", str(model.source))
        window.localStorage.setItem(SOURCE_KEY, str(model.source))
        find("model-info").setAttribute(
            "data-test-accuracy", "" if accuracy is None else str(accuracy)
        )
        if model.message:
            find("model-message").textContent = str(model.message)

    async def download(self):
        data = await self.app.engine.call("download_model")
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
        result = await self.app.engine.call("upload_model", data)
        if has(result, "error"):
            self.app.message("model-message", "upload_bad", error=result.error)
            return
        self.show(result.model)
        self.app.message("model-message", "upload_ok")
        await self.app.model_changed()

    async def reset(self):
        result = await self.app.engine.call("reset_model")
        self.show(result.model)
        self.app.message("model-message", "reset_ok")
        await self.app.model_changed()
