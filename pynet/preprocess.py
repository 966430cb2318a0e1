"""Turning a drawn image into the kind of image MNIST is made of.

MNIST digits were size-normalised to fit a 20×20 box (keeping their aspect ratio), then
placed in a 28×28 image so that their centre of mass is at the centre. A network trained on
MNIST only recognises drawings prepared the same way; ``to_mnist`` is the one place that
does it, for the page and the command line alike.
"""

from typing import Any

import numpy as np

from .errors import PynetError


class DrawingError(PynetError):
    """The array is not an image ``to_mnist`` can read; the code says why."""


class EmptyDrawingError(DrawingError):
    """The image has no ink: there is no digit to recognise."""


#: Ink below this (0..1) is treated as background when finding the digit's bounding box.
INK_THRESHOLD = 0.1
#: How many times its grain (median absolute deviation) a photo's paper may vary and still
#: be paper: 5 MADs are about 3.4 standard deviations of Gaussian noise.
PAPER_SPREAD = 5.0
#: Paper this close to 0 ink (under half a level of 8-bit colour), without grain, is a
#: canvas's: the drawing is read as drawn.
CLEAN = 1 / 512
#: The largest side read: a hi-dpi canvas is under 1000 pixels, and a 2048×2048 RGBA image
#: already takes 128 MB as floats in the browser's worker.
MAX_SIDE = 2048
#: How much each of red, green and blue adds to gray (ITU-R 601, as PIL's ``convert("L")``).
_LUMA = np.array([0.299, 0.587, 0.114])


def _ink(image: Any) -> np.ndarray:
    """Ink intensity 0..1 of a gray, gray+alpha, RGB or RGBA image, whatever its polarity.

    The one check of what a drawing may be: any real numbers (0..1, or 0..255 when some
    value is above 1; values beyond are clipped), height × width with 1 to 4 channels.

    Raises
    ------
    DrawingError
        ``drawing_not_numbers``, ``drawing_bad_shape``, ``drawing_too_large`` or
        ``drawing_not_finite``; ``EmptyDrawingError`` for an image without pixels.
    """
    try:
        img = np.asarray(image)
    except (ValueError, TypeError):  # ragged nested lists, say
        raise DrawingError("drawing_not_numbers", dtype=type(image).__name__) from None
    if img.dtype.kind not in "biuf":
        raise DrawingError("drawing_not_numbers", dtype=str(img.dtype))
    if not (img.ndim == 2 or (img.ndim == 3 and 1 <= img.shape[2] <= 4)):
        raise DrawingError("drawing_bad_shape", shape=img.shape)
    height, width = img.shape[:2]
    if max(height, width) > MAX_SIDE:
        raise DrawingError("drawing_too_large", height=height, width=width, limit=MAX_SIDE)
    if img.size == 0:
        raise EmptyDrawingError("drawing_empty")
    img = img.astype(np.float64)
    if not np.all(np.isfinite(img)):
        raise DrawingError("drawing_not_finite")
    img = np.clip(img / 255.0 if img.max() > 1.0 else img, 0.0, 1.0)
    if img.ndim == 3:
        colour, alpha = (img[..., :-1], img[..., -1:]) if img.shape[2] in (2, 4) else (img, 1.0)
        colour = colour * alpha + (1.0 - alpha)  # over white: a transparent canvas is paper
        img = colour @ _LUMA if colour.shape[2] == 3 else colour[..., 0]
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    # Paper is the colour of most of the border: light paper means dark ink.
    light = np.median(border) > 0.5
    ink, border = (1.0 - img, 1.0 - border) if light else (img, border)
    # A photo's paper is gray and grainy, not white: paper up to PAPER_SPREAD times its
    # grain (the border's median absolute deviation) becomes no ink, and the pen's usual
    # ink (the 90th percentile of the inked pixels) full ink. A canvas's paper is exactly
    # clean: a drawing is read as drawn (and the page's quick guess reads it alike).
    paper = np.median(border)
    grain = np.median(np.abs(border - paper))
    if paper < CLEAN and grain < CLEAN:
        return ink
    ink = np.clip(ink - paper - PAPER_SPREAD * grain, 0.0, None)
    inked = ink[ink > INK_THRESHOLD]
    return np.clip(ink / np.percentile(inked, 90), 0.0, 1.0) if inked.size else ink


def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights that average each output pixel's footprint in the input."""
    edges = np.linspace(0, n_in, n_out + 1)
    lo, hi = edges[:-1, None], edges[1:, None]
    pixel = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, pixel + 1) - np.maximum(lo, pixel), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def to_mnist(image: np.ndarray) -> np.ndarray:
    """A drawing (up to ``MAX_SIDE`` pixels a side; gray, gray+alpha, RGB or RGBA;
    dark-on-light or light-on-dark) as a 28×28 float32 image in 0..1 with white ink on black,
    like MNIST.

    Crops to the ink's bounding box, scales it to fit 20×20 keeping its aspect ratio, and
    centres it in 28×28 by its centre of mass.

    Raises
    ------
    EmptyDrawingError
        For a blank image (or one without pixels): ``drawing_empty``.
    DrawingError
        For an array that is not an image (see ``_ink``).
    """
    ink = _ink(image)
    rows = np.flatnonzero(ink.max(axis=1) > INK_THRESHOLD)
    cols = np.flatnonzero(ink.max(axis=0) > INK_THRESHOLD)
    if len(rows) == 0:
        raise EmptyDrawingError("drawing_empty")
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]

    h, w = crop.shape
    scale = 20.0 / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    small = _resample_matrix(h, new_h) @ crop @ _resample_matrix(w, new_w).T

    cy, cx = (np.indices(small.shape) * small).reshape(2, -1).sum(axis=1) / small.sum()
    top = int(np.clip(round(14 - cy - 0.5), 0, 28 - new_h))
    left = int(np.clip(round(14 - cx - 0.5), 0, 28 - new_w))
    out = np.zeros((28, 28), dtype=np.float32)
    out[top : top + new_h, left : left + new_w] = small
    return np.clip(out, 0, 1)
