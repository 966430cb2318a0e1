"""The draw panel: the drawing pad, the network's guess with its ten probabilities, the
28×28 image the network sees and its saliency dL/dx.

A drawing is sent to the engine a moment after the last stroke (``PREDICT_DELAY``); while a
network trains, the engine answers between its steps with the network as it learns.

Until the engine is ready (seconds on a first visit), the page guesses by itself with the
default model (``quick_guess``, the same arithmetic as pynet's), a slice at a time so the
pad stays smooth; the saliency waits for the engine. Once the engine is ready, it guesses
again. A student whose own model is saved in this browser waits for the engine: the
default model's guess would not be their model's.
"""

import asyncio

import i18n
import js
import quick_guess
from dom import HAS_HEX, bytes_of, find, next_turn, on, put_image, rgba_of
from drawing import DrawingPad
from model_panel import uses_default_model

#: Seconds to wait after the last stroke before asking for a new guess.
PREDICT_DELAY = 0.08
#: Milliseconds of quick-guess work between two turns of the browser (a frame is 16 ms).
SLICE_MS = 8
QUICK_MODEL = "./models/default.f32"


async def in_slices(steps, stale):
    """Run ``steps`` (a generator that yields between slices of work), giving the browser a
    turn every ``SLICE_MS``. Returns the milliseconds of work and the longest stretch
    without a turn, or None as soon as ``stale()`` says the work is no longer wanted."""
    busy = longest = 0.0
    started = js.performance.now()
    for _ in steps:
        now = js.performance.now()
        if now - started > SLICE_MS:
            busy, longest = busy + now - started, max(longest, now - started)
            await next_turn()
            if stale():
                return None
            started = js.performance.now()
    now = js.performance.now()
    return busy + now - started, max(longest, now - started)


class DrawPanel:
    def __init__(self, app):
        self.app = app
        self.changed = False
        self.predicting = False
        self.guessed = False  # a first guess was shown
        self.quick = None  # the default model, read for the quick guess
        self.pad = DrawingPad(find("draw-canvas"), self.on_drawing)
        on("clear-canvas", "click", lambda event: self.pad.clear())
        if HAS_HEX:
            app.spawn(self.read_quick_model())

    def on_drawing(self):
        """The drawing changed (or the model did): ask for a new guess."""
        self.changed = True
        if self.pad.empty:
            self.show_empty()
        if (self.app.ready or self.can_guess_quickly()) and not self.predicting:
            self.app.spawn(self.predict_loop())

    def can_guess_quickly(self):
        return self.quick is not None and not self.app.ready and uses_default_model()

    async def predict_loop(self):
        self.predicting = True
        try:
            while self.changed:
                await asyncio.sleep(PREDICT_DELAY)
                self.changed = False
                if self.pad.empty:
                    self.show_empty()
                elif self.app.ready:
                    self.quick = None  # the engine guesses from now on: free 80k weights
                    canvas = self.pad.canvas
                    self.show_prediction(
                        await self.app.engine.call(
                            "predict", self.pad.pixels(), canvas.width, canvas.height
                        )
                    )
                elif self.can_guess_quickly():
                    await self.guess_quickly()
        finally:
            self.predicting = False
        if self.app.ready:
            await self.app.inspector.drawing_changed()

    # -- the quick guess ---------------------------------------------------------------------
    async def read_quick_model(self):
        try:
            response = await js.fetch(QUICK_MODEL)
            if not response.ok:
                raise OSError(f"{QUICK_MODEL} answered {response.status}")
            model = quick_guess.QuickModel(
                bytes_of(js.Uint8Array.new(await response.arrayBuffer()))
            )
        except Exception as exc:  # the engine will guess; only sooner is lost
            js.console.warn(f"Backprop Lab: no quick guess ({exc})")
            return
        if not self.app.ready:  # (on a later visit the engine may have come first)
            self.quick = model
            if not self.pad.empty:
                self.on_drawing()

    async def guess_quickly(self):
        canvas = self.pad.canvas
        started = js.performance.now()
        pixels = bytes_of(self.pad.pixels())
        work_before = js.performance.now() - started
        guess = quick_guess.Guess(self.quick, pixels, canvas.width, canvas.height)
        work = await in_slices(guess.steps(), lambda: self.changed or self.app.ready)
        if work is None:
            return  # the loop guesses the newer drawing, or the engine does
        if guess.result is None:
            self.show_empty()
            return
        result = guess.result
        self.show_guess(result["label"], result["probs"], "quick")
        put_image(find("seen-image"), rgba_of(quick_guess.seen_rgba(result["image"])), 28, 28)
        saliency = find("saliency")
        saliency.getContext("2d").clearRect(0, 0, saliency.width, saliency.height)
        # What the guess cost the page (for `build.py bench`): its work, in stretches of at
        # most the longest; the pixels' conversion ran as one stretch before them.
        node = find("prediction")
        node.setAttribute("data-quick-ms", f"{work[0] + work_before:.1f}")
        node.setAttribute("data-quick-longest-ms", f"{max(work[1], work_before):.1f}")

    # -- views -------------------------------------------------------------------------------
    def show_empty(self):
        find("prediction").setAttribute("data-label", "")
        find("prediction-digit").textContent = i18n.text("draw_prompt")
        find("guess-note").hidden = True
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

    def show_guess(self, label, probs, by):
        """The guess and its bars; ``by`` is "quick" (the page's own) or "engine"."""
        node = find("prediction")
        node.setAttribute("data-label", str(label))
        node.setAttribute("data-by", by)
        find("prediction-digit").textContent = str(label)
        find("guess-note").hidden = by != "quick"
        for digit in range(10):
            self.show_bar(digit, probs[digit])
        self.guessed = True

    def show_prediction(self, result):
        if result.empty or self.pad.empty:
            self.show_empty()
            return
        self.show_guess(result.label, result.probs, "engine")
        put_image(find("seen-image"), result.image, 28, 28)
        put_image(find("saliency"), result.saliency, 28, 28)
