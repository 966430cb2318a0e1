"""Each optimizer's first three steps against values computed by hand.

Every case starts from w = 1.0 with a constant gradient 0.5 and lr = 0.1; the expected
numbers come from the update formulas worked out step by step (see each test).
"""

import numpy as np
import pytest

from pynet.optimizers import OPTIMIZERS, Adam, make_optimizer


def three_steps(optimizer) -> list[float]:
    params = {"w": np.array([1.0])}
    out = []
    for _ in range(3):
        optimizer.update(params, {"w": np.array([0.5])})
        out.append(float(params["w"][0]))
    return out


def test_sgd_steps():
    # w ← w − 0.1·0.5
    assert three_steps(make_optimizer("sgd", lr=0.1)) == pytest.approx([0.95, 0.90, 0.85])


def test_momentum_steps():
    # v = −0.05, −0.095, −0.1355; w ← w + v
    assert three_steps(make_optimizer("momentum", lr=0.1)) == pytest.approx([0.95, 0.855, 0.7195])


def test_nesterov_steps():
    # v as for momentum; w ← w + 0.81·v − 1.9·0.05
    assert three_steps(make_optimizer("nesterov", lr=0.1)) == pytest.approx(
        [0.8645, 0.69255, 0.487795]
    )


def test_adagrad_steps():
    # h = 0.25, 0.5, 0.75; w ← w − 0.05/(√h + 1e-7)
    assert three_steps(make_optimizer("adagrad", lr=0.1)) == pytest.approx(
        [0.90000002, 0.82928935, 0.77155433], abs=1e-8
    )


def test_rmsprop_steps():
    # h = 0.0025, 0.004975, 0.00742525; w ← w − 0.05/(√h + 1e-7)
    assert three_steps(make_optimizer("rmsprop", lr=0.1)) == pytest.approx(
        [0.000002, -0.7088782, -1.28912661], abs=1e-7
    )


def test_adam_steps():
    # m = 0.05, 0.095, 0.1355; v = 0.00025, ...; with bias correction each step ≈ lr
    assert three_steps(make_optimizer("adam", lr=0.1)) == pytest.approx(
        [0.90000063, 0.80000108, 0.70000145], abs=1e-8
    )


def test_optimizer_state_is_inspectable():
    adam = Adam(lr=0.1)
    three_steps(adam)
    assert adam.iter == 3
    assert adam.m["w"][0] == pytest.approx(0.1355)


def test_book_defaults():
    assert make_optimizer("sgd").lr == 0.01
    assert make_optimizer("momentum").momentum == 0.9
    assert make_optimizer("adam").lr == 0.001
    assert (make_optimizer("adam").beta1, make_optimizer("adam").beta2) == (0.9, 0.999)
    assert make_optimizer("rmsprop").decay_rate == 0.99


def test_names_are_case_insensitive_and_cover_the_page():
    assert set(OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}
    assert type(make_optimizer("Adam")) is Adam


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("adamw", {}, "unknown optimizer 'adamw'; choose one of sgd, momentum"),
        ("sgd", {"lr": -0.1}, "learning rate must be a positive number, got -0.1"),
        ("sgd", {"lr": float("nan")}, "learning rate must be a positive number"),
        ("momentum", {"momentum": 1.5}, "momentum must be at least 0 and below 1, got 1.5"),
        ("sgd", {"beta1": 0.9}, "SGD has no parameter beta1; it takes lr"),
    ],
)
def test_bad_names_and_values_get_a_clear_message(name, params, message):
    with pytest.raises(ValueError, match=message):
        make_optimizer(name, **params)
