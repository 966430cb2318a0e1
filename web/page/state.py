"""The page's settings: a plain dict with defaults that round-trips to the URL fragment.

A teacher can share ``…/#optimizer=sgd&learning-rate=0.1&epochs=5`` and the page opens
with exactly those settings; ``#lab=optimizers&lr_sgd=0.5`` opens a lab (``link.py`` says
when it runs). The page writes only settings the engine accepted (``link.py``).
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


#: A part of a link shown in a notice is cut to this many characters.
SHOWN_CHARS = 40


def parse_fragment(fragment):
    """The ``key=value`` pairs of a URL fragment, decoded, and the parts that could not be
    read: ``(pairs, unreadable)``. A malformed part (``x=%E0%A4%A``) is set aside, never
    fatal: a bad link is read as far as it can be."""
    pairs, unreadable = {}, []
    for part in str(fragment).lstrip("#").split("&"):
        if not part:
            continue
        try:
            key, value = part.split("=", 1)
            pairs[decode(key)] = decode(value)
        except ValueError:  # no "=", a bad escape, or bytes that are not UTF-8
            unreadable.append(shorten(part))
    return pairs, unreadable


HEX_DIGITS = "0123456789abcdefABCDEF"


def decode(text):
    """``decodeURIComponent`` in Python: ``%XX`` escapes as UTF-8, ValueError when malformed
    (MicroPython cannot catch the URIError JavaScript's own throws: the page never started)."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "%":
            digits = text[i + 1 : i + 3]
            if len(digits) != 2 or digits[0] not in HEX_DIGITS or digits[1] not in HEX_DIGITS:
                raise ValueError(text)  # (int() alone would take " f" or "+f")
            out.append(int(digits, 16))
            i += 3
        else:
            out.extend(text[i].encode())
            i += 1
    try:
        return bytes(out).decode()
    except UnicodeError:
        raise ValueError(text) from None


def shorten(text):
    """``text`` cut to ``SHOWN_CHARS`` characters, for a notice."""
    text = str(text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def from_fragment(pairs, optimizers=None):
    """The training settings a link asks for: its pairs over the defaults (other keys are
    ignored). A link that names an optimizer but not its learning rate or parameters gets
    that optimizer's own (``optimizers``: name → ``(lr, params)``, from pynet's list)."""
    settings = dict(DEFAULTS)
    chosen = (optimizers or {}).get(pairs.get("optimizer"))
    if chosen is not None:
        settings["learning-rate"], settings["optimizer-params"] = chosen
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
