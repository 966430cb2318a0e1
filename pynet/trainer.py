"""``Trainer``: mini-batch training with progress callbacks, stopping and divergence checks."""

import math
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import numpy as np

from .errors import PynetError, check_positive_int
from .optimizers import make_optimizer


class TrainerArgumentError(PynetError):
    """A training setting or data set the trainer cannot use."""


def steps_per_epoch(samples: int, batch_size: int) -> int:
    """Steps in one epoch: every sample once, the last batch possibly smaller."""
    return -(-samples // batch_size)


@dataclass
class StepInfo:
    """What the trainer reports after each step (and, with accuracies, after each epoch)."""

    epoch: int
    step: int
    steps_per_epoch: int
    loss: float
    train_acc: float | None = None
    test_acc: float | None = None
    elapsed: float = 0.0


@dataclass
class TrainResult:
    """How a run ended: ``reason`` is ``"finished"``, ``"stopped"`` or ``"diverged"``."""

    reason: str
    message: str
    steps: int
    epochs: int
    final_test_acc: float | None = None
    seconds: float = 0.0
    step_seconds: float = 0.0
    history: dict = field(default_factory=dict)
    #: The loss that made a diverged run stop (NaN or far above the first), else None.
    diverged_loss: float | None = None


class Trainer:
    """Trains ``network`` with mini-batches, as the book's ``common/trainer.py`` does.

    An epoch is one shuffled pass over the training set without replacement (the last batch
    may be smaller), so every sample is seen once per epoch. After every epoch the train and
    test accuracy are measured on ``evaluate_sample_num_per_epoch`` samples (all when
    ``None``); after the run, on the whole test set.

    ``on_step(StepInfo)`` and ``on_epoch(StepInfo)`` let a UI stream progress;
    ``should_stop()`` is polled before every step (the page's Stop button), as is
    ``request_stop()``.

    A run *diverges* when the loss becomes NaN or infinite, or rises above
    ``max_loss_ratio`` times the first step's loss: the steps overshoot so far that the
    network is ruined even while the numbers stay finite (a learning rate of 1000 takes the
    loss from 2.3 to 1e12 in three steps). The run then ends with reason ``"diverged"`` and
    the weights of the last step whose loss was still sound are put back.
    """

    def __init__(
        self,
        network,
        x_train: np.ndarray,
        t_train: np.ndarray,
        x_test: np.ndarray,
        t_test: np.ndarray,
        epochs: int = 20,
        mini_batch_size: int = 100,
        optimizer: str = "sgd",
        optimizer_param: dict | None = None,
        evaluate_sample_num_per_epoch: int | None = None,
        seed: int | None = None,
        on_step: Callable[[StepInfo], None] | None = None,
        on_epoch: Callable[[StepInfo], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        max_loss_ratio: float = 100.0,
    ) -> None:
        epochs = check_positive_int("epochs", epochs, TrainerArgumentError)
        mini_batch_size = check_positive_int(
            "mini_batch_size", mini_batch_size, TrainerArgumentError
        )
        if len(x_train) != len(t_train) or len(x_test) != len(t_test):
            raise TrainerArgumentError("labels_mismatch")
        if len(x_train) == 0:
            raise TrainerArgumentError("no_training_samples")
        self.network = network
        self.x_train, self.t_train = x_train, t_train
        self.x_test, self.t_test = x_test, t_test
        self.epochs = epochs
        self.batch_size = min(mini_batch_size, len(x_train))
        self.optimizer = make_optimizer(optimizer, **(optimizer_param or {}))
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        self.rng = np.random.default_rng(seed)
        self.on_step = on_step
        self.on_epoch = on_epoch
        self.should_stop = should_stop
        self.max_loss_ratio = max_loss_ratio
        self._loss_limit = math.inf
        self._stop_requested = False
        self.steps_per_epoch = steps_per_epoch(len(x_train), self.batch_size)
        self.train_loss_list: list[float] = []
        self.train_acc_list: list[float] = []
        self.test_acc_list: list[float] = []

    def request_stop(self) -> None:
        """Ask the run to end cleanly after the current step."""
        self._stop_requested = True

    def _stopping(self) -> bool:
        return self._stop_requested or bool(self.should_stop and self.should_stop())

    def _sample_accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        n = self.evaluate_sample_num_per_epoch
        if n is not None and n < len(x):
            idx = self.rng.choice(len(x), n, replace=False)
            x, t = x[idx], t[idx]
        return self.network.accuracy(x, t)

    def train_step(self, batch_idx: np.ndarray) -> float:
        """One step on the samples ``batch_idx``: forward, backward, update; returns the loss."""
        loss, grads = self.network.loss_and_gradient(
            self.x_train[batch_idx], self.t_train[batch_idx]
        )
        if self._sound(loss):
            self._last_good = self.network.get_state()
            self.optimizer.update(self.network.params, grads)
        return loss

    def _sound(self, loss: float) -> bool:
        if self._loss_limit == math.inf and math.isfinite(loss):
            self._loss_limit = self.max_loss_ratio * loss  # set by the first step
        return math.isfinite(loss) and loss <= self._loss_limit

    def train(self) -> TrainResult:
        """Run all epochs (or until stopped or diverged) and say how the run ended."""
        steps = self.steps()
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def steps(self) -> Generator[StepInfo, None, TrainResult]:
        """The same run one step at a time: yields after every step and returns the result.

        A host that must stay responsive while it trains (the page's worker, which hears of
        a Stop click only between steps) pauses between them; ``train`` does not. Overflow
        warnings are silenced: a diverging run overflows by nature, and the trainer reports
        divergence itself, in words.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            return (yield from self._steps())

    def _steps(self) -> Generator[StepInfo, None, TrainResult]:
        start = time.perf_counter()
        step_seconds = 0.0
        self._last_good = self.network.get_state()
        step = 0
        reason, message = "finished", f"trained {self.epochs} epochs"
        diverged_loss = None
        for epoch in range(1, self.epochs + 1):
            order = self.rng.permutation(len(self.x_train))
            for i in range(self.steps_per_epoch):
                if self._stopping():
                    reason, message = "stopped", f"stopped after {step} steps"
                    break
                step_start = time.perf_counter()
                loss = self.train_step(order[i * self.batch_size : (i + 1) * self.batch_size])
                step_seconds += time.perf_counter() - step_start
                step += 1
                if not self._sound(loss):
                    self.network.set_state(self._last_good)
                    how = "far above where it started" if math.isfinite(loss) else "not a number"
                    reason, diverged_loss = "diverged", float(loss)
                    message = (
                        f"the loss became {loss:.4g} at step {step} (epoch {epoch}), {how}; "
                        "the weights are back to those of the last sound step. "
                        "Try a smaller learning rate."
                    )
                    break
                self.train_loss_list.append(loss)
                info = StepInfo(
                    epoch, step, self.steps_per_epoch, loss, elapsed=time.perf_counter() - start
                )
                if self.on_step:
                    self.on_step(info)
                yield info
            if reason != "finished":
                break
            self.train_acc_list.append(self._sample_accuracy(self.x_train, self.t_train))
            self.test_acc_list.append(self._sample_accuracy(self.x_test, self.t_test))
            if self.on_epoch:
                info = StepInfo(
                    epoch,
                    step,
                    self.steps_per_epoch,
                    self.train_loss_list[-1],
                    self.train_acc_list[-1],
                    self.test_acc_list[-1],
                    time.perf_counter() - start,
                )
                self.on_epoch(info)
        final = self.network.accuracy(self.x_test, self.t_test) if len(self.x_test) else None
        history = {
            "loss": self.train_loss_list,
            "train_acc": self.train_acc_list,
            "test_acc": self.test_acc_list,
        }
        return TrainResult(
            reason,
            message,
            step,
            len(self.train_acc_list),
            final,
            time.perf_counter() - start,
            step_seconds,
            history,
            diverged_loss,
        )
