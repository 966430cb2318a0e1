"""Ways to give the network a digit without drawing it (main thread, MicroPython): an MNIST
test image chosen by its number, which needs only a keyboard, or a photo of a handwritten
digit.

Both land on the drawing pad, so the engine predicts them exactly as it predicts a drawing:
``pynet.preprocess`` crops, scales and centres them (a photo's gray paper counts as no ink).
"""

import i18n
import js
from dom import find, listen, on, open_on_enter, put_image
from pyscript import document
from train_panel import has

CONTROLS = ("test-image-show", "test-image-random", "photo-upload")


class DigitSources:
    def __init__(self, app, pad):
        self.app = app
        self.pad = pad
        self.note = None  # the line under the pad, as (key, values), to re-word it
        on("test-image-show", "click", lambda event: self.app.spawn(self.show_test_image()))
        on("test-image-random", "click", self.random)
        on("test-image-index", "keydown", self.on_key)
        on("photo-upload", "change", lambda event: self.app.spawn(self.load_photo(event.target)))
        open_on_enter("photo-upload")
        listen(pad.canvas, "pointerdown", lambda event: self.say(None))
        on("clear-canvas", "click", lambda event: self.say(None))

    def enable(self, ready):
        for testid in CONTROLS:
            find(testid).disabled = not ready

    def say(self, key, **values):
        self.note = (key, values) if key else None
        find("digit-source").textContent = i18n.text(key, **values) if key else ""

    def relabel(self):
        if self.note is not None:
            self.say(self.note[0], **self.note[1])

    def on_key(self, event):
        if event.key == "Enter":  # the number field: Enter shows the image, like the button
            event.preventDefault()
            self.app.spawn(self.show_test_image())

    def random(self, event=None):
        field = find("test-image-index")
        field.value = str(int(js.Math.random() * (int(field.max) + 1)))
        self.app.spawn(self.show_test_image())

    async def show_test_image(self):
        """Draw the test image the number field names on the pad (the engine checks the
        number and fetches the test images the first time)."""
        index = str(find("test-image-index").value)
        result = await self.app.engine.call("test_image", index, quiet=20)
        if has(result, "failure"):
            params = result.failure.params
            keys = js.Object.keys(params)
            self.say(result.failure.code, **{keys[i]: params[keys[i]] for i in range(keys.length)})
            return
        small = document.createElement("canvas")
        put_image(small, result.image, 28, 28)
        self.pad.put(small, 0, 0, 28)
        self.say("test_image_shown", index=result.index, label=result.label)

    async def load_photo(self, input_node):
        """Put the middle square of a photo on the pad."""
        files = input_node.files
        if not files.length:
            return
        photo = files[0]
        input_node.value = ""
        try:
            bitmap = await js.createImageBitmap(photo)
        except Exception:  # not an image the browser can decode
            self.say("photo_bad", name=photo.name)
            return
        side = min(bitmap.width, bitmap.height)
        self.pad.put(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side)
        bitmap.close()
        self.say("photo_shown", name=photo.name)
