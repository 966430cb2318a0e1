"""Turning a drawn image into the kind of image MNIST is made of.

MNIST digits were size-normalised to fit a 20×20 box (keeping their aspect ratio), then
placed in a 28×28 image so that their centre of mass is at the centre. A network trained on
MNIST only recognises drawings prepared the same way; ``to_mnist`` is the one place that
does it, for the page and the command line alike.
"""

import numpy as np


class EmptyDrawingError(ValueError):
    """The image has no ink: there is no digit to recognise."""


#: Ink below this (0..1) is treated as background when finding the digit's bounding box.
INK_THRESHOLD = 0.1


def _ink(image: np.ndarray) -> np.ndarray:
    """Ink intensity 0..1 of a gray, RGB or RGBA image, whatever its polarity."""
    img = np.asarray(image, dtype=np.float64)
    if img.ndim == 3:
        if img.shape[2] == 4:  # composite over white: a transparent canvas is paper
            alpha = img[..., 3:4] / 255.0
            img = img[..., :3] * alpha + 255.0 * (1 - alpha)
        img = img[..., :3] @ np.array([0.299, 0.587, 0.114])
    elif img.ndim != 2:
        raise ValueError(f"expected a gray, RGB or RGBA image, got shape {np.shape(image)}")
    if img.max() > 1.0:
        img = img / 255.0
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    # Paper is the colour of most of the border: light paper means dark ink.
    return 1.0 - img if np.median(border) > 0.5 else img


def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights that average each output pixel's footprint in the input."""
    edges = np.linspace(0, n_in, n_out + 1)
    lo, hi = edges[:-1, None], edges[1:, None]
    pixel = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, pixel + 1) - np.maximum(lo, pixel), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def to_mnist(image: np.ndarray) -> np.ndarray:
    """A drawing (any size; gray, RGB or RGBA; dark-on-light or light-on-dark) as a 28×28
    float32 image in 0..1 with white ink on black, like MNIST.

    Crops to the ink's bounding box, scales it to fit 20×20 keeping its aspect ratio, and
    centres it in 28×28 by its centre of mass. Raises ``EmptyDrawingError`` for a blank image.
    """
    ink = _ink(image)
    rows = np.flatnonzero(ink.max(axis=1) > INK_THRESHOLD)
    cols = np.flatnonzero(ink.max(axis=0) > INK_THRESHOLD)
    if len(rows) == 0:
        raise EmptyDrawingError("the drawing is empty: draw a digit first")
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
