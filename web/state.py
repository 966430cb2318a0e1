"""The page's settings: a plain dict with defaults that round-trips to the URL fragment.

A teacher can share ``…/#optimizer=sgd&learning-rate=0.1&epochs=5`` and the page opens
with exactly those settings. Runs on the main thread (MicroPython): no numpy, no pynet.
The keys are the form fields' ``data-testid``s.
"""

import js

DEFAULTS = {
    "hidden-layers": "100",
    "activation": "relu",
    "init": "he",
    "optimizer": "adam",
    "learning-rate": "0.001",
    "weight-decay": "0",
    "dropout": "0",
    "batchnorm": False,
    "epochs": "3",
    "batch-size": "100",
    "train-size": "10000",
    "seed": "0",
}


def from_fragment(fragment):
    """Settings from ``#key=value&…`` over the defaults; unknown keys are ignored."""
    settings = dict(DEFAULTS)
    for part in fragment.lstrip("#").split("&"):
        if "=" not in part:
            continue
        key, value = part.split("=", 1)
        key = str(js.decodeURIComponent(key))
        if key in DEFAULTS:
            value = str(js.decodeURIComponent(value))
            settings[key] = value == "true" if isinstance(DEFAULTS[key], bool) else value
    return settings


def to_fragment(settings):
    """The fragment for the settings that differ from the defaults."""
    parts = []
    for key, default in DEFAULTS.items():
        value = settings.get(key, default)
        if value != default:
            text = ("true" if value else "false") if isinstance(default, bool) else str(value)
            parts.append(f"{key}={js.encodeURIComponent(text)}")
    return "#" + "&".join(parts) if parts else ""
