"""The chapter 5 and 6 labs, computed by ``pynet.experiments`` in their own worker.

A lab never waits for training, nor training for a lab: each has its own Pyodide worker.
``run(name, base_url, params_json, model)`` returns the lab's results as JSON text; while it
runs it reports ``sync.lab_progress(done, total)`` and never waits for an answer (without
SharedArrayBuffer such a call returns a future, not a value). A lab is stopped by ending its
worker: the page starts a new one for the next run. Parameters arrive as the form's strings
and are checked here, with a sentence for the page.
"""

import json
import time

import numpy as np
import site_data
from pyscript import sync

from pynet import experiments, serialize
from pynet.gradcheck import gradient_check
from pynet.hyperopt import NARROW_TOP, narrow_ranges, random_search
from pynet.network import MultiLayerNet

#: Seconds between progress reports.
REPORT_EVERY = 0.15


class LabError(ValueError):
    """A lab parameter is not acceptable; the message says which and why."""


class Control:
    """Throttled progress reports for one run."""

    def __init__(self) -> None:
        self.last_report = 0.0

    def progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.last_report >= REPORT_EVERY or done == total:
            self.last_report = now
            sync.lab_progress(done, total)


def _number(params: dict, key: str, low: float, high: float, cast=float):
    try:
        value = cast(params[key])
    except (KeyError, ValueError):
        raise LabError(f"{key} must be a number, got {params.get(key)!r}") from None
    if not low <= value <= high:
        raise LabError(f"{key} must be from {low:g} to {high:g}, got {value:g}")
    return value


def _seed(params: dict) -> int:
    return _number(params, "seed", 0, 2**31 - 1, int)


# -- the labs ------------------------------------------------------------------------------
def lab_gradcheck(params: dict, data, control: Control, model: bytes) -> dict:
    network32, _ = serialize.load_with_info(model)
    config = {**network32.config, "dtype": "float64"}
    network = MultiLayerNet(**config)
    network.set_state(network32.get_state())
    samples = _number(params, "samples", 1, 100, int)
    entries = None if params.get("entries") == "all" else _number(params, "entries", 1, 10**6, int)
    x, t = data["x_test"][:samples], data["t_test"][:samples]
    errors = gradient_check(network, x, t, max_entries=entries, seed=_seed(params))
    return {
        "errors": errors,
        "samples": samples,
        "entries": entries,
        "architecture": "-".join(str(n) for n in [784, *config["hidden_size_list"], 10]),
    }


def lab_optimizer_paths(params: dict, data, control: Control) -> dict:
    lrs = {name: _number(params, f"lr_{name}", 1e-6, 100) for name in experiments.BOOK_PATH_LRS}
    steps = _number(params, "steps", 1, 1000, int)
    return {
        "paths": experiments.optimizer_paths(steps=steps, lrs=lrs),
        "contours": experiments.bowl_contours(),
    }


def _smoothed_loss_curves(compare, params: dict, data, control: Control) -> dict:
    """Run ``compare_optimizers`` or ``compare_inits`` and smooth each loss curve, as the
    book's figures do."""
    curves = compare(
        data["x_train"],
        data["t_train"],
        iters=_number(params, "iters", 1, 5000, int),
        seed=_seed(params),
        on_progress=control.progress,
    )
    return {"curves": {name: experiments.smooth_curve(c) for name, c in curves.items()}}


def lab_optimizer_mnist(params: dict, data, control: Control) -> dict:
    return _smoothed_loss_curves(experiments.compare_optimizers, params, data, control)


def _init_weight(value: str) -> str | float:
    return value if value in ("xavier", "he") else _number({"weight": value}, "weight", 0, 100)


def lab_init_histograms(params: dict, data, control: Control) -> dict:
    """Activation histograms per layer: by default (``weight=book``) the book's four figures,
    each weight with its activation; else one row for the chosen weight and activation."""
    seed = _seed(params)
    if params.get("weight", "book") == "book":
        chosen = [(str(w), w, a, figure) for w, a, figure in experiments.BOOK_INIT_FIGURES]
    else:
        weight = str(params["weight"])
        chosen = [(weight, _init_weight(weight), params.get("activation", "sigmoid"), None)]
    rows = []
    for key, weight, activation, figure in chosen:
        try:
            layers = experiments.activation_histograms(weight, activation, seed=seed)
        except ValueError as exc:
            raise LabError(str(exc)) from None
        rows.append(
            {
                "key": key.removesuffix(".0"),
                "weight": weight,
                "activation": activation,
                "figure": figure,
                "layers": layers,
            }
        )
    return {"rows": rows}


def lab_init_mnist(params: dict, data, control: Control) -> dict:
    return _smoothed_loss_curves(experiments.compare_inits, params, data, control)


def lab_batchnorm(params: dict, data, control: Control) -> dict:
    count = _number(params, "scales", 1, 16, int)
    rows = experiments.batchnorm_comparison(
        data["x_train"],
        data["t_train"],
        scales=np.logspace(0, -4, count).tolist(),
        n_samples=_number(params, "samples", 100, 60000, int),
        epochs=_number(params, "epochs", 1, 100, int),
        seed=_seed(params),
        on_progress=control.progress,
    )
    return {"rows": rows}


def lab_overfit(params: dict, data, control: Control) -> dict:
    test = _number(params, "test_samples", 100, 10000, int)
    result = experiments.overfitting(
        data["x_train"],
        data["t_train"],
        data["x_test"][:test],
        data["t_test"][:test],
        n_train=_number(params, "train_samples", 50, 60000, int),
        epochs=_number(params, "epochs", 1, 1000, int),
        lr=_number(params, "lr", 1e-6, 10),
        seed=_seed(params),
        on_progress=control.progress,
    )
    return {"variants": result}


def lab_hyperparams(params: dict, data, control: Control) -> dict:
    lr_range = (_number(params, "lr_low", 1e-9, 10), _number(params, "lr_high", 1e-9, 10))
    wd_range = (_number(params, "wd_low", 1e-12, 10), _number(params, "wd_high", 1e-12, 10))
    n_trials = _number(params, "trials", 1, 1000, int)
    samples = _number(params, "samples", 100, 60000, int)
    try:
        trials = random_search(
            data["x_train"][:samples],
            data["t_train"][:samples],
            n_trials=n_trials,
            lr_range=lr_range,
            weight_decay_range=wd_range,
            epochs=_number(params, "epochs", 1, 200, int),
            seed=_seed(params),
            on_trial=lambda i, trial: control.progress(i + 1, n_trials),
        )
    except ValueError as exc:
        raise LabError(str(exc)) from None
    narrow = narrow_ranges(trials) if trials else None
    return {
        "trials": [trial.as_dict() for trial in trials],
        "narrow": narrow,
        "lr_range": lr_range,
        "wd_range": wd_range,
        "best": NARROW_TOP,
    }


LABS = {
    "gradcheck": lab_gradcheck,
    "optimizer_paths": lab_optimizer_paths,
    "optimizer_mnist": lab_optimizer_mnist,
    "init_histograms": lab_init_histograms,
    "init_mnist": lab_init_mnist,
    "batchnorm": lab_batchnorm,
    "overfit": lab_overfit,
    "hyperparams": lab_hyperparams,
}
#: Labs that train on MNIST, fetched on the first such run.
NEEDS_DATA = {"gradcheck", "optimizer_mnist", "init_mnist", "batchnorm", "overfit", "hyperparams"}


async def run(name, base_url, params_json, model=None):
    """Run lab part ``name``; JSON of ``{"result": ...}`` or ``{"error": sentence}``."""
    params = json.loads(str(params_json))
    control = Control()
    try:
        data = await site_data.mnist(str(base_url)) if name in NEEDS_DATA else None
        lab = LABS[str(name)]
        if name == "gradcheck":
            result = lab(params, data, control, bytes(model.to_py()))
        else:
            result = lab(params, data, control)
    except (LabError, serialize.ModelFileError) as exc:
        return json.dumps({"error": str(exc)})
    except site_data.SiteFileError as exc:
        return json.dumps({"failure": exc.as_failure()})
    return json.dumps({"result": result})


def ping():
    """Answer the page's watchdog: this worker is alive."""
    return True


__all__ = ["ping", "run"]
