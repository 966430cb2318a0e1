"""The draw panel: the drawing pad, the network's guess with its ten probabilities, the
28×28 image the network sees and its saliency dL/dx.

A drawing is sent to the engine a moment after the last stroke (``PREDICT_DELAY``); while a
network trains, the engine answers between its steps with the network as it learns.
"""

import asyncio

import i18n
from digit_sources import DigitSources
from dom import find, on, put_image
from drawing import DrawingPad

#: Seconds to wait after the last stroke before asking for a new guess.
PREDICT_DELAY = 0.08


class DrawPanel:
    def __init__(self, app):
        self.app = app
        self.changed = False
        self.predicting = False
        self.announced = None  # the guess the live region last said
        self.guessed = False  # a first guess was shown
        self.pad = DrawingPad(find("draw-canvas"), self.on_drawing)
        on("clear-canvas", "click", lambda event: self.pad.clear())
        self.sources = DigitSources(app, self.pad)

    def on_drawing(self):
        """The drawing changed (or the model did): ask for a new guess."""
        self.changed = True
        if self.pad.empty:
            self.show_empty()
        if self.app.ready and not self.predicting:
            self.app.spawn(self.predict_loop())

    async def predict_loop(self):
        self.predicting = True
        try:
            while self.changed:
                await asyncio.sleep(PREDICT_DELAY)
                self.changed = False
                if self.pad.empty:
                    self.show_empty()
                    continue
                canvas = self.pad.canvas
                self.show_prediction(
                    await self.app.engine.call(
                        "predict", self.pad.pixels(), canvas.width, canvas.height
                    )
                )
        finally:
            self.predicting = False
        await self.app.inspector.drawing_changed()

    def show_empty(self):
        self.announced = None
        find("prediction").setAttribute("data-label", "")
        find("prediction-digit").textContent = i18n.text("draw_prompt")
        for digit in range(10):
            self.show_bar(digit, 0.0)
        for testid in ("seen-image", "saliency"):
            canvas = find(testid)
            canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height)

    def show_bar(self, digit, p):
        bar = find(f"prob-{digit}")
        bar.setAttribute("data-value", str(p))
        bar.querySelector(".fill").style.width = f"{100 * p:.1f}%"
        bar.querySelector(".pct").textContent = f"{100 * p:.1f}%"

    def show_prediction(self, result):
        if result.empty or self.pad.empty:
            self.show_empty()
            return
        find("prediction").setAttribute("data-label", str(result.label))
        find("prediction-digit").textContent = str(result.label)
        if result.label != self.announced:  # a screen reader hears each new guess once
            self.announced = result.label
            pct = f"{100 * result.probs[result.label]:.0f}"
            find("guess-announcement").textContent = i18n.text(
                "guess_announcement", label=result.label, pct=pct
            )
        for digit in range(10):
            self.show_bar(digit, result.probs[digit])
        put_image(find("seen-image"), result.image, 28, 28)
        put_image(find("saliency"), result.saliency, 28, 28)
        self.guessed = True
