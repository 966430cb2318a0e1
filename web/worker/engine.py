"""The page's engine: pynet running in a PyScript worker (Pyodide + numpy).

The page's main thread only draws; everything numerical happens here, so drawing stays
smooth while a network trains. The main thread calls the functions in ``__all__`` (which
engine_worker.py serves, with model_calls.py's on the student's models). While training,
this worker only *tells* the page through ``sync`` (``progress`` to stream numbers,
``show_inspection`` to refresh the inspector with the network as it learns) and never waits
for an answer: without SharedArrayBuffer (a plain static host, WebKit) such a call returns a
future, not a value. What the page has to say comes the other way, as calls into this worker
(``stop``, ``predict`` for a new drawing), which run in the pauses the training loop makes
between steps.

Values cross threads as JS objects (``to_js``) with images as RGBA ``Uint8ClampedArray``s.
"""

import evaluation
import js
import numpy as np
import plan
import site_data
import training
from answers import to_page
from model_history import Model, ModelHistory
from model_store import STORE_NAME, BrowserStore, legacy_model
from pyodide.ffi import to_js

from pynet import inspection
from pynet.network import MultiLayerNet
from pynet.preprocess import EmptyDrawingError, to_mnist
from pynet.trainer import Trainer

DEFAULT_MODEL_PATH = "models/default.npz"
#: The inspector's batch: the first test images (the same ones every time, so runs compare).
INSPECT_BATCH = 100
#: The entries of a result that are RGBA images, sent as Uint8ClampedArrays.
RGBA_KEYS = ("image", "saliency", "images", "tiles", "w_tiles")


def _rgba(image: np.ndarray):
    return js.Uint8ClampedArray.new(to_js(np.ascontiguousarray(image).tobytes()))


def _with_images(result: dict) -> dict:
    """``result`` with its RGBA images (``RGBA_KEYS``) as Uint8ClampedArrays for a canvas."""
    return {key: _rgba(v) if key in RGBA_KEYS else v for key, v in result.items()}


class Engine:
    """The student's models (``history``), the data (fetched on first need) and the last
    drawing (the inspector traces it through whichever model is in use when it asks)."""

    def __init__(self) -> None:
        self.history: ModelHistory | None = None
        self.digit: np.ndarray | None = None  # the last drawing, as the network reads it
        self.mnist: dict | None = None
        #: The run in progress and the network it trains (what a drawing meets meanwhile).
        self.trainer: Trainer | None = None
        self.learning: MultiLayerNet | None = None
        #: The run's single-step mode (Pause, Step, Continue), while a run is under way.
        self.pacing: training.Pacing | None = None
        self.store: BrowserStore | None = None
        self.base_url = ""

    # -- the model ---------------------------------------------------------------------------
    @property
    def network(self) -> MultiLayerNet:
        """The model in use."""
        return self.history.in_use.network

    def network_in(self, slot: str) -> MultiLayerNet:
        """The network of a place (``"in_use"``, or ``"pending"``: a new model waiting for
        the student's choice); the model in use's if that place is empty."""
        model = self.history.slots.get(str(slot))
        return self.network if model is None else model.network

    async def models(self, notices: list | None = None) -> dict:
        """Save the models (IndexedDB), then the page's view of them with ``notices``."""
        notices = list(notices or [])
        try:
            await self.store.sync()
        except Exception as exc:  # noqa: BLE001 (a full or refused storage: say so, go on)
            notices.append({"code": "models_not_saved", "params": {"reason": str(exc)[:120]}})
        return {**self.history.describe(), "notices": notices}

    async def data(self) -> dict:
        """MNIST, fetched on first need (site_data keeps it)."""
        self.mnist = await site_data.mnist(self.base_url)
        return self.mnist

    # -- views -------------------------------------------------------------------------------
    def prediction(self, network: MultiLayerNet, pixels, width: int, height: int) -> dict:
        image = np.frombuffer(pixels.to_py(), dtype=np.uint8).reshape(height, width, 4)
        try:
            digit = to_mnist(image)
        except EmptyDrawingError:
            self.digit = None
            return {"empty": True}
        self.digit = digit
        explained = evaluation.explained(network, digit)
        del explained["trace"]
        return _with_images(explained)

    def inspection(self, network: MultiLayerNet, source: str, step: int | None = None) -> dict:
        """The inspector's data: per layer its forward output and backward gradient, the
        hidden layers' activations and gradients on shared axes, and the first layer's W and
        dW as 28×28 tiles; ``step`` is the training step it shows, during a run."""
        if source == "digit":
            if self.digit is None:
                return {"empty": True}
            # traced again: the model may have changed since the drawing was guessed
            trace = inspection.explain(network, self.digit)["trace"]
        else:
            x, t = self.mnist["x_test"][:INSPECT_BATCH], self.mnist["t_test"][:INSPECT_BATCH]
            trace = network.backward_trace(x, t)
        summary = inspection.summarize_trace(trace)
        summary.update(evaluation.first_layer_tiles(network, trace))
        summary.update(
            empty=False,
            source=source,
            samples=len(trace["layers"][0]["output"]),
            across=inspection.layer_histograms(trace),
        )
        if step is not None:
            summary["step"] = step
        return _with_images(summary)


engine = Engine()


async def boot(base_url):
    """Restore the student's models (or start with the default one) and tell the page what
    the form offers."""
    engine.base_url = str(base_url)
    default = Model.default(await site_data.fetch(engine.base_url, DEFAULT_MODEL_PATH))
    engine.store = await BrowserStore.open(STORE_NAME)
    engine.history = ModelHistory(engine.store, default)
    notices = engine.history.restore(await legacy_model())
    return to_page({"models": await engine.models(notices), "choices": plan.choices()})


def predict(pixels, width, height):
    """The guess for a drawing (canvas RGBA pixels), with its image and saliency; while a
    network trains, that network's guess as it learns."""
    network = engine.learning or engine.network
    return to_page(engine.prediction(network, pixels, int(width), int(height)))


async def test_image(index):
    """MNIST test image ``index`` (the text of the page's field, 0 to 9999) as black ink on
    a transparent 28×28 RGBA image, with its label: a digit to give the network without a
    pointer. The page draws it on the pad, so it is predicted like a drawing (through
    ``pynet.preprocess``). Only the test split is fetched for it (1.6 MB)."""
    try:
        data = await site_data.mnist_test(engine.base_url)
    except site_data.SiteFileError as exc:
        return to_page({"failure": exc.as_failure()})
    images = data["x_test"]
    try:
        i = int(str(index).strip())
    except ValueError:
        i = -1
    if not 0 <= i < len(images):
        return to_page({"failure": {"code": "test_image_bad", "params": {"last": len(images) - 1}}})
    ink = np.zeros((28, 28, 4), dtype=np.uint8)
    ink[..., 3] = images[i].reshape(28, 28)
    return to_page({"index": i, "label": int(data["t_test"][i]), "image": _rgba(ink)})


def stop():
    """End the run in progress after its current step (the page's Stop button)."""
    if engine.trainer is not None:
        engine.trainer.request_stop()
        engine.pacing.stop()


def pause():
    """Hold the run after its current step; it reports where it stands (the page's Pause)."""
    if engine.pacing is not None:
        engine.pacing.pause()


def step():
    """While paused, run exactly one more mini-batch, reported with its inspection."""
    if engine.pacing is not None:
        engine.pacing.step()


def resume():
    """Go on training at full speed after a pause (the page's Continue)."""
    if engine.pacing is not None:
        engine.pacing.resume()


def ping():
    """Answer the page's watchdog: this worker is alive and between steps."""
    return True


async def inspect(source):
    """The layer inspector's data for the test batch or the drawn digit (while a paused run
    waits, with the network it trains)."""
    if source != "digit":
        await engine.data()
    return to_page(engine.inspection(engine.learning or engine.network, source))


async def evaluate(slot="in_use"):
    """A model (``slot``: the one in use, or the new one waiting for a choice) on all 10,000
    test images: its confusion matrix and its first mistakes, each with its image (see
    ``evaluation.test_report``)."""
    data = await engine.data()
    report = evaluation.test_report(engine.network_in(slot), data["x_test"], data["t_test"])
    return to_page(_with_images(report))


async def explain_test(index, slot="in_use"):
    """Test image ``index`` read by a model (``slot``, as for ``evaluate``) as a drawing is:
    its guess, its ten probabilities, its true label and the saliency dL/dx."""
    data = await engine.data()
    index = int(index)
    network = engine.network_in(slot)
    result = evaluation.explained(network, evaluation.test_image(data, index))
    result.pop("trace")
    result.update(index=index, truth=int(data["t_test"][index]))
    return to_page(_with_images(result))


def validate(raw):
    """The form's errors by field (``{code, params, message}``, none when every value is
    valid) and, when valid, the run's number of steps (for the progress bar: the page
    itself never parses a number)."""
    settings, errors = plan.parse(raw.to_py())
    steps = settings["total_steps"] if settings else 0
    return to_page({"errors": plan.errors_for_page(errors), "total_steps": steps})


async def train(raw):
    """Train a new network from the form's values, streaming progress to the page."""
    return to_page(await training.run(engine, raw.to_py()))


__all__ = [
    "boot",
    "ping",
    "predict",
    "test_image",
    "stop",
    "pause",
    "step",
    "resume",
    "inspect",
    "evaluate",
    "explain_test",
    "validate",
    "train",
]
