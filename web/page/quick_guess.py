"""The default model's guess, on the main thread, before the Python engine has arrived.

A first visit moves about 12 MB before Pyodide, numpy and pynet can guess; MicroPython is
ready within a second or two. So the page guesses here first, with the same arithmetic the
engine uses: ``Guess`` is ``softmax(MultiLayerNet.predict(...))`` for a network of Affine
layers and one activation, written out in plain Python (no numpy here: lists and
``array``), of the image ``to_mnist`` makes (quick_preprocess.py: ``pynet.preprocess``'s).
tests/test_quick_guess.py proves both equal pynet's over many drawings.

The work comes in slices: ``Guess.steps()`` yields after each one (a row of the drawing, a
few input pixels of the first layer), so the page can let the browser draw between them.
It runs on CPython too, which is how the tests run it.
"""

import array
import json
import math
import struct

from quick_preprocess import to_mnist

#: Input pixels of the first layer per slice (each is one row of its weights).
PIXELS_PER_STEP = 24

ACTIVATIONS = {
    "relu": lambda v: v if v > 0 else 0.0,
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)) if v > -700 else 0.0,
    "tanh": math.tanh,
}


class QuickModel:
    """A network of Affine layers with one activation between them, from the file the build
    writes (models/default.f32, sitebuild/model.py ``write_quick_model``): a little-endian
    uint32 header length, a JSON header (``activation``, ``layers``: each ``[inputs,
    outputs]``), then every layer's W (row by row) and b as little-endian float32."""

    def __init__(self, data):
        (length,) = struct.unpack("<I", data[:4])
        self.info = json.loads(data[4 : 4 + length].decode())
        if self.info["activation"] not in ACTIVATIONS:
            raise ValueError("no quick guess for activation " + str(self.info["activation"]))
        self.activation = ACTIVATIONS[self.info["activation"]]
        values = array.array("f", data[4 + length :])  # the byte order of wasm and x86: little
        if len(values) != sum(n_in * n_out + n_out for n_in, n_out in self.info["layers"]):
            raise ValueError("the model file's size does not match its header")
        # W's rows stay float32 arrays: a few hundred objects, not 80k floats to collect.
        self.layers, at = [], 0
        for n_in, n_out in self.info["layers"]:
            rows = [values[at + i * n_out : at + (i + 1) * n_out] for i in range(n_in)]
            at += n_in * n_out
            self.layers.append((rows, list(values[at : at + n_out])))
            at += n_out


class Guess:
    """The quick guess of one drawing: ``steps()`` does the work a slice at a time; then
    ``result`` is None for a blank drawing, else ``label``, ``probs`` (10) and ``image``
    (the 28×28 image the network saw, 784 floats in 0..1)."""

    def __init__(self, model, data, width, height):
        self.model = model
        self.data, self.width, self.height = data, width, height
        self.result = None

    def steps(self):
        seen = {}
        yield from to_mnist(self.data, self.width, self.height, seen)
        image = seen["image"]
        if image is None:
            return
        x = image
        layers = self.model.layers
        for n, (rows, b) in enumerate(layers):
            h = list(b)
            # Only the inputs that are not 0 add to x·W (pynet's InputAffine skips the rest).
            active = [(p, v) for p, v in enumerate(x) if v != 0]
            for start in range(0, len(active), PIXELS_PER_STEP):
                for p, v in active[start : start + PIXELS_PER_STEP]:
                    w = rows[p]
                    h = [h[k] + v * w[k] for k in range(len(h))]
                yield
            x = h if n == len(layers) - 1 else [self.model.activation(v) for v in h]
        top = max(x)
        exps = [math.exp(v - top) for v in x]
        total = sum(exps)
        probs = [e / total for e in exps]
        self.result = {"label": probs.index(max(probs)), "probs": probs, "image": image}


def run(steps):
    """Do all the work of ``steps`` (``Guess.steps()``) at once: the tests' way (the page
    gives the browser a turn between slices)."""
    for _ in steps:
        pass


def seen_rgba(image):
    """The 28×28 image as RGBA bytes, white ink on black: ``pynet.inspection.gray_rgba``
    (float32 times 255, truncated)."""
    levels = array.array("f", [min(max(v, 0.0), 1.0) * 255 for v in image])
    return bytes(b for v in levels for b in (int(v), int(v), int(v), 255))
