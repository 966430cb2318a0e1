"""The training form, read and checked: raw field values in, a training plan or errors out.

Runs in the page's worker. Every rule comes from pynet itself (the network's, the
optimizer's and the trainer's own checks), so the page never disagrees with the engine;
this module only reads what a person types, adds the limits of a browser tab, and says which
field each error is for.

What a person may type, deliberately: spaces around a value (any Unicode space); digits of
any script, since Python's ``int()`` and ``float()`` read every Unicode decimal digit (epochs
``٣`` or full-width ``３`` is 3); ``_`` between digits (``10_000``); and in a decimal, a point
and an exponent (``1e-3``). A whole-number field takes digits only (``2.0`` is refused).

``parse`` never raises, whatever the strings. Its errors are keyed by the field's
``data-testid``, each a ``pynet.errors.PynetError.to_dict()``:
``{"code": "out_of_range", "params": {"name": "epochs", "low": 1, ...}, "message": "..."}``.
"""

import inspect
from typing import Any

from pynet.errors import PynetError, for_page
from pynet.network import ACTIVATIONS, check_config, layer_sizes, weight_count
from pynet.optimizers import OPTIMIZERS, make_optimizer
from pynet.trainer import steps_per_epoch

#: The page's network reads MNIST's 28×28 pixels and says which of 10 digits they show.
INPUT_SIZE, OUTPUT_SIZE = 784, 10
TRAIN_SIZE_RANGE = (300, 60000)
MAX_EPOCHS = 100
SEED_RANGE = (0, 2**31 - 1)
#: A bigger network still trains, but a student would wait minutes per epoch.
MAX_WEIGHTS = 3_000_000
#: Deeper than this, a plain network in the book's chapters no longer learns.
MAX_HIDDEN_LAYERS = 10
#: No number a person types is longer; no field needs more text (a list of layer sizes).
MAX_NUMBER_CHARS = 40
MAX_FIELD_CHARS = 100_000
#: The page's init names, mapped to pynet's (``std`` is the book's 0.01).
INITS = {"std": 0.01, "xavier": "xavier", "he": "he", "zeros": "zeros"}
#: How a checkbox's value may be spelled (the URL fragment says ``true``/``false``).
FLAGS = {"true": True, "on": True, "yes": True, "1": True}
FLAGS |= {"false": False, "off": False, "no": False, "0": False, "": False}

_BASE = {"input_size": INPUT_SIZE, "hidden_size_list": [], "output_size": OUTPUT_SIZE}


class FormError(PynetError):
    """A form value that cannot be used; ``parse`` reports it next to its field."""


def choices() -> dict:
    """What the form's menus offer, from pynet's own lists: names and default learning rates."""
    return {
        "optimizers": {
            name: {"label": cls.__name__, "lr": cls().lr, "params": optimizer_params_text(cls)}
            for name, cls in OPTIMIZERS.items()
        },
        "activations": list(ACTIVATIONS),
        "inits": list(INITS),
    }


def optimizer_params_text(cls) -> str:
    """An optimizer's parameters besides the learning rate, with the book's defaults, as the
    form shows them: ``"beta1=0.9, beta2=0.999"``."""
    defaults = [(p.name, p.default) for p in inspect.signature(cls).parameters.values()]
    return ", ".join(f"{name}={value}" for name, value in defaults if name != "lr")


# -- reading what was typed: each field's one reader, raising FormError or pynet's own ----------
def _text(raw: dict, field: str) -> str:
    value = raw.get(field)
    text = ("" if value is None else str(value)).strip()
    if len(text) > MAX_FIELD_CHARS:
        raise FormError("field_too_long", limit=MAX_FIELD_CHARS)
    return text


def _number(text: str, name: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise FormError("field_too_long", limit=MAX_NUMBER_CHARS)
    try:
        return float(text)
    except ValueError:
        raise FormError("not_a_number", name=name, value=text) from None


def _whole(text: str, name: str, low: int, high: int) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise FormError("field_too_long", limit=MAX_NUMBER_CHARS)
    try:
        value = int(text)
    except ValueError:
        raise FormError("not_whole_number", name=name, value=text) from None
    if not low <= value <= high:
        raise FormError("out_of_range", name=name, low=low, high=high, value=value)
    return value


def _hidden(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) > MAX_HIDDEN_LAYERS:
        raise FormError("too_many_layers", count=len(parts), limit=MAX_HIDDEN_LAYERS)
    if any(len(part) > MAX_NUMBER_CHARS for part in parts):
        raise FormError("hidden_layers_format", value=text)
    try:
        sizes = [int(part) for part in parts]
    except ValueError:
        raise FormError("hidden_layers_format", value=text) from None
    config = check_config({**_BASE, "hidden_size_list": sizes})  # pynet's check of each size
    weights = weight_count(layer_sizes(config))
    if weights > MAX_WEIGHTS:
        raise FormError("too_many_weights", weights=weights, limit=MAX_WEIGHTS)
    return config["hidden_size_list"]


def _activation(text: str) -> str:
    return check_config({**_BASE, "activation": text})["activation"]


def _init(text: str) -> str | float:
    if text not in INITS:
        raise FormError("unknown_init", value=text, choices=list(INITS))
    return INITS[text]


def _weight_decay(text: str) -> float:
    value = _number(text, "weight_decay_lambda")
    return check_config({**_BASE, "weight_decay_lambda": value})["weight_decay_lambda"]


def _dropout(text: str) -> float:
    value = _number(text, "dropout_ratio")
    return check_config({**_BASE, "dropout_ratio": value})["dropout_ratio"]


def _flag(text: str) -> bool:
    if text.lower() not in FLAGS:
        raise FormError("not_a_flag", name="use_batchnorm", value=text)
    return FLAGS[text.lower()]


def _optimizer(text: str) -> str:
    make_optimizer(text)  # pynet's check of the name (any case)
    return text.lower()


def _learning_rate(text: str, optimizer: str | None) -> float:
    lr = _number(text, "lr")
    return lr if optimizer is None else make_optimizer(optimizer, lr=lr).lr


def _optimizer_params(text: str, optimizer: str | None) -> dict[str, float]:
    params = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = (piece.strip() for piece in part.partition("="))
        if not sep or not name:
            raise FormError("optimizer_params_format", value=part)
        if name == "lr":
            raise FormError("lr_in_optimizer_params")
        if name in params:
            raise FormError("optimizer_param_repeated", name=name)
        params[name] = _number(value, name)
    if optimizer is not None:
        make_optimizer(optimizer, **params)  # pynet's check of each name and value
    return params


def parse(raw: dict) -> tuple[dict | None, dict[str, dict]]:
    """The training settings from the form's raw values, or each field's error.

    Parameters
    ----------
    raw
        Field values by ``data-testid``, as typed (strings; the checkbox may be a bool).

    Returns
    -------
    settings, errors
        ``(settings, {})`` for a valid form, else ``(None, {field: error})`` with every bad
        field's ``{"code", "params", "message"}``. ``settings`` holds the ``network`` config
        (checked by pynet), ``optimizer``, ``optimizer_param``, ``epochs``,
        ``mini_batch_size``, ``train_size``, ``seed``, and for the progress bar
        ``steps_per_epoch`` and ``total_steps``.
    """
    raw = raw if isinstance(raw, dict) else {}
    errors: dict[str, dict] = {}

    def read(field: str, reader, *args) -> Any:
        try:
            return reader(_text(raw, field), *args)
        except PynetError as exc:
            errors[field] = exc.to_dict()
            return None

    hidden = read("hidden-layers", _hidden)
    activation = read("activation", _activation)
    init = read("init", _init)
    decay = read("weight-decay", _weight_decay)
    dropout = read("dropout", _dropout)
    batchnorm = read("batchnorm", _flag)
    optimizer = read("optimizer", _optimizer)
    lr = read("learning-rate", _learning_rate, optimizer)
    extra = read("optimizer-params", _optimizer_params, optimizer)
    epochs = read("epochs", _whole, "epochs", 1, MAX_EPOCHS)
    train_size = read("train-size", _whole, "train_size", *TRAIN_SIZE_RANGE)
    batch_high = train_size or TRAIN_SIZE_RANGE[1]
    batch = read("batch-size", _whole, "mini_batch_size", 1, batch_high)
    seed = read("seed", _whole, "seed", *SEED_RANGE)
    if errors:
        return None, errors
    network = {
        **_BASE,
        "hidden_size_list": hidden,
        "activation": activation,
        "weight_init_std": init,
        "weight_decay_lambda": decay,
        "use_dropout": dropout > 0,
        "dropout_ratio": dropout if dropout > 0 else 0.5,
        "use_batchnorm": batchnorm,
        "seed": seed,
    }
    steps = steps_per_epoch(train_size, batch)
    settings = {
        "network": check_config(network),
        "optimizer": optimizer,
        "optimizer_param": {"lr": lr, **extra},
        "epochs": epochs,
        "mini_batch_size": batch,
        "train_size": train_size,
        "seed": seed,
        "steps_per_epoch": steps,
        "total_steps": epochs * steps,
    }
    return settings, {}


def errors_for_page(errors: dict) -> dict:
    """``parse``'s errors with the words the page fills its own language's sentence with."""
    return {field: for_page(error) for field, error in errors.items()}
