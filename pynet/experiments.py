"""The experiments of chapter 6 as functions that return plain data (lists and numbers).

Nothing here plots: the page and the command line draw the results. Every size is an
argument, so the browser can run a small version in seconds and the book's full version is
one call away; every function takes a ``seed`` so results reproduce. The long ones accept
``on_progress(done, total)`` and ``should_stop()`` for a UI.
"""

import math
from collections.abc import Callable

import numpy as np

from .data import subset
from .functions import relu, sigmoid
from .hyperopt import random_search
from .initializers import init_std
from .network import MultiLayerNet
from .optimizers import make_optimizer
from .trainer import Trainer

Progress = Callable[[int, int], None] | None
Stop = Callable[[], bool] | None


# -- 6.1.7: optimizers on f(x, y) = x²/20 + y² ------------------------------------------------
#: The learning rates the book's figure 6-8 uses (Nesterov and RMSprop: ours).
BOOK_PATH_LRS = {
    "sgd": 0.95,
    "momentum": 0.1,
    "nesterov": 0.1,
    "adagrad": 1.5,
    "rmsprop": 0.3,
    "adam": 0.3,
}


def bowl(x: float, y: float) -> float:
    """The book's test function f(x, y) = x²/20 + y²: a long, shallow valley."""
    return x**2 / 20.0 + y**2


def bowl_contours(levels: tuple[float, ...] = (0.5, 1, 2, 4, 8), points: int = 73) -> list[dict]:
    """Contour lines of ``bowl`` for a plot: f = c is the ellipse x = √(20c)·cos θ,
    y = √c·sin θ. Returns ``[{"level": c, "x": [...], "y": [...]}, ...]``."""
    theta = np.linspace(0, 2 * np.pi, points)
    return [
        {
            "level": c,
            "x": (np.sqrt(20 * c) * np.cos(theta)).tolist(),
            "y": (np.sqrt(c) * np.sin(theta)).tolist(),
        }
        for c in levels
    ]


def optimizer_paths(
    steps: int = 30,
    lrs: dict[str, float] | None = None,
    start: tuple[float, float] = (-7.0, 2.0),
) -> dict[str, dict]:
    """Each optimizer's path down ``bowl`` from ``start``, as in figure 6-8.

    Returns ``{name: {"lr": lr, "x": [...], "y": [...]}}`` with ``steps + 1`` points: the
    start and the position after each update. The last point is where the book's
    ``params`` end after its loop of ``steps`` updates.
    """
    lrs = {**BOOK_PATH_LRS, **(lrs or {})}
    paths = {}
    for name, lr in lrs.items():
        optimizer = make_optimizer(name, lr=lr)
        params = {"x": np.array(start[0]), "y": np.array(start[1])}
        xs, ys = [float(start[0])], [float(start[1])]
        for _ in range(steps):
            optimizer.update(params, {"x": params["x"] / 10.0, "y": 2.0 * params["y"]})
            xs.append(float(params["x"]))
            ys.append(float(params["y"]))
        paths[name] = {"lr": lr, "x": xs, "y": ys}
    return paths


# -- 6.2.2: activation distributions --------------------------------------------------------
_ACTIVATION_FUNCTIONS = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": relu}

#: The book's activation-distribution figures, each initial weight with the activation it
#: suits (or fails): (weight std, activation, figure). std 1 saturates sigmoid (6-10), std
#: 0.01 collapses it to 0.5 (6-11), Xavier keeps it spread (6-13), as He does for ReLU (6-14).
BOOK_INIT_FIGURES = (
    (1.0, "sigmoid", "6-10"),
    (0.01, "sigmoid", "6-11"),
    ("xavier", "sigmoid", "6-13"),
    ("he", "relu", "6-14"),
)


def activation_histograms(
    weight_init: str | float = 1.0,
    activation: str = "sigmoid",
    n_samples: int = 1000,
    node_num: int = 100,
    hidden_layer_size: int = 5,
    bins: int = 30,
    seed: int | None = 0,
) -> list[dict]:
    """Figure 6-10 to 6-14: random input through ``hidden_layer_size`` layers of
    ``node_num`` units with weights of the given std; per layer, a histogram of activations.

    Returns one dict per layer: ``counts``, ``edges`` (range 0..1 for sigmoid and ReLU, as in
    the book, −1..1 for tanh), ``mean``, ``std``, ``saturated`` (share within 0.05 of either
    end of the range, where sigmoid's gradient vanishes) and ``near_zero`` (share below 0.05
    in magnitude).
    """
    if activation not in _ACTIVATION_FUNCTIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(_ACTIVATION_FUNCTIONS)}"
        )
    rng = np.random.default_rng(seed)
    std = init_std(weight_init, node_num)
    low = -1.0 if activation == "tanh" else 0.0
    a = rng.standard_normal((n_samples, node_num))
    layers = []
    for _ in range(hidden_layer_size):
        w = rng.standard_normal((node_num, node_num)) * std
        a = _ACTIVATION_FUNCTIONS[activation](a @ w)
        counts, edges = np.histogram(a, bins=bins, range=(low, 1.0))
        layers.append(
            {
                "counts": counts.tolist(),
                "edges": edges.tolist(),
                "mean": float(a.mean()),
                "std": float(a.std()),
                "saturated": float(np.mean((a < low + 0.05) | (a > 0.95))),
                "near_zero": float(np.mean(np.abs(a) < 0.05)),
            }
        )
    return layers


# -- training comparisons (6.1.8, 6.2.4) ----------------------------------------------------
def smooth_curve(values: list[float], window: int = 11) -> list[float]:
    """The book's ``smooth_curve``: a Kaiser-window moving average, for noisy loss curves."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < window:
        return values.tolist()
    w = np.kaiser(window, 2)
    padded = np.r_[values[window - 1 : 0 : -1], values, values[-1:-window:-1]]
    smoothed = np.convolve(w / w.sum(), padded, mode="valid")
    return smoothed[window // 2 : window // 2 + len(values)].tolist()


def _loss_curves(
    networks: dict[str, MultiLayerNet],
    optimizers: dict[str, object],
    x: np.ndarray,
    t: np.ndarray,
    iters: int,
    batch_size: int,
    seed: int | None,
    on_progress: Progress,
    should_stop: Stop,
) -> dict[str, list[float]]:
    """Train every network on the *same* random mini-batches; each one's loss per step."""
    rng = np.random.default_rng(seed)
    losses = {name: [] for name in networks}
    for i in range(iters):
        if should_stop and should_stop():
            break
        batch = rng.choice(len(x), batch_size)
        for name, network in networks.items():
            loss, grads = network.loss_and_gradient(x[batch], t[batch])
            if math.isfinite(loss):
                optimizers[name].update(network.params, grads)
            losses[name].append(float(loss))
        if on_progress:
            on_progress(i + 1, iters)
    return losses


#: The optimizers and learning rates of the book's figure 6-9.
BOOK_MNIST_OPTIMIZERS = {"sgd": 0.01, "momentum": 0.01, "adagrad": 0.01, "adam": 0.001}


def compare_optimizers(
    x: np.ndarray,
    t: np.ndarray,
    optimizers: dict[str, float] | None = None,
    iters: int = 2000,
    batch_size: int = 128,
    hidden_size_list: list[int] | None = None,
    seed: int | None = 0,
    on_progress: Progress = None,
    should_stop: Stop = None,
) -> dict[str, list[float]]:
    """Figure 6-9: the loss per step of one 5-layer ReLU network per optimizer (name → lr)."""
    optimizers = optimizers or BOOK_MNIST_OPTIMIZERS
    hidden = [100] * 4 if hidden_size_list is None else hidden_size_list
    networks = {name: MultiLayerNet(x.shape[1], hidden, 10, seed=seed) for name in optimizers}
    updaters = {name: make_optimizer(name, lr=lr) for name, lr in optimizers.items()}
    return _loss_curves(networks, updaters, x, t, iters, batch_size, seed, on_progress, should_stop)


#: The initial weights of the book's figure 6-15.
BOOK_INITS = {"std": 0.01, "xavier": "xavier", "he": "he"}


def compare_inits(
    x: np.ndarray,
    t: np.ndarray,
    inits: dict[str, str | float] | None = None,
    iters: int = 2000,
    batch_size: int = 128,
    lr: float = 0.01,
    hidden_size_list: list[int] | None = None,
    seed: int | None = 0,
    on_progress: Progress = None,
    should_stop: Stop = None,
) -> dict[str, list[float]]:
    """Figure 6-15: SGD loss per step of a 5-layer ReLU network for each initial weight std."""
    inits = inits or BOOK_INITS
    hidden = [100] * 4 if hidden_size_list is None else hidden_size_list
    networks = {
        name: MultiLayerNet(x.shape[1], hidden, 10, weight_init_std=std, seed=seed)
        for name, std in inits.items()
    }
    updaters = {name: make_optimizer("sgd", lr=lr) for name in inits}
    return _loss_curves(networks, updaters, x, t, iters, batch_size, seed, on_progress, should_stop)


# -- 6.3.2: batch normalization -------------------------------------------------------------
def batchnorm_comparison(
    x: np.ndarray,
    t: np.ndarray,
    scales: list[float] | None = None,
    n_samples: int = 1000,
    epochs: int = 20,
    batch_size: int = 100,
    lr: float = 0.01,
    hidden_size_list: list[int] | None = None,
    seed: int | None = 0,
    on_progress: Progress = None,
    should_stop: Stop = None,
) -> list[dict]:
    """Figure 6-18: training accuracy per epoch with and without batch norm, for each initial
    weight std (book: 16 scales from 1 to 1e-4 on 1,000 samples, 6-layer net, SGD 0.01).

    Returns ``[{"scale": s, "batchnorm": [acc, ...], "plain": [acc, ...]}, ...]`` with
    ``batchnorm_reason`` and ``plain_reason`` saying how each run ended (a plain network at
    a large scale diverges: its loss explodes, and its curve stops there).
    """
    scales = np.logspace(0, -4, 16).tolist() if scales is None else scales
    hidden = [100] * 5 if hidden_size_list is None else hidden_size_list
    x, t = subset(x, t, n_samples, seed)
    results = []
    for i, scale in enumerate(scales):
        row = {"scale": float(scale)}
        for key, use_bn in (("batchnorm", True), ("plain", False)):
            network = MultiLayerNet(
                x.shape[1], hidden, 10, weight_init_std=scale, use_batchnorm=use_bn, seed=seed
            )
            trainer = Trainer(
                network,
                x,
                t,
                x[:0],
                t[:0],
                epochs=epochs,
                mini_batch_size=batch_size,
                optimizer="sgd",
                optimizer_param={"lr": lr},
                seed=seed,
                should_stop=should_stop,
            )
            row[f"{key}_reason"] = trainer.train().reason
            row[key] = trainer.train_acc_list
        results.append(row)
        if on_progress:
            on_progress(i + 1, len(scales))
        if should_stop and should_stop():
            break
    return results


# -- 6.4: overfitting, weight decay, dropout ------------------------------------------------
#: The three networks of figures 6-21, 6-21 and 6-23: plain, λ = 0.1, dropout 0.2.
OVERFIT_VARIANTS = {
    "none": {},
    "weight_decay": {"weight_decay_lambda": 0.1},
    "dropout": {"use_dropout": True, "dropout_ratio": 0.2},
}


def overfitting(
    x_train: np.ndarray,
    t_train: np.ndarray,
    x_test: np.ndarray,
    t_test: np.ndarray,
    n_train: int = 300,
    epochs: int = 201,
    lr: float = 0.01,
    hidden_size_list: list[int] | None = None,
    variants: dict[str, dict] | None = None,
    seed: int | None = 0,
    on_progress: Progress = None,
    should_stop: Stop = None,
) -> dict[str, dict]:
    """Figures 6-20 to 6-23: a 7-layer network on only ``n_train`` images, as is and with
    each regulariser. Returns per variant the ``train_acc`` and ``test_acc`` per epoch and
    the final ``gap`` between them: the overfitting the regularisers shrink. Progress is
    reported per epoch, over all variants."""
    variants = OVERFIT_VARIANTS if variants is None else variants
    hidden = [100] * 6 if hidden_size_list is None else hidden_size_list
    x_small, t_small = subset(x_train, t_train, n_train, seed)
    total = epochs * len(variants)
    results = {}
    for i, (name, options) in enumerate(variants.items()):
        network = MultiLayerNet(x_train.shape[1], hidden, 10, seed=seed, **options)

        def on_epoch(info, done=i * epochs):
            if on_progress:
                on_progress(done + info.epoch, total)

        trainer = Trainer(
            network,
            x_small,
            t_small,
            x_test,
            t_test,
            epochs=epochs,
            mini_batch_size=100,
            optimizer="sgd",
            optimizer_param={"lr": lr},
            seed=seed,
            on_epoch=on_epoch,
            should_stop=should_stop,
        )
        trainer.train()
        train_acc, test_acc = trainer.train_acc_list, trainer.test_acc_list
        results[name] = {
            "train_acc": train_acc,
            "test_acc": test_acc,
            "gap": train_acc[-1] - test_acc[-1] if train_acc else None,
        }
    return results


# -- 6.5: hyperparameter search -------------------------------------------------------------
def hyperparameter_search(
    x: np.ndarray, t: np.ndarray, n_train: int = 500, **options
) -> list[dict]:
    """Figure 6-24: random search over learning rate and weight decay on the first
    ``n_train`` training images; trials as dicts, best first (see ``pynet.hyperopt``)."""
    return [trial.as_dict() for trial in random_search(x[:n_train], t[:n_train], **options)]
