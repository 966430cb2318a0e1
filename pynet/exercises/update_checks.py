"""Checks of what works on the ``params`` and ``grads`` dicts: the optimizers, step by step
against pynet's, and weight decay against ½λΣW² and its numerical gradient."""

import numpy as np

from ..gradcheck import numerical_gradient, relative_error
from ..optimizers import OPTIMIZERS
from .report import SEED, TOLERANCE, Report, as_array

#: The hyperparameters each optimizer is checked with: larger steps than the defaults, so
#: that every update moves visibly.
SETTINGS = {
    "sgd": {"lr": 0.1},
    "momentum": {"lr": 0.1, "momentum": 0.9},
    "nesterov": {"lr": 0.1, "momentum": 0.9},
    "adagrad": {"lr": 0.1},
    "rmsprop": {"lr": 0.1, "decay_rate": 0.9},
    "adam": {"lr": 0.1, "beta1": 0.9, "beta2": 0.999},
}

#: The optimizers that divide by the root of squared gradients, where 1e-7 avoids 0/0.
DIVIDING = {"adagrad", "rmsprop", "adam"}

#: Updates per check: enough for the velocities and moments to matter.
STEPS = 3


def _copy(arrays: dict) -> dict:
    return {key: value.copy() for key, value in arrays.items()}


def _problem(rng: np.random.Generator) -> tuple[dict, list[dict]]:
    """Parameters and the gradients of each step; b1[0]'s gradient is always 0, as for
    the bias of a unit that never fires."""
    params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(2)}
    steps = [
        {key: rng.standard_normal(value.shape) for key, value in params.items()}
        for _ in range(STEPS)
    ]
    for grads in steps:
        grads["b1"][0] = 0.0
    return params, steps


def check_optimizer(name: str, cls: type, report: Report) -> None:
    """Run the student's optimizer and pynet's side by side for ``STEPS`` updates and
    compare every step, key by key; the arrays must be changed in place."""
    start, steps = _problem(np.random.default_rng(SEED))
    reference = OPTIMIZERS[name](**SETTINGS[name])
    optimizer = cls(**SETTINGS[name])
    expected, params = _copy(start), _copy(start)
    originals = dict(params)
    for grads in steps:
        expected_before, before = _copy(expected), _copy(params)
        reference.update(expected, _copy(grads))
        given = _copy(grads)
        optimizer.update(params, given)
        report.unchanged("grads", "update", grads, given)
        for key in start:
            expected_step = expected[key] - expected_before[key]
            _compare_step(name, key, params.get(key), before[key], expected_step, report)
        in_place = all(params.get(key) is originals[key] for key in start)
        if not report.check("in_place").verify(in_place):
            report.mistake("update_not_in_place")
    for key in start:
        report.add_diff(key, params.get(key), expected[key])


def _compare_step(name, key, after, before, expected_step, report: Report) -> None:
    after = as_array(after)
    check = report.check("update", name=key)
    if after is None or after.shape != before.shape:
        check.compare(after, expected_step)  # records what was wrong with it
        return
    step = after - before
    if check.compare(step, expected_step) or name not in DIVIDING:
        return
    # Without the 1e-7, a parameter whose gradient has always been 0 becomes 0/0 = NaN, and
    # only such a parameter: the others stay finite.
    broken = ~np.isfinite(step)
    if broken.any() and np.array_equal(broken, expected_step == 0):
        report.mistake("missing_epsilon")


# -- weight decay -----------------------------------------------------------------------------
#: The λ weight decay is checked with.
WEIGHT_DECAY_LAMBDA = 0.1


def _penalty(params: dict) -> float:
    """½λΣW² over the weights (the keys starting with W), as MultiLayerNet adds to its loss."""
    squares = sum(float(np.sum(value**2)) for key, value in params.items() if key[0] == "W")
    return 0.5 * WEIGHT_DECAY_LAMBDA * squares


def check_weight_decay(cls: type, report: Report) -> None:
    """The penalty against ½λΣW², and each gradient against the upstream gradient plus the
    penalty's numerical gradient; neither dict may be written into."""
    rng = np.random.default_rng(SEED)
    shapes = {"W1": (3, 2), "b1": (2,), "W2": (2, 2), "b2": (2,)}
    params = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
    grads = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
    decay = cls(weight_decay_lambda=WEIGHT_DECAY_LAMBDA)

    given_params = _copy(params)
    penalty = decay.loss(given_params)
    report.unchanged("params", "loss", params, given_params)
    if not report.check("penalty").compare(penalty, _penalty(params)):
        got = as_array(penalty)
        if got is not None and relative_error(got, 2 * _penalty(params)) < TOLERANCE:
            report.mistake("missing_half")

    given_params, given_grads = _copy(params), _copy(grads)
    decayed = decay.gradient(given_params, given_grads)
    report.unchanged("params", "gradient", params, given_params)
    report.unchanged("grads", "gradient", grads, given_grads)
    probe = _copy(params)
    for key in shapes:
        got = decayed.get(key) if isinstance(decayed, dict) else decayed
        truth = grads[key] + numerical_gradient(lambda _: _penalty(probe), probe[key])
        report.add_diff(key, got, truth)
        if report.check("gradient", name=key).compare(got, truth) or key[0] == "W":
            continue
        got = as_array(got)
        on_bias = grads[key] + WEIGHT_DECAY_LAMBDA * params[key]
        if got is not None and got.shape == on_bias.shape:
            if relative_error(got, on_bias) < TOLERANCE:
                report.mistake("decay_on_bias")
