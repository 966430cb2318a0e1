"""The page's settings: a plain dict with defaults that round-trips to the URL fragment.

A teacher can share ``…/#optimizer=sgd&learning-rate=0.1&epochs=5`` and the page opens
with exactly those settings; ``#lab=optimizers&lr_sgd=0.5`` opens and runs a lab.
Runs on the main thread (MicroPython): no numpy, no pynet.
The keys are the form fields' ``data-testid``s.
"""

import js

DEFAULTS = {
    "hidden-layers": "100",
    "activation": "relu",
    "init": "he",
    "optimizer": "adam",
    "learning-rate": "0.001",
    "optimizer-params": "beta1=0.9, beta2=0.999",
    "weight-decay": "0",
    "dropout": "0",
    "batchnorm": False,
    "epochs": "3",
    "batch-size": "100",
    "train-size": "10000",
    "seed": "0",
}


def parse_fragment(fragment):
    """Every ``key=value`` pair of a URL fragment, decoded, and the parts that could not be
    (a malformed escape such as ``%E0%A4%A``): a bad link is read as far as it can be, never
    fatal."""
    pairs, skipped = {}, []
    for part in str(fragment).lstrip("#").split("&"):
        if "=" in part:
            key, value = part.split("=", 1)
            try:
                pairs[decode(key)] = decode(value)
            except ValueError:
                skipped.append(part[:40])
    return pairs, skipped


def decode(text):
    """``decodeURIComponent`` in Python: ``%XX`` escapes as UTF-8, ValueError when malformed
    (MicroPython cannot catch the URIError JavaScript's own throws: the page never started)."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "%":
            digits = text[i + 1 : i + 3]
            if len(digits) != 2:
                raise ValueError(text)
            out.append(int(digits, 16))
            i += 3
        else:
            out.extend(text[i].encode())
            i += 1
    try:
        return bytes(out).decode()
    except UnicodeError:
        raise ValueError(text) from None


def from_fragment(pairs):
    """The training settings: the fragment's pairs over the defaults (other keys ignored)."""
    settings = dict(DEFAULTS)
    for key, value in pairs.items():
        if key in DEFAULTS:
            settings[key] = value == "true" if isinstance(DEFAULTS[key], bool) else value
    return settings


def to_fragment(settings, extra=()):
    """The fragment for the settings that differ from the defaults, then ``extra`` pairs
    (the open lab and its settings)."""
    parts = []
    for key, default in DEFAULTS.items():
        value = settings.get(key, default)
        if value != default:
            text = ("true" if value else "false") if isinstance(default, bool) else str(value)
            parts.append(f"{key}={js.encodeURIComponent(text)}")
    for key, value in extra:
        parts.append(f"{key}={js.encodeURIComponent(str(value))}")
    return "#" + "&".join(parts) if parts else ""
