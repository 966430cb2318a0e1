"""Small DOM operations the page's views share (main thread, MicroPython)."""

import js
from pyscript import document
from pyscript.ffi import create_proxy


def find(testid):
    """The element with ``data-testid="testid"``: the page's stable names for its parts."""
    return document.querySelector(f'[data-testid="{testid}"]')


def put_image(canvas, rgba, width, height):
    """Draw an RGBA ``Uint8ClampedArray`` (from the engine) on ``canvas`` at its own size."""
    canvas.width = width
    canvas.height = height
    canvas.getContext("2d").putImageData(js.ImageData.new(rgba, width, height), 0, 0)


#: Whether this browser converts bytes to and from hex in one call (Uint8Array's toHex and
#: fromHex, of 2024's "base64 and hex" proposal; Chromium 156 here has them). Without them
#: the page has no quick guess and waits for the engine.
HAS_HEX = js.Reflect.has(js.Uint8Array.prototype, "toHex")


def bytes_of(typed):
    """The bytes of a JS typed array (an ``ImageData``'s pixels, a fetched file) as Python
    ``bytes``, passed as one hex string: MicroPython's FFI reads a typed array a byte at a
    time, about 2 µs a byte. Needs ``HAS_HEX``."""
    view = js.Uint8Array.new(typed.buffer, typed.byteOffset, typed.byteLength)
    return bytes.fromhex(view.toHex())


def rgba_of(data):
    """Python ``bytes`` of RGBA pixels as the ``Uint8ClampedArray`` ``put_image`` draws."""
    return js.Uint8ClampedArray.new(js.Uint8Array.fromHex(data.hex()).buffer)


#: Settles a promise from a timer: after the browser has handled input and drawn.
_next_turn = create_proxy(lambda resolve, reject: js.setTimeout(resolve, 0))


def next_turn():
    """Await this to give the browser a turn (input, drawing) in the middle of long work:
    MicroPython's ``asyncio.sleep(0)`` goes on within the same turn."""
    return js.Promise.new(_next_turn)


def fmt(value, digits=4):
    """A number as the page prints it: fixed decimals, or scientific when tiny or huge."""
    value = float(value)
    if value != 0 and (abs(value) < 10**-digits or abs(value) >= 10**6):
        return f"{value:.{max(digits - 2, 1)}e}"
    return f"{value:.{digits}f}"


#: Event handlers must outlive the call that adds them: the page keeps every proxy here.
_handlers = []


def listen(node, event, handler):
    """Call ``handler(event)`` on ``node``'s ``event`` for as long as the page lives."""
    proxy = create_proxy(handler)
    _handlers.append(proxy)
    node.addEventListener(event, proxy)


def on(testid, event, handler):
    """``listen`` on the element with ``data-testid="testid"``."""
    listen(find(testid), event, handler)
