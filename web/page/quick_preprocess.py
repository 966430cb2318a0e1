"""pynet's preprocessing of a drawing (``pynet.preprocess.to_mnist``), written out in plain
Python for the page's quick guess (quick_guess.py).

The quick guess runs in the main thread's MicroPython before Pyodide, numpy and pynet have
arrived, so it cannot call pynet; this is the same arithmetic with lists and ``array``
instead of numpy, for RGBA images: each pixel's ink over its paper (a canvas's clear or
white background as drawn, a photo's paper and grain as no ink), the box around the ink,
that box averaged down to 20 pixels on its longer side, and its centre of mass put at the
centre of 28×28. It is a module of its own because it must follow pynet.preprocess step for
step: when that changes, this changes with it, and tests/test_quick_guess.py says whether
the two still agree (the same 28×28 image to 1e-6, on CPython and on MicroPython).

``to_mnist`` works a slice at a time (a generator that yields after a band of rows), so the
page can let the browser draw between slices. It runs on CPython too, which is how the tests
run it.
"""

import array

#: pynet.preprocess.INK_THRESHOLD: ink below this is background when finding the digit's box.
INK_THRESHOLD = 0.1
#: How much each of red, green and blue adds to gray (as pynet.preprocess._LUMA).
LUMA = (0.299, 0.587, 0.114)
#: pynet.preprocess.PAPER_SPREAD and CLEAN: how a photo's paper is told from a canvas's.
PAPER_SPREAD = 5.0
CLEAN = 1 / 512


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
    white paper, to gray by luma, inverted when the border is mostly light, less a photo's
    paper; and whether the paper is a photo's (its ink is then stretched: ``_stretched``)."""
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
    border = [gray(x) for x in list(top) + list(bottom) + list(sides)]
    base = gray
    if _median(border) > 0.5:  # light paper: dark ink
        border = [1.0 - v for v in border]

        def base(x):
            return 1.0 - gray(x)

    paper = _median(border)
    grain = _median([abs(v - paper) for v in border])
    if paper < CLEAN and grain < CLEAN:  # a canvas: read as drawn
        return base, False
    cut = paper + PAPER_SPREAD * grain  # a photo's paper and its grain are no ink
    return (lambda x: max(base(x) - cut, 0.0)), True


def _median(values):
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _percentile(values, q):
    """numpy's percentile (linear) of a non-empty list."""
    ordered = sorted(values)
    at = q / 100 * (len(ordered) - 1)
    lo = int(at)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (at - lo) * (ordered[hi] - ordered[lo])


def _stretched(rows):
    """A photo's ink: divided by its pen's usual ink (the 90th percentile of the inked
    pixels) and clipped at 1, with the box of ink above the threshold found again (top,
    bottom, left, right; top None when there is none), as pynet.preprocess._ink does."""
    inked = [v for row in rows for v in row if v > INK_THRESHOLD]
    if not inked:
        return None, None, None, None
    usual = _percentile(inked, 90)
    top = bottom = left = right = None
    for r, row in enumerate(rows):
        rows[r] = row = [min(v / usual, 1.0) for v in row]
        cols = [c for c, v in enumerate(row) if v > INK_THRESHOLD]
        if cols:
            top, bottom = top if top is not None else r, r
            left = cols[0] if left is None else min(left, cols[0])
            right = cols[-1] if right is None else max(right, cols[-1])
    return top, bottom, left, right


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
    ink, photo = _ink_of(data, width)
    inks = _Inks(ink)
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
    if photo:
        top, bottom, left, right = _stretched(rows)
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
