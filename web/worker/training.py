"""One training run in the page's engine worker: the form's values → a plan → a Trainer,
run step by step with pauses, reported to the page as it goes.

The run only *tells* the page (``sync.progress``, ``sync.show_inspection``) and never waits
for an answer; what the page has to say (Stop, Pause, Step, Continue, a new drawing) arrives
as calls into the engine, which run in the pauses the loop makes between steps
(``PAUSE_EVERY``). Paused, the loop sleeps on an ``asyncio.Event`` (no busy-waiting) until
Step, Continue or Stop wakes it; the page's calls, the watchdog's ``ping`` among them, are
answered meanwhile.
"""

import asyncio
import time

import numpy as np
import plan
import site_data
from answers import to_page
from model_history import Model
from pyscript import sync

from pynet.data import subset
from pynet.network import MultiLayerNet
from pynet.trainer import Trainer

#: Seconds between progress reports, pauses for the page's calls and inspector refreshes.
PROGRESS_EVERY, PAUSE_EVERY, INSPECT_EVERY = 0.2, 0.05, 1.0
#: Per-epoch accuracy uses this many samples; the full test set is measured at the end.
EVALUATE_SAMPLES = 1000


def _heap_mb() -> float:
    """Pyodide's wasm memory in MB. It only ever grows, so after a run it is the run's peak."""
    import pyodide_js

    return pyodide_js._module.HEAPU8.length / 2**20


class Pacing:
    """Single-step mode for a run: Pause, Step (one mini-batch) and Continue from the page.

    The page's calls only set flags and wake the loop; the loop asks ``wait`` before every
    step whether it may go on.
    """

    def __init__(self) -> None:
        self.paused = self.stopped = False
        self.pending = 0  # steps asked for while paused, each run exactly once
        self.wake = asyncio.Event()

    def pause(self) -> None:
        self.paused = True

    def step(self) -> None:
        if self.paused:
            self.pending += 1
            self.wake.set()

    def resume(self) -> None:
        self.paused, self.pending = False, 0
        self.wake.set()

    def stop(self) -> None:
        """Wake a paused loop, so a Stop ends the run at once (the trainer ends it)."""
        self.stopped = True
        self.wake.set()

    async def wait(self) -> bool:
        """Sleep while paused with no step asked for; whether the next step is a single one."""
        while self.paused and not self.pending and not self.stopped:
            self.wake.clear()
            await self.wake.wait()
        if self.paused and self.pending:
            self.pending -= 1
            return True
        return False


def _accuracy_before(network, x, t, seed) -> float:
    """The untrained network's accuracy on EVALUATE_SAMPLES samples (the chart's epoch 0),
    drawn by a generator of its own so the run's own draws stay as they were."""
    n = min(EVALUATE_SAMPLES, len(x))
    idx = np.random.default_rng(seed).choice(len(x), n, replace=False)
    return network.accuracy(x[idx], t[idx])


async def run(engine, form: dict) -> dict:
    """Train a new network from the form's values; the result, or errors by field, or a
    failure the page words (MNIST could not be fetched). The model of a run that made at
    least one step takes over only if the run finished better than the model in use
    (``outcome: "adopted"``); otherwise it waits for the student's choice (``"offered"``,
    see model_history.py)."""
    settings, errors = plan.parse(form)
    if errors:
        return {"errors": plan.errors_for_page(errors)}
    sync.progress(to_page({"phase": "data"}))
    try:
        data = await engine.data()
    except site_data.SiteFileError as exc:
        return {"failure": exc.as_failure()}
    x_train, t_train = subset(
        data["x_train"], data["t_train"], settings["train_size"], settings["seed"]
    )
    network = MultiLayerNet(**settings["network"])
    clock = {"progress": 0.0}
    losses = []
    pacing = Pacing()
    sync.progress(
        to_page(
            {
                "phase": "start",
                "train_acc": _accuracy_before(network, x_train, t_train, settings["seed"]),
                "test_acc": _accuracy_before(
                    network, data["x_test"], data["t_test"], settings["seed"]
                ),
            }
        )
    )

    def on_step(info):
        losses.append(info.loss)
        now = time.perf_counter()
        if now - clock["progress"] >= PROGRESS_EVERY and not pacing.paused:
            clock["progress"] = now
            report(info)

    def report(info, **extra):
        first_step = info.step - len(losses) + 1
        sync.progress(
            to_page(
                {
                    "phase": "train",
                    "epoch": info.epoch,
                    "step": info.step,
                    "steps_per_epoch": info.steps_per_epoch,
                    "loss": info.loss,
                    "first_step": first_step,
                    "losses": losses[:],
                    "paused": pacing.paused,
                    **extra,
                }
            )
        )
        losses.clear()

    def on_epoch(info):
        report(info, train_acc=info.train_acc, test_acc=info.test_acc)

    trainer = Trainer(
        network,
        x_train,
        t_train,
        data["x_test"],
        data["t_test"],
        epochs=settings["epochs"],
        mini_batch_size=settings["mini_batch_size"],
        optimizer=settings["optimizer"],
        optimizer_param=settings["optimizer_param"],
        evaluate_sample_num_per_epoch=EVALUATE_SAMPLES,
        seed=settings["seed"],
        on_step=on_step,
        on_epoch=on_epoch,
    )
    start = time.perf_counter()
    engine.trainer, engine.learning, engine.pacing = trainer, network, pacing
    try:
        result = await _run_with_pauses(engine, trainer, network, report)
    finally:
        engine.trainer = engine.learning = engine.pacing = None
    outcome = "none"
    if result.steps:  # a run stopped before its first step has nothing to offer
        info = {
            "test_accuracy": result.final_test_acc,
            "epochs": result.epochs,
            "train_size": settings["train_size"],
            "optimizer": settings["optimizer"],
            **settings["optimizer_param"],
            "source": "trained",
        }
        outcome = engine.history.after_run(Model.made(network, info), result.reason)
    return {
        "reason": result.reason,
        "message": result.message,
        # as text: JSON has no NaN or infinity, and "1.159e+04" reads alike in any language
        "diverged_loss": None if result.diverged_loss is None else f"{result.diverged_loss:.4g}",
        "steps": result.steps,
        "epochs": result.epochs,
        "final_test_acc": result.final_test_acc,
        "seconds": time.perf_counter() - start,
        "ms_per_step": 1000 * result.step_seconds / max(result.steps, 1),
        "heap_mb": _heap_mb(),
        "outcome": outcome,
        "models": await engine.models(),
    }


async def _run_with_pauses(engine, trainer: Trainer, network: MultiLayerNet, report):
    """Run ``trainer`` step by step, pausing every PAUSE_EVERY seconds so the page's calls
    (Stop, Pause, a new drawing) get in, and refreshing the inspector every INSPECT_EVERY.

    Paused, the loop reports where it stands, then runs only the steps the page asks for,
    each reported with its inspection at once, until Continue or Stop."""
    steps = trainer.steps()
    pacing = engine.pacing
    paused = inspected = time.perf_counter()
    last = None  # the last step's StepInfo
    shown = None  # the step the page last heard of while paused
    while True:
        if pacing.paused and last is not None and shown != last.step:
            report(last)
            sync.show_inspection(to_page(engine.inspection(network, "batch", last.step)))
            shown = last.step
        single = await pacing.wait()
        try:
            last = next(steps)
        except StopIteration as done:
            return done.value
        now = time.perf_counter()
        if single:
            continue  # reported at the top of the loop, as a paused step
        shown = None
        if now - inspected >= INSPECT_EVERY:
            inspected = now
            sync.show_inspection(to_page(engine.inspection(network, "batch", last.step)))
        if now - paused >= PAUSE_EVERY:
            await asyncio.sleep(0)
            paused = time.perf_counter()
