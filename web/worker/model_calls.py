"""The engine's calls on the student's models: take an uploaded file, go back to the build's
default model, undo, choose about a newly trained model, and hand a model over as a file.
They are the model panel's calls (page/model_panel.py); the gradient-check lab downloads the
model in use too.

The models themselves live in engine.py's ``engine`` (``history``, restored at ``boot``,
saved and described by ``engine.models()``), beside everything numerical; these calls only
change which model is in use and answer with the panel's whole view of them, as a run does
when it ends (training.py). engine_worker.py serves their ``__all__`` beside engine.py's.
"""

import js
from answers import to_page
from engine import engine
from model_history import Model
from pyodide.ffi import to_js

from pynet.errors import for_page
from pynet.serialize import ModelFileError


def download_model():
    """The model in use as .npz bytes."""
    return js.Uint8Array.new(to_js(engine.history.in_use.to_bytes()))


def download_set_aside(slot):
    """The bytes of a stored model that could not be read at start-up (None if there are
    none): the student may keep the file."""
    data = engine.history.set_aside.get(str(slot))
    return None if data is None else js.Uint8Array.new(to_js(data))


async def upload_model(data):
    """Use an uploaded .npz if it is a valid model; otherwise say why and change nothing."""
    try:
        model = Model.from_bytes(bytes(data.to_py()), source="uploaded")
    except ModelFileError as exc:
        return to_page({"error": for_page(exc.to_dict())})
    engine.history.adopt(model)
    return to_page({"models": await engine.models()})


async def reset_model():
    """Use the build's default model (the one in use becomes the previous one)."""
    engine.history.reset()
    return to_page({"models": await engine.models()})


async def undo_model():
    """Go back to the previous model (and the one left becomes the previous one)."""
    engine.history.undo()
    return to_page({"models": await engine.models()})


async def choose_model(use_new):
    """The student's choice about a newly trained model that did not take over by itself:
    use it, or keep the model in use (the new one is then forgotten)."""
    engine.history.choose(bool(use_new))
    return to_page({"models": await engine.models()})


__all__ = [
    "download_model",
    "download_set_aside",
    "upload_model",
    "reset_model",
    "undo_model",
    "choose_model",
]
