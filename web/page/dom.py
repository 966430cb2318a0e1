"""Small DOM operations the page's views share (main thread, MicroPython)."""

import js
from pyscript import document


def find(testid):
    """The element with ``data-testid="testid"``: the page's stable names for its parts."""
    return document.querySelector(f'[data-testid="{testid}"]')


def put_image(canvas, rgba, width, height):
    """Draw an RGBA ``Uint8ClampedArray`` (from the engine) on ``canvas`` at its own size."""
    canvas.width = width
    canvas.height = height
    canvas.getContext("2d").putImageData(js.ImageData.new(rgba, width, height), 0, 0)


def fmt(value, digits=4):
    """A number as the page prints it: fixed decimals, or scientific when tiny or huge."""
    value = float(value)
    if value != 0 and (abs(value) < 10**-digits or abs(value) >= 10**6):
        return f"{value:.{max(digits - 2, 1)}e}"
    return f"{value:.{digits}f}"
