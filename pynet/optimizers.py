"""The parameter-update rules of chapter 6.1, with the book's defaults.

Each optimizer's ``update(params, grads)`` changes ``params`` in place; its state
(velocities, squared-gradient sums, moments) is kept in plain dicts of arrays that can be
inspected, keyed like ``params``.
"""

import inspect
import math

import numpy as np

from .errors import PynetError, check_fraction, check_positive


class OptimizerConfigError(PynetError):
    """An unknown optimizer, or a parameter it does not take or cannot use."""


def _check_positive(name: str, value: float) -> float:
    return check_positive(name, value, OptimizerConfigError)


def _check_fraction(name: str, value: float) -> float:
    return check_fraction(name, value, OptimizerConfigError)


def _state(store: dict, key: str, like: np.ndarray) -> np.ndarray:
    """The optimizer state for ``key``, created as zeros shaped like the parameter on first use."""
    if key not in store:
        store[key] = np.zeros_like(like)
    return store[key]


class SGD:
    """Stochastic gradient descent: W ← W − η·∂L/∂W."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = _check_positive("lr", lr)

    def update(self, params: dict, grads: dict) -> None:
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """Momentum: v ← αv − η·∂L/∂W, then W ← W + v (a ball rolling downhill)."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = _check_positive("lr", lr)
        self.momentum = _check_fraction("momentum", momentum)
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict, grads: dict) -> None:
        for key in params:
            v = _state(self.v, key, params[key])
            v *= self.momentum
            v -= self.lr * grads[key]
            params[key] += v


class Nesterov:
    """Nesterov's accelerated gradient, in the book's form (common/optimizer.py):
    v ← αv − η·g, then W ← W + α²v − (1 + α)η·g (a look-ahead momentum step).
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = _check_positive("lr", lr)
        self.momentum = _check_fraction("momentum", momentum)
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict, grads: dict) -> None:
        a = self.momentum
        for key in params:
            v = _state(self.v, key, params[key])
            v *= a
            v -= self.lr * grads[key]
            params[key] += a * a * v
            params[key] -= (1 + a) * self.lr * grads[key]


class AdaGrad:
    """AdaGrad: h ← h + g², W ← W − η·g/(√h + 1e-7): big steps shrink for busy parameters."""

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = _check_positive("lr", lr)
        self.h: dict[str, np.ndarray] = {}

    def update(self, params: dict, grads: dict) -> None:
        for key in params:
            h = _state(self.h, key, params[key])
            h += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + 1e-7)


class RMSprop:
    """RMSprop: like AdaGrad, but h is a moving average, so old gradients are forgotten:
    h ← ρh + (1 − ρ)g², W ← W − η·g/(√h + 1e-7).
    """

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99) -> None:
        self.lr = _check_positive("lr", lr)
        self.decay_rate = _check_fraction("decay_rate", decay_rate)
        self.h: dict[str, np.ndarray] = {}

    def update(self, params: dict, grads: dict) -> None:
        for key in params:
            h = _state(self.h, key, params[key])
            h *= self.decay_rate
            h += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + 1e-7)


class Adam:
    """Adam (Kingma & Ba), in the book's form: moments m and v, with the bias correction
    folded into the step size lr_t = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ); W ← W − lr_t·m/(√v + 1e-7).
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999) -> None:
        self.lr = _check_positive("lr", lr)
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.iter = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def update(self, params: dict, grads: dict) -> None:
        self.iter += 1
        lr_t = self.lr * math.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params:
            m = _state(self.m, key, params[key])
            v = _state(self.v, key, params[key])
            g = grads[key]
            m += (1 - self.beta1) * (g - m)
            v += (1 - self.beta2) * (g * g - v)
            params[key] -= lr_t * m / (np.sqrt(v) + 1e-7)


#: Every optimizer by the name the page, the CLI and ``make_optimizer`` use.
OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def make_optimizer(name: str, **params: float):
    """The optimizer called ``name`` (case-insensitive), built with ``params``.

    Raises ``OptimizerConfigError`` for an unknown name, an unknown parameter, or a bad value.
    """
    cls = OPTIMIZERS.get(name.lower()) if isinstance(name, str) else None
    if cls is None:
        raise OptimizerConfigError("unknown_optimizer", value=name, choices=list(OPTIMIZERS))
    allowed = list(inspect.signature(cls).parameters)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise OptimizerConfigError(
            "unknown_optimizer_params", optimizer=cls.__name__, names=unknown, allowed=allowed
        )
    return cls(**params)
