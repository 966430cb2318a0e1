"""The models a student has in this browser, and which one the page uses.

Three places, each kept in the browser's storage, so a reload finds them as they were:

- ``in_use``: the model the page guesses, inspects and downloads with;
- ``previous``: the one in use before it, where Undo goes back to (Undo swaps the two, so
  the model it leaves becomes the previous one: nothing is lost by an Undo);
- ``pending``: a newly trained model that did not take over by itself, waiting for the
  student to choose between it and the model in use.

A place holds the build's default model (stored as the word ``"default"``: the site has its
bytes) or a model's ``.npz`` bytes (``pynet.serialize``, with its ``info``: where it came
from, its test accuracy, ...). So at most three models are stored, and a reload restores
exactly the model in use: its weights, source, accuracy and architecture. An entry that
cannot be read (damaged, or from an older page) is dropped with a notice; start-up goes on.

At the end of a run (``after_run``), the new model takes over only when the run finished and
beats the model in use on the test set; a worse or equal one, a stopped or diverged run, or
any run while the model in use has no known accuracy, waits in ``pending``.

Plain Python over pynet: the engine passes its storage (a mapping of key → bytes or str in
IndexedDB), the tests a dict.
"""

from pynet import serialize
from pynet.errors import for_page
from pynet.network import MultiLayerNet
from pynet.serialize import ModelFileError

#: What a place holds for the build's default model.
DEFAULT = "default"
SLOTS = ("in_use", "previous", "pending")
#: A download's name: the architecture and the test accuracy, as students compare them.
FILE_STEM = "backprop-lab"
#: The page reads 28×28 images into 10 digits; a model for anything else is refused.
INPUT_SIZE, OUTPUT_SIZE = 784, 10


def storage_key(slot: str) -> str:
    """The storage key of a place."""
    return f"model:{slot}"


def takes_over(reason: str, new_accuracy: float | None, current_accuracy: float | None) -> bool:
    """Whether a run's model replaces the model in use without asking: only a finished run
    that is better on the test set than a model whose accuracy is known."""
    if reason != "finished" or new_accuracy is None or current_accuracy is None:
        return False
    return new_accuracy > current_accuracy


class Model:
    """A network, its facts (``info``: ``source``, ``test_accuracy``, ...) and what storage
    keeps of it (``stored``: its ``.npz`` bytes, or ``DEFAULT`` for the build's model)."""

    def __init__(self, network: MultiLayerNet, info: dict, stored: bytes | str) -> None:
        config = network.config
        if config["input_size"] != INPUT_SIZE or config["output_size"] != OUTPUT_SIZE:
            raise ModelFileError("model_not_mnist")
        self.network, self.info, self.stored = network, info, stored

    @classmethod
    def default(cls, data: bytes) -> "Model":
        """The build's default model, from the site's file."""
        network, info = serialize.load_with_info(data)
        return cls(network, {**info, "source": "default"}, DEFAULT)

    @classmethod
    def from_bytes(cls, data: bytes, source: str | None = None) -> "Model":
        """A model from ``.npz`` bytes (checked by ``pynet.serialize``, which raises
        ``ModelFileError``); ``source`` says where it came from, if the file should not."""
        network, info = serialize.load_with_info(data)
        if source is None:
            return cls(network, {"source": "saved", **info}, bytes(data))
        return cls.made(network, {**info, "source": source})

    @classmethod
    def made(cls, network: MultiLayerNet, info: dict) -> "Model":
        """A model made in this browser (trained, or uploaded and relabelled)."""
        info = serialize.check_info(info)
        return cls(network, info, serialize.to_bytes(network, info=info))

    @property
    def accuracy(self) -> float | None:
        return self.info.get("test_accuracy")

    def to_bytes(self) -> bytes:
        """The model as a ``.npz`` file."""
        if isinstance(self.stored, bytes):
            return self.stored
        return serialize.to_bytes(self.network, info=self.info)

    def describe(self) -> dict:
        """What the page shows of the model: ``source``, ``architecture``, ``file_name`` and,
        when known, ``test_accuracy``."""
        config = self.network.config
        sizes = [config["input_size"], *config["hidden_size_list"], config["output_size"]]
        architecture = "-".join(map(str, sizes))
        accuracy = self.accuracy
        name = f"{FILE_STEM}-{architecture}"
        if accuracy is not None:
            name += f"-{100 * accuracy:.1f}pct"
        described = {
            "source": self.info.get("source", "saved"),
            "architecture": architecture,
            "file_name": name + ".npz",
        }
        if accuracy is not None:
            described["test_accuracy"] = accuracy
        return described


class ModelHistory:
    """The three places and how models move between them; every move is written to
    ``store`` at once (the engine then syncs it to IndexedDB)."""

    def __init__(self, store, default: Model) -> None:
        self.store = store
        self.default = default
        self.slots: dict[str, Model | None] = {"in_use": default, "previous": None, "pending": None}
        self._written: dict[str, Model | None] = {}
        #: The bytes of stored entries that could not be read, by place: removed from
        #: storage, but the student may download them (they may be the only copy).
        self.set_aside: dict[str, bytes] = {}

    @property
    def in_use(self) -> Model:
        return self.slots["in_use"]

    # -- start-up --------------------------------------------------------------------------
    def restore(self, legacy: bytes | None = None) -> list[dict]:
        """Read the places from storage. ``legacy`` is the model an older page kept (one
        entry): it becomes the model in use if storage names none. Returns the notices for
        the page (``{"code", "params"}``): an entry that cannot be read is dropped, and the
        place falls back (the model in use to the default)."""
        notices = []
        for slot in SLOTS:
            stored = self.store.get(storage_key(slot))
            value = legacy if stored is None and slot == "in_use" else stored
            if value is None:
                continue
            try:
                self.slots[slot] = self._read(value)
            except ModelFileError as exc:
                if storage_key(slot) in self.store:
                    del self.store[storage_key(slot)]
                if isinstance(value, (bytes, bytearray)):
                    self.set_aside[slot] = bytes(value)
                params = {"slot": slot, "detail": for_page(exc.to_dict())}
                params["kept"] = slot in self.set_aside
                notices.append({"code": "stored_model_unreadable", "params": params})
            else:
                if stored is not None:  # already in storage as it is
                    self._written[slot] = self.slots[slot]
        self._save()
        return notices

    def _read(self, value) -> Model:
        if value == DEFAULT:
            return self.default
        if not isinstance(value, (bytes, bytearray)):
            raise ModelFileError("model_not_npz")
        return Model.from_bytes(bytes(value))

    def _save(self) -> None:
        """Write each place whose model changed; remove the empty ones."""
        for slot, model in self.slots.items():
            key = storage_key(slot)
            if model is None:
                if key in self.store:
                    del self.store[key]
            elif self._written.get(slot) is not model:
                self.store[key] = model.stored
            self._written[slot] = model

    # -- moves -----------------------------------------------------------------------------
    def adopt(self, model: Model) -> None:
        """Use ``model``; the one in use becomes the previous one (Undo)."""
        if model is not self.in_use:
            self.slots["previous"], self.slots["in_use"] = self.in_use, model
        self._save()

    def after_run(self, model: Model, reason: str) -> str:
        """Place a run's model: ``"adopted"`` (it is better: it is in use now, the old one
        is the previous one) or ``"offered"`` (it waits for the student's choice)."""
        if takes_over(reason, model.accuracy, self.in_use.accuracy):
            self.slots["pending"] = None
            self.adopt(model)
            return "adopted"
        self.slots["pending"] = model
        self._save()
        return "offered"

    def choose(self, use_new: bool) -> None:
        """The student's answer about the waiting model: use it, or keep the one in use."""
        pending, self.slots["pending"] = self.slots["pending"], None
        if pending is not None and use_new:
            self.adopt(pending)
        self._save()

    def undo(self) -> None:
        """Go back to the previous model; the one it leaves becomes the previous one."""
        if self.slots["previous"] is not None:
            self.slots["previous"], self.slots["in_use"] = self.in_use, self.slots["previous"]
        self._save()

    def reset(self) -> None:
        """Use the build's default model (Undo goes back)."""
        self.adopt(self.default)

    def describe(self) -> dict:
        """The page's view: ``model`` (in use), and ``previous`` and ``pending`` if any."""
        described = {"model": self.in_use.describe()}
        for slot in ("previous", "pending"):
            if self.slots[slot] is not None:
                described[slot] = self.slots[slot].describe()
        return described
