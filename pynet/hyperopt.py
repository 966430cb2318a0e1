"""Hyperparameter search (chapter 6.5): random sampling on a validation split, coarse to fine."""

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from .data import split_validation
from .network import MultiLayerNet
from .trainer import Trainer

#: The book's search ranges.
BOOK_LR_RANGE = (1e-6, 1e-2)
BOOK_WEIGHT_DECAY_RANGE = (1e-8, 1e-4)
#: How many of the best trials the coarse-to-fine step narrows the ranges around.
NARROW_TOP = 5


@dataclass
class Trial:
    """One sampled setting and how it did on the validation set."""

    lr: float
    weight_decay: float
    val_acc: float
    train_acc: float
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def _check_range(name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = map(float, bounds)
    if not (0 < low <= high and math.isfinite(high)):
        raise ValueError(f"{name} range must be two positive numbers, low ≤ high; got {bounds}")
    return low, high


def log_uniform(rng: np.random.Generator, low: float, high: float, size=None):
    """Samples spread evenly over the *orders of magnitude* between ``low`` and ``high``:
    10^u with u uniform in [log10 low, log10 high]."""
    return 10 ** rng.uniform(math.log10(low), math.log10(high), size)


def random_search(
    x: np.ndarray,
    t: np.ndarray,
    n_trials: int = 100,
    lr_range: tuple[float, float] = BOOK_LR_RANGE,
    weight_decay_range: tuple[float, float] = BOOK_WEIGHT_DECAY_RANGE,
    validation_rate: float = 0.2,
    hidden_size_list: list[int] | None = None,
    epochs: int = 50,
    mini_batch_size: int = 100,
    seed: int | None = 0,
    on_trial: Callable[[int, Trial], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Trial]:
    """Train one SGD network per sampled (learning rate, weight decay) on part of ``x`` and
    measure it on the held-out rest. Returns the trials, best validation accuracy first.

    The book's setting: 500 training images, 6 hidden layers of 100, 50 epochs, 100 trials.
    """
    lr_range = _check_range("learning rate", lr_range)
    weight_decay_range = _check_range("weight decay", weight_decay_range)
    hidden = [100] * 6 if hidden_size_list is None else hidden_size_list
    (x_train, t_train), (x_val, t_val) = split_validation(x, t, validation_rate, seed)
    rng = np.random.default_rng(seed)
    trials = []
    for i in range(n_trials):
        if should_stop and should_stop():
            break
        lr = float(log_uniform(rng, *lr_range))
        wd = float(log_uniform(rng, *weight_decay_range))
        network = MultiLayerNet(x.shape[1], hidden, 10, weight_decay_lambda=wd, seed=seed)
        trainer = Trainer(
            network,
            x_train,
            t_train,
            x_val,
            t_val,
            epochs=epochs,
            mini_batch_size=mini_batch_size,
            optimizer="sgd",
            optimizer_param={"lr": lr},
            seed=seed,
            should_stop=should_stop,
        )
        result = trainer.train()
        val_acc = result.final_test_acc if result.reason != "diverged" else 0.0
        trial = Trial(
            lr, wd, float(val_acc), float(network.accuracy(x_train, t_train)), result.reason
        )
        trials.append(trial)
        if on_trial:
            on_trial(i, trial)
    return sorted(trials, key=lambda trial: trial.val_acc, reverse=True)


def narrow_ranges(trials: list[Trial], top: int = NARROW_TOP) -> dict[str, tuple[float, float]]:
    """The coarse-to-fine step: new ranges spanning the ``top`` best trials."""
    best = sorted(trials, key=lambda trial: trial.val_acc, reverse=True)[:top]
    if not best:
        raise ValueError("there are no trials to narrow the ranges around")
    lrs = [trial.lr for trial in best]
    wds = [trial.weight_decay for trial in best]
    return {"lr": (min(lrs), max(lrs)), "weight_decay": (min(wds), max(wds))}
