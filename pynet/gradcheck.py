"""Gradient checking (chapter 5.6.3): backprop against central differences."""

from collections.abc import Callable

import numpy as np

from .layers import Dropout


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """∂f/∂x by central differences (f(x + h) − f(x − h)) / 2h, one element at a time.

    ``x`` is changed in place and restored, as in the book, so ``f`` may read it through
    a network's layers. Use float64: in float32 the differences drown in rounding.
    """
    return numerical_gradient_at(f, x, list(np.ndindex(x.shape)), h).reshape(x.shape)


def numerical_gradient_at(
    f: Callable[[np.ndarray], float], x: np.ndarray, indices: list[tuple], h: float = 1e-5
) -> np.ndarray:
    """Central differences of ``f`` at the given entries of ``x`` only (a spot check)."""
    out = np.empty(len(indices))
    for n, idx in enumerate(indices):
        original = x[idx].copy()
        x[idx] = original + h
        f_plus = f(x)
        x[idx] = original - h
        f_minus = f(x)
        x[idx] = original
        out[n] = (f_plus - f_minus) / (2 * h)
    return out


#: Below this size a gradient is compared absolutely. Central differences of a loss near 1
#: with h = 1e-5 carry rounding noise of about 1e-11 (machine epsilon · loss / h), so a
#: gradient that is truly zero (a bias just before batch norm) would otherwise show a
#: "relative error" near 1; against 1e-3 that noise reads as 1e-8, well under the 1e-7 bar.
GRADIENT_FLOOR = 1e-3


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """max |analytic − numeric| relative to the largest magnitude of either gradient."""
    scale = max(float(np.max(np.abs(analytic))), float(np.max(np.abs(numeric))), GRADIENT_FLOOR)
    return float(np.max(np.abs(analytic - numeric))) / scale


def gradient_check(
    network,
    x: np.ndarray,
    t: np.ndarray,
    mask_seed: int = 0,
    max_entries: int | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """For each parameter of ``network``, the relative error of backprop's gradient.

    Dropout masks are drawn from ``mask_seed`` and held fixed, so both gradients see the
    same network. Build the network with ``dtype="float64"`` for meaningful errors (below
    1e-7). A ReLU input lying within 1e-5 of 0 (a kink) legitimately gives a large error.

    ``max_entries`` spot-checks that many randomly chosen entries of each parameter instead
    of all of them (784×50 weights take 78,400 forward passes; 50 entries take 100).
    """
    dropouts = [layer for layer in network.layers.values() if isinstance(layer, Dropout)]
    rngs = [layer.rng for layer in dropouts]
    pick = np.random.default_rng(seed)
    errors = {}
    try:
        for layer in dropouts:
            layer.rng = _ReplayingRng(mask_seed)
        analytic = network.gradient(x, t)
        for key, param in network.params.items():
            if max_entries is None or max_entries >= param.size:
                indices = list(np.ndindex(param.shape))
            else:
                flat = pick.choice(param.size, max_entries, replace=False)
                indices = [np.unravel_index(i, param.shape) for i in flat]
            numeric = numerical_gradient_at(
                lambda _: network.loss(x, t, train_flg=True), param, indices
            )
            errors[key] = relative_error(np.array([analytic[key][i] for i in indices]), numeric)
    finally:
        for layer, rng in zip(dropouts, rngs, strict=True):
            layer.rng = rng
    return errors


class _ReplayingRng:
    """A stand-in generator that returns the same random numbers on every call, so a
    dropout layer draws the same mask in every forward pass of a gradient check."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def random(self, shape, dtype=np.float64):
        return np.random.default_rng(self.seed).random(shape, dtype=dtype)
