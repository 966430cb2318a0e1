"""The error pynet raises for anything a student or a file supplies, and the words it says.

Every such error is a ``PynetError`` (a ``ValueError``) carrying

- ``code``: a stable snake_case name for what went wrong; the page keeps a sentence per code in
  each language (``MESSAGES`` below is the English one, and the list of every code);
- ``params``: plain JSON values (numbers, strings, lists of them) that fill the sentence;
- ``str(error)``: the English sentence, for the command line and for tests.

``for_page(error.to_dict())`` is what crosses to the page: ``{"code", "params", "message",
"words"}``, where ``words`` holds each param as the sentence shows it (``!r`` and number
formats applied, lists joined, a nested error as its own dict), so the page fills its own
language's sentence by plain substitution: MicroPython has no ``str.format`` specs to spare.

How a sentence is filled, in any language:

- ``{name}`` is the identifier of a quantity (``"lr"``, ``"mini_batch_size"``); ``NAMES`` says
  it in English, and the page keeps its own words for each;
- ``{value}`` is what was given: a number, a string, ``None`` or ``true``/``false``; anything
  else (a list in a file, say) arrives as its Python spelling, cut short;
- any other list reads as its items joined by ", " ("none" when it is empty);
- a param that is itself a ``{"code", "params", ...}`` dict is an error, said with the same table
  (``model_config_invalid`` says which setting of a model file's config is wrong).

Codes never change meaning; a new kind of error gets a new code.
"""

import string
from typing import Any

import numpy as np

#: Every code, with its English sentence (``str.format`` fields are the params).
MESSAGES = {
    # -- values, wherever they come from ---------------------------------------------------
    "not_a_number": "{name} must be a number, got {value!r}",
    "not_whole_number": "{name} must be a whole number, got {value!r}",
    "not_positive": "{name} must be a positive number, got {value!r}",
    "not_positive_int": "{name} must be a positive whole number, got {value!r}",
    "not_fraction": "{name} must be at least 0 and below 1, got {value!r}",
    "not_a_flag": "{name} must be true or false, got {value!r}",
    "out_of_range": "{name} must be from {low:,} to {high:,}, got {value:,}",
    # -- a network's config (pynet.network) ------------------------------------------------
    "config_unknown_keys": "unknown settings: {keys}",
    "config_missing_keys": "missing settings: {keys}",
    "hidden_sizes_not_list": "hidden layer sizes must be a list of whole numbers, got {value!r}",
    "unknown_activation": "unknown activation {value!r}; choose one of {choices}",
    "unknown_init": "unknown weight init {value!r}; choose one of {choices}",
    "init_std_invalid": "weight init std must be a non-negative number, got {value!r}",
    "weight_decay_invalid": "weight decay must be 0 or a positive number, got {value!r}",
    "unknown_dtype": "dtype must be float32 or float64, got {value!r}",
    "seed_invalid": "seed must be empty or a whole number from 0 to {high:,}, got {value!r}",
    # -- optimizers (pynet.optimizers) -----------------------------------------------------
    "unknown_optimizer": "unknown optimizer {value!r}; choose one of {choices}",
    "unknown_optimizer_params": "{optimizer} has no parameter {names}; it takes {allowed}",
    # -- training (pynet.trainer) ----------------------------------------------------------
    "labels_mismatch": "each image needs exactly one label",
    "no_training_samples": "there are no training samples",
    # -- drawings (pynet.preprocess) -------------------------------------------------------
    "drawing_empty": "the drawing is empty: draw a digit first",
    "drawing_bad_shape": (
        "expected a gray, gray+alpha, RGB or RGBA image (height × width, with 1 to 4 "
        "channels), got an array of shape ({shape})"
    ),
    "drawing_not_numbers": "an image must hold numbers, got {dtype}",
    "drawing_not_finite": "the image holds values that are not numbers (NaN or infinity)",
    "drawing_too_large": (
        "the image is {height:,}×{width:,} pixels; an image may be at most {limit:,} on a side"
    ),
    # -- the training form (web/plan.py) ---------------------------------------------------
    "field_too_long": "write at most {limit} characters here",
    "hidden_layers_format": (
        "hidden layers must be sizes separated by commas, like 100,50; got {value!r}"
    ),
    "too_many_layers": (
        "that network has {count:,} hidden layers; keep it to {limit} or fewer in the browser"
    ),
    "too_many_weights": (
        "that network has {weights:,} weights; keep it under {limit:,} in the browser"
    ),
    "optimizer_params_format": (
        "write optimizer parameters as name=value, like momentum=0.9; got {value!r}"
    ),
    "lr_in_optimizer_params": "set the learning rate in its own field, not here",
    "optimizer_param_repeated": "{name} is given twice",
    # -- model files (pynet.serialize) -----------------------------------------------------
    "model_too_large": "the file is more than {limit:,} bytes, the most a model file may be",
    "model_not_npz": "not an .npz model file (a model is a zip archive of arrays)",
    "model_unreadable": "the file is damaged: its zip archive cannot be read",
    "model_unsupported_entry": "{entry} is compressed or encrypted in a way pynet does not read",
    "model_duplicate_entry": "the archive holds {entry} more than once",
    "model_no_metadata": "this .npz has no pynet metadata; it was not saved by pynet",
    "model_pickle": "{entry} holds Python objects (a pickle); refused",
    "model_entry_too_large": "{entry} is {size:,} bytes, more than it can need ({limit:,})",
    "model_metadata_not_json": "the metadata is not valid JSON text",
    "model_not_pynet": "the metadata does not describe a pynet model",
    "model_version": "model format version {version!r} is not supported",
    "model_config_missing": "the metadata has no network config",
    "model_config_invalid": "the network config is invalid: {detail}",
    "model_too_many_layers": (
        "the model has {count:,} hidden layers; a model file may have at most {limit}"
    ),
    "model_layer_too_wide": (
        "the model has a layer of {size:,} units; a model file may have at most {limit:,}"
    ),
    "model_too_many_weights": (
        "the model has {weights:,} weights; a model file may have at most {limit:,}"
    ),
    "model_info_invalid": "the model's recorded {key} is not valid: {value!r}",
    "model_arrays_mismatch": (
        "the arrays do not fit the config: missing {missing}, unexpected {unexpected}"
    ),
    "model_array_header": "{entry} is not a valid array (.npy) entry",
    "model_array_shape": "{entry} has shape ({shape}), the config needs ({expected})",
    "model_array_dtype": "{entry} has type {dtype}, expected floating point",
    "model_array_size": "{entry} does not hold exactly the numbers its header declares",
    "model_array_not_finite": "{entry} contains NaN or infinite values",
    "model_array_overflows": "{entry} holds numbers too large for {dtype}",
    "model_running_var_negative": "{entry}, a batch norm running variance, is below zero",
    "model_output_not_finite": "the network's output is not finite for ordinary inputs",
    "model_not_mnist": "this model does not read 28×28 images into 10 digits",
}

#: The quantities a ``{name}`` param names, in English.
NAMES = {
    "input_size": "input size",
    "hidden_size": "hidden layer size",
    "output_size": "output size",
    "weight_init_std": "weight init std",
    "weight_decay_lambda": "weight decay",
    "use_dropout": "dropout",
    "dropout_ratio": "dropout ratio",
    "use_batchnorm": "batch norm",
    "seed": "seed",
    "lr": "learning rate",
    "momentum": "momentum",
    "decay_rate": "decay rate",
    "beta1": "beta1",
    "beta2": "beta2",
    "epochs": "epochs",
    "mini_batch_size": "batch size",
    "batch_size": "batch size",
    "train_size": "training samples",
}

#: A hostile value (a file's 10,000-item list, a 1 MB string) is shown cut to this size.
_MAX_TEXT, _MAX_ITEMS = 60, 10


def _plain(value: Any, scalar: bool = False) -> Any:
    """``value`` as a short plain JSON value: what the page receives and the sentence shows;
    with ``scalar``, a list or anything else is given as its repr."""
    if isinstance(value, PynetError) and not scalar:
        return value.to_dict()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (np.bool_, np.integer, np.floating)):
        return value.item()
    if isinstance(value, str):
        return value if len(value) <= _MAX_TEXT else value[: _MAX_TEXT - 1] + "…"
    if isinstance(value, (list, tuple)) and not scalar:
        items = [_plain(item) for item in value[:_MAX_ITEMS]]
        return items if len(value) <= _MAX_ITEMS else [*items, "…"]
    return _plain(repr(value))


def _said(value: Any) -> Any:
    """A plain param as English words, for ``str.format``."""
    if isinstance(value, list):
        return ", ".join(str(_said(item)) for item in value) or "none"
    if isinstance(value, dict):
        return render(value["code"], value["params"])
    return value


def render(code: str, params: dict, table: dict | None = None) -> str:
    """The English sentence for ``code`` filled with ``params`` (already plain), from
    ``table`` (an error class's own ``MESSAGES``) or the shared one."""
    template = (table or MESSAGES).get(code)
    if template is None:  # a sentence raised as is, by code that does not use a code yet
        return code
    fields = {key: _said(value) for key, value in params.items()}
    if "name" in fields:
        fields["name"] = NAMES.get(fields["name"], fields["name"])
    return template.format(**fields)


def words(code: str, params: dict, table: dict | None = None) -> dict:
    """Each param of ``code`` as its sentence shows it, in any language: the template's
    conversion and format spec applied (``{value!r}``, ``{low:,}``), lists joined, a nested
    error as its own ``to_dict``-like dict; ``name`` stays the quantity's identifier.
    ``table`` is the error class's own ``MESSAGES`` (a code means what its table says)."""
    template = (table or MESSAGES).get(code, "")
    specs = {
        field: (conversion, spec)
        for _, field, spec, conversion in string.Formatter().parse(template)
        if field
    }
    said = {}
    for key, value in params.items():
        if isinstance(value, dict):
            said[key] = {**value, "words": words(value["code"], value["params"])}
            continue
        conversion, spec = specs.get(key, (None, ""))
        value = _said(value)
        if conversion == "r":
            value = repr(value)
        said[key] = value if key == "name" else format(value, spec or "")
    return said


class PynetError(ValueError):
    """Input pynet cannot use: ``code`` and ``params`` for the page, ``str()`` in English.

    Parameters
    ----------
    code
        A key of ``MESSAGES``.
    **params
        The values the sentence names; they are kept short and plain (see ``_plain``).
    """

    #: The sentences of this class's codes: the shared table, unless a module that keeps its
    #: own codes (pynet.graph, pynet.netstep) gives its error class its own.
    MESSAGES: dict[str, str] = MESSAGES

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = {key: _plain(value, key == "value") for key, value in params.items()}
        super().__init__(render(code, self.params, self.MESSAGES))

    def to_dict(self) -> dict:
        """``{"code", "params", "message"}``: what the worker sends to the page (with
        ``for_page``, which adds the ``words``)."""
        return {"code": self.code, "params": self.params, "message": str(self)}


def for_page(error: dict, table: dict | None = None) -> dict:
    """An error's ``to_dict`` with its ``words``: what the page needs to say it in any
    language. ``table`` is the class's own ``MESSAGES``, for an error of a module that keeps
    its own codes (``for_page(exc.to_dict(), type(exc).MESSAGES)``)."""
    return {**error, "words": words(error["code"], error["params"], table)}


# -- checks every module shares: each returns the value as a plain Python number ------------
def is_real(value: Any) -> bool:
    """Whether ``value`` is a number: a Python or numpy int or float, not a bool or a string."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def is_whole(value: Any) -> bool:
    """Whether ``value`` is a whole number: a Python or numpy int, not a bool (nor ``2.0``)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_number(name: str, value: Any, error: type[PynetError]) -> float:
    """``value`` as a float, if it is a real number (``True`` and ``"1"`` are not)."""
    if not is_real(value):
        raise error("not_a_number", name=name, value=value)
    return float(value)


def check_positive(name: str, value: Any, error: type[PynetError]) -> float:
    """A finite number above 0, such as a learning rate."""
    value = check_number(name, value, error)
    if not np.isfinite(value) or value <= 0:
        raise error("not_positive", name=name, value=value)
    return value


def check_fraction(name: str, value: Any, error: type[PynetError]) -> float:
    """A number in [0, 1), such as a dropout ratio or a momentum."""
    value = check_number(name, value, error)
    if not 0 <= value < 1:
        raise error("not_fraction", name=name, value=value)
    return value


def check_positive_int(name: str, value: Any, error: type[PynetError]) -> int:
    """A whole number above 0, such as a layer's size or a count of epochs."""
    if not is_whole(value) or value <= 0:
        raise error("not_positive_int", name=name, value=value)
    return int(value)


def check_flag(name: str, value: Any, error: type[PynetError]) -> bool:
    """``True`` or ``False`` (numpy's too), not merely something truthy."""
    if not isinstance(value, (bool, np.bool_)):
        raise error("not_a_flag", name=name, value=value)
    return bool(value)
