"""The network stepper (main thread): the tiny network's sizes, and Forward, Backward and
Update as separate buttons.

The network lives in the engine worker (one ``NetStepper`` for the page, web/worker/
steppers.py); each button asks it for one phase and netstep_view.py draws the answer. The
section carries ``data-phase``: the last phase shown, or ``busy`` while the engine works.
"""

import json

import i18n
import js
from dom import find, listen, on
from netstep_view import NetStepView
from pyscript.ffi import to_js

#: The network, as pynet.netstep builds it.
NETWORK = (
    r"X \xrightarrow{\text{Affine1}} A_1 \xrightarrow{\text{Relu1}} Z_1 "
    r"\xrightarrow{\text{Affine2}} A_2 \xrightarrow{\text{SoftmaxWithLoss}(t)} Y,\ L"
)
#: The size fields, by the name NetStepper gives each size.
SIZES = {
    "input_size": "netstep-input-size",
    "hidden_size": "netstep-hidden-size",
    "output_size": "netstep-output-size",
    "batch_size": "netstep-batch-size",
    "seed": "netstep-seed",
}


class NetStepPanel:
    def __init__(self, app):
        self.app = app
        self.view = NetStepView()
        self.phase = None
        self.error = None
        self.losses = []
        self.rates = {}  # each optimizer's default learning rate, from pynet
        on("netstep-forward", "click", lambda event: self.app.spawn(self.forward()))
        on("netstep-new", "click", lambda event: self.app.spawn(self.forward(new=True)))
        on("netstep-backward", "click", lambda event: self.app.spawn(self.backward()))
        on("netstep-update", "click", lambda event: self.app.spawn(self.update()))
        on("netstep-optimizer", "change", self.optimizer_chosen)
        backward = find("netstep-backward-view")
        listen(backward, "click", self.picked)
        listen(backward, "keydown", self.picked)
        js.katex.render(NETWORK, find("netstep-network"), to_js({"displayMode": True}))

    def fill_optimizers(self, choices):
        """The optimizer menu, from pynet's list (the engine sends it at boot)."""
        optimizers = choices.optimizers
        names = js.Object.keys(optimizers)
        select = find("netstep-optimizer")
        chosen = str(select.value)
        select.innerHTML = "".join(
            f'<option value="{names[i]}">{optimizers[names[i]].label}</option>'
            for i in range(names.length)
        )
        for i in range(names.length):
            self.rates[str(names[i])] = str(optimizers[names[i]].lr)
            self.view.labels[str(names[i])] = str(optimizers[names[i]].label)
        if chosen:
            select.value = chosen

    def optimizer_chosen(self, event=None):
        find("netstep-lr").value = self.rates.get(str(find("netstep-optimizer").value), "0.1")

    async def start(self):
        """The engine is ready: show the network's first forward pass."""
        await self.forward()

    # -- the three phases --------------------------------------------------------------------
    async def ask(self, name, *args):
        """Call the engine's ``name``; the result, or None once the error is shown."""
        self.set_phase("busy")
        try:
            answer = json.loads(await self.app.engine.call(name, *args))
        finally:
            self.set_phase(self.phase)
        self.error = answer.get("error")
        find("netstep-message").textContent = (
            "" if self.error is None else i18n.error_text(self.error)
        )
        return answer.get("result")

    async def forward(self, new=False):
        request = {name: str(find(testid).value) for name, testid in SIZES.items()}
        request["new"] = new
        result = await self.ask("netstep_forward", json.dumps(request))
        if result is None:
            return
        if result["fresh"]:
            self.losses = []
        self.losses.append(result["loss"])
        self.view.clear("backward", "update")
        self.view.forward(result)
        self.set_phase("forward")

    async def backward(self):
        result = await self.ask("netstep_backward")
        if result is None:
            return
        self.view.backward(result)
        self.set_phase("backward")
        await self.pick("dW2", 0, 0)  # dW2 = Z1ᵀ·dA2: one entry's products, shown at once

    async def update(self):
        request = {
            "optimizer": str(find("netstep-optimizer").value),
            "lr": str(find("netstep-lr").value),
        }
        result = await self.ask("netstep_update", json.dumps(request))
        if result is None:
            return
        self.view.update(result)
        self.set_phase("update")

    # -- one entry of a product --------------------------------------------------------------
    def picked(self, event):
        """A click, or Enter or Space on a focused entry of a product, picks it."""
        if event.type == "keydown" and event.key not in ("Enter", " "):
            return
        cell = event.target.closest("td[data-pick]")
        if cell is None:
            return
        event.preventDefault()
        name = str(cell.getAttribute("data-pick"))
        row, col = int(cell.getAttribute("data-row")), int(cell.getAttribute("data-col"))
        self.app.spawn(self.pick(name, row, col))

    async def pick(self, name, row, col):
        result = await self.ask("netstep_entry", name, row, col)
        if result is not None:
            self.view.entry(result)

    # -- state on the page -------------------------------------------------------------------
    def set_phase(self, phase):
        """Show ``phase`` as done (or the engine as busy): each button is usable only when
        its phase may come next."""
        if phase != "busy":
            self.phase = phase
        busy = phase == "busy" or not self.app.ready
        section = find("netstep")
        section.setAttribute("data-phase", phase or "")
        find("netstep-forward").disabled = busy
        find("netstep-new").disabled = busy
        find("netstep-backward").disabled = busy or phase not in ("forward", "backward")
        find("netstep-update").disabled = busy or phase != "backward"
        self.status()

    def status(self):
        key = {
            "forward": "netstep_done_forward",
            "backward": "netstep_done_backward",
            "update": "netstep_done_update",
        }.get(self.phase)
        text = ""
        if key:
            errors = self.view.shown.get("backward", {}).get("errors", {})
            largest = max(errors.values()) if errors else 0
            text = i18n.text(key, error=f"{largest:.1e}")
        if self.losses:
            losses = " → ".join(f"{loss:.4f}" for loss in self.losses)
            text += " " + i18n.text("netstep_losses", losses=losses)
        find("netstep-status").textContent = text

    def relabel(self):
        """Say everything again in the page's (new) language."""
        self.view.redraw()
        self.status()
        if self.error is not None:
            find("netstep-message").textContent = i18n.error_text(self.error)
