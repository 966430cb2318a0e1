"""The default model's guess, on the main thread, before the Python engine has arrived.

A first visit moves about 10 MB before Pyodide, numpy and pynet can guess; MicroPython is
ready within a second or two. So the page guesses here first, with the same arithmetic the
engine uses: ``to_mnist`` is ``pynet.preprocess.to_mnist`` for RGBA images, and ``Guess``
is ``softmax(MultiLayerNet.predict(...))`` for a network of Affine layers and one
activation, written out in plain Python (no numpy here: lists and ``array``).
tests/test_quick_guess.py proves both equal pynet's over many drawings.

The work comes in slices: ``Guess.steps()`` yields after each one (a row of the drawing, a
few input pixels of the first layer), so the page can let the browser draw between them.
It runs on CPython too, which is how the tests run it.
"""

import array
import json
import math
import struct

#: pynet.preprocess.INK_THRESHOLD: ink below this is background when finding the digit's box.
INK_THRESHOLD = 0.1
#: How much each of red, green and blue adds to gray (as pynet.preprocess._LUMA).
LUMA = (0.299, 0.587, 0.114)
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


def _plan(n_in, n_out):
    """``pynet.preprocess._resample_matrix(n_in, n_out)`` row by row, sparse: for each output
    pixel, the input pixels it covers whole (``first``, ``end``), those it covers in part
    (``[(index, overlap)]``) and the sum of the overlaps, which its average divides by."""
    step = n_in / n_out  # numpy's linspace: edges i * step, the last one exactly n_in
    plans = []
    for j in range(n_out):
        lo = j * step
        hi = float(n_in) if j == n_out - 1 else (j + 1) * step
        whole, part, total = [], [], 0.0
        for p in range(max(0, int(lo)), min(n_in, int(hi) + 1)):
            overlap = min(hi, p + 1) - max(lo, p)
            if overlap == 1.0:
                whole.append(p)
            elif overlap > 0:
                part.append((p, overlap))
            total += max(overlap, 0.0)
        first, end = (whole[0], whole[-1] + 1) if whole else (0, 0)
        plans.append((first, end, part, total))
    return plans


def _average(values, plan):
    """Each output pixel's average of ``values`` over its footprint (see ``_plan``)."""
    out = []
    for first, end, part, total in plan:
        s = sum(values[first:end])
        for p, overlap in part:
            s += overlap * values[p]
        out.append(s / total)
    return out


def _ink_of(data, width):
    """The function ``pynet.preprocess._ink`` applies to each pixel of this RGBA image
    (packed as a little-endian uint32): 0..255 values (or 0..1 when no byte is above 1) over
    white paper, to gray by luma, inverted when the border is mostly light."""
    divisor = 1.0 if data.count(b"\x00") + data.count(b"\x01") == len(data) else 255.0

    grays = {}

    def gray(x):
        if x not in grays:
            a = (x >> 24 & 255) / divisor
            r = (x & 255) / divisor * a + (1.0 - a)
            g = (x >> 8 & 255) / divisor * a + (1.0 - a)
            b = (x >> 16 & 255) / divisor * a + (1.0 - a)
            grays[x] = r * LUMA[0] + g * LUMA[1] + b * LUMA[2]
        return grays[x]

    stride = 4 * width
    top = array.array("I", data[:stride])
    bottom = array.array("I", data[-stride:])
    sides = array.array("I", b"".join(data[i : i + 4] for i in range(0, len(data), stride)))
    sides += array.array(
        "I", b"".join(data[i - 4 : i] for i in range(stride, len(data) + 1, stride))
    )
    border = sorted(gray(x) for x in list(top) + list(bottom) + list(sides))
    half = len(border) // 2
    median = border[half] if len(border) % 2 else (border[half - 1] + border[half]) / 2
    if median > 0.5:  # light paper: dark ink
        return lambda x: 1.0 - gray(x)
    return gray


def _run(row, pixel, width, at_end):
    """How many pixels at the start (or the end) of ``row`` are ``pixel``, found by halving
    with C-speed comparisons: the paper around a digit costs no Python loop."""
    if pixel == pixel[:1] * 4:  # one byte four times (clear or white paper): strip it
        rest = row.rstrip(pixel[:1]) if at_end else row.lstrip(pixel[:1])
        return (len(row) - len(rest)) // 4
    same = row.endswith if at_end else row.startswith
    full = pixel * width
    if same(full):
        return width
    lo, hi = 1, width  # the first lo pixels are ``pixel``; the first hi are not all
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if same(full[: 4 * mid]):
            lo = mid
        else:
            hi = mid
    return lo


class _Inks:
    """The ink of pixels (RGBA bytes), by colour: a drawing has few colours, so each pixel
    costs one dictionary lookup."""

    def __init__(self, ink):
        self.ink = ink
        self.table = {}

    def of(self, pixels):
        table = self.table
        u = array.array("I", pixels)
        try:
            return [table[x] for x in u]
        except KeyError:
            for x in u:
                if x not in table:
                    table[x] = self.ink(x)
            return [table[x] for x in u]

    def row(self, row, width):
        """Every pixel's ink in ``row``, and the first and last index of ink above the
        threshold (None when there is none). Only the part between the row's first and last
        runs of one colour (the paper either side of the strokes) is read pixel by pixel."""
        first = row[:4]
        n_first = _run(row, first, width, False)
        v_first = self.of(first)[0]
        if n_first == width:
            inked = v_first > INK_THRESHOLD
            return [v_first] * width, (0 if inked else None), (width - 1 if inked else None)
        last = row[-4:]
        n_last = _run(row, last, width, True)
        v_last = self.of(last)[0]
        middle = self.of(row[4 * n_first : 4 * (width - n_last)])
        vals = [v_first] * n_first + middle + [v_last] * n_last
        if v_first > INK_THRESHOLD:
            lo = 0
        else:
            lo = next((n_first + i for i, v in enumerate(middle) if v > INK_THRESHOLD), None)
            if lo is None:
                lo = width - n_last if v_last > INK_THRESHOLD else None
        if lo is None:
            return vals, None, None
        if v_last > INK_THRESHOLD:
            return vals, lo, width - 1
        at = len(middle) - 1
        while at >= 0 and middle[at] <= INK_THRESHOLD:
            at -= 1
        return vals, lo, n_first + at  # at -1: the ink is the first run's


def to_mnist(data, width, height, out):
    """``pynet.preprocess.to_mnist`` of an RGBA image (``data``: its bytes, row by row), a
    slice at a time: a generator that yields between slices and finally puts the 28×28
    image (784 floats, rounded to float32 as pynet's are) in ``out["image"]``, or None in
    it when the drawing is blank."""
    out["image"] = None
    if width == 0 or height == 0:
        return
    inks = _Inks(_ink_of(data, width))
    yield
    rows = []
    stride = 4 * width
    top = bottom = left = right = None
    for r in range(height):
        vals, lo, hi = inks.row(data[r * stride : (r + 1) * stride], width)
        rows.append(vals)
        if lo is not None:
            top, bottom = top if top is not None else r, r
            left = lo if left is None else min(left, lo)
            right = hi if right is None else max(right, hi)
        if r % 8 == 7:
            yield
    if top is None:
        return

    h, w = bottom - top + 1, right - left + 1
    scale = 20.0 / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    across = _plan(w, new_w)
    narrow = []  # each row of the crop averaged across to new_w columns
    for r in range(top, bottom + 1):
        narrow.append(_average(rows[r][left : right + 1], across))
        if r % 8 == 7:
            yield
    small = [[0.0] * new_w for _ in range(new_h)]
    for i, (first, end, part, total) in enumerate(_plan(h, new_h)):
        acc = [0.0] * new_w
        for r in range(first, end):
            acc = [a + v for a, v in zip(acc, narrow[r])]  # noqa: B905 (MicroPython)
        for r, overlap in part:
            acc = [a + overlap * v for a, v in zip(acc, narrow[r])]  # noqa: B905 (MicroPython)
        small[i] = [a / total for a in acc]

    mass = sum(sum(row) for row in small)
    cy = sum(i * sum(row) for i, row in enumerate(small)) / mass
    cx = sum(j * sum(row[j] for row in small) for j in range(new_w)) / mass
    top28 = min(max(round(14 - cy - 0.5), 0), 28 - new_h)
    left28 = min(max(round(14 - cx - 0.5), 0), 28 - new_w)
    image = [0.0] * 784
    for i, row in enumerate(small):
        at = (top28 + i) * 28 + left28
        image[at : at + new_w] = [min(v, 1.0) for v in row]
    out["image"] = list(array.array("f", image))


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
