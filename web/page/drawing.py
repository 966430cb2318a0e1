"""The drawing pad: a canvas the student draws a digit on with mouse, pen or finger.

Pointer events cover all three; ``touch-action: none`` in the CSS keeps a finger from
scrolling the page instead. The pad only draws and reports changes: turning the drawing
into an MNIST image is pynet's job (``pynet.preprocess``), in the engine.
"""

from pyscript.ffi import create_proxy, to_js

#: Stroke width as a fraction of the canvas width: MNIST strokes are about 1/10 of a digit.
STROKE = 0.075


class DrawingPad:
    def __init__(self, canvas, on_change):
        self.canvas = canvas
        self.ctx = canvas.getContext("2d", to_js({"willReadFrequently": True}))
        self.on_change = on_change
        self.last = None
        self.empty = True
        self._handlers = [
            create_proxy(self._down),
            create_proxy(self._move),
            create_proxy(self._up),
        ]
        canvas.addEventListener("pointerdown", self._handlers[0])
        canvas.addEventListener("pointermove", self._handlers[1])
        canvas.addEventListener("pointerup", self._handlers[2])
        canvas.addEventListener("pointercancel", self._handlers[2])

    def _point(self, event):
        # offsetX is measured inside the border, and the canvas may be shown smaller than
        # its 280 pixels (a phone): scale by its inner width on screen.
        scale = self.canvas.width / self.canvas.clientWidth
        return event.offsetX * scale, event.offsetY * scale

    def _down(self, event):
        event.preventDefault()
        self.canvas.setPointerCapture(event.pointerId)
        self.last = self._point(event)
        self._line_to(self.last)

    def _move(self, event):
        if self.last is not None:
            self._line_to(self._point(event))

    def _up(self, event):
        self.last = None

    def _line_to(self, point):
        ctx = self.ctx
        ctx.lineWidth = self.canvas.width * STROKE
        ctx.lineCap = "round"
        ctx.lineJoin = "round"
        ctx.strokeStyle = "#111"
        ctx.beginPath()
        ctx.moveTo(self.last[0], self.last[1])
        ctx.lineTo(point[0], point[1])
        ctx.stroke()
        self.last = point
        self.empty = False
        self.on_change()

    def put(self, source, x, y, side):
        """Replace the drawing with the square of ``source`` (an image, a bitmap or a canvas)
        at (``x``, ``y``) with sides ``side``, scaled to fill the pad: a test image or a photo,
        which the engine then reads like a drawing."""
        self.ctx.clearRect(0, 0, self.canvas.width, self.canvas.height)
        self.ctx.imageSmoothingEnabled = True
        self.ctx.drawImage(source, x, y, side, side, 0, 0, self.canvas.width, self.canvas.height)
        self.last = None
        self.empty = False
        self.on_change()

    def clear(self):
        self.ctx.clearRect(0, 0, self.canvas.width, self.canvas.height)
        self.empty = True
        self.on_change()

    def pixels(self):
        """The drawing as RGBA bytes (a JS ``Uint8ClampedArray``) for the engine."""
        return self.ctx.getImageData(0, 0, self.canvas.width, self.canvas.height).data
