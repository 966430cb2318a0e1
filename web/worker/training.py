"""One training run in the page's engine worker: the form's values → a plan → a Trainer,
run step by step with pauses, reported to the page as it goes.

The run only *tells* the page (``sync.progress``, ``sync.show_inspection``) and never waits
for an answer; what the page has to say (Stop, a new drawing) arrives as calls into the
engine, which run in the pauses the loop makes between steps (``PAUSE_EVERY``).
"""

import asyncio
import time

import js
import plan
import site_data
from model_history import Model
from pyodide.ffi import to_js
from pyscript import sync

from pynet.data import subset
from pynet.network import MultiLayerNet
from pynet.trainer import Trainer

#: Seconds between progress reports, pauses for the page's calls and inspector refreshes.
PROGRESS_EVERY, PAUSE_EVERY, INSPECT_EVERY = 0.2, 0.05, 1.0
#: Per-epoch accuracy uses this many samples; the full test set is measured at the end.
EVALUATE_SAMPLES = 1000


def to_page(value):
    """A report as a JS object (dicts become plain objects)."""
    return to_js(value, dict_converter=js.Object.fromEntries)


def _heap_mb() -> float:
    """Pyodide's wasm memory in MB. It only ever grows, so after a run it is the run's peak."""
    import pyodide_js

    return pyodide_js._module.HEAPU8.length / 2**20


async def run(engine, form: dict) -> dict:
    """Train a new network from the form's values; the result, or errors by field, or a
    failure the page words (MNIST could not be fetched). The model of a run that made at
    least one step takes over only if the run finished better than the model in use
    (``outcome: "adopted"``); otherwise it waits for the student's choice (``"offered"``,
    see model_history.py)."""
    settings, errors = plan.parse(form)
    if errors:
        return {"errors": errors}
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

    def on_step(info):
        losses.append(info.loss)
        now = time.perf_counter()
        if now - clock["progress"] >= PROGRESS_EVERY:
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
    engine.trainer, engine.learning = trainer, network
    try:
        result = await _run_with_pauses(engine, trainer, network)
    finally:
        engine.trainer = engine.learning = None
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
        "steps": result.steps,
        "epochs": result.epochs,
        "final_test_acc": result.final_test_acc,
        "seconds": time.perf_counter() - start,
        "ms_per_step": 1000 * result.step_seconds / max(result.steps, 1),
        "heap_mb": _heap_mb(),
        "outcome": outcome,
        "models": await engine.models(),
    }


async def _run_with_pauses(engine, trainer: Trainer, network: MultiLayerNet):
    """Run ``trainer`` step by step, pausing every PAUSE_EVERY seconds so the page's calls
    (Stop, a new drawing) get in, and refreshing the inspector every INSPECT_EVERY."""
    steps = trainer.steps()
    paused = inspected = time.perf_counter()
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
        now = time.perf_counter()
        if now - inspected >= INSPECT_EVERY:
            inspected = now
            sync.show_inspection(to_page(engine.inspection(network, "batch")))
        if now - paused >= PAUSE_EVERY:
            await asyncio.sleep(0)
            paused = time.perf_counter()
