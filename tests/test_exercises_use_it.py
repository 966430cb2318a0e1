"""Use it: the student's classes in a real MultiLayerNet, Trainer and optimizer lab."""

import numpy as np
import pytest

from pynet import experiments
from pynet.data import one_hot
from pynet.exercises import EXERCISES, load_solution, optimizer_in_use, student_network
from pynet.layers import BatchNormalization, Dropout
from pynet.network import MultiLayerNet
from pynet.optimizers import OPTIMIZERS, Adam
from pynet.trainer import Trainer

NETWORK = {
    "input_size": 12,
    "hidden_size_list": [10, 8],
    "output_size": 3,
    "use_batchnorm": True,
    "use_dropout": True,
    "dropout_ratio": 0.2,
    "weight_decay_lambda": 0.01,
    "dtype": "float64",
    "seed": 0,
}


def solution(name: str) -> type:
    return load_solution(name, EXERCISES[name].solution)


def synthetic_data():
    """120 points in 12 dimensions, three classes split by two of the coordinates."""
    x = np.random.default_rng(0).standard_normal((120, 12))
    t = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1)
    return x, one_hot(t, 3)


def train(network: MultiLayerNet, optimizer: str) -> list[float]:
    x, t = synthetic_data()
    trainer = Trainer(
        network,
        x,
        t,
        x[:30],
        t[:30],
        epochs=3,
        mini_batch_size=20,
        optimizer=optimizer,
        optimizer_param={"lr": 0.01},
        seed=0,
    )
    trainer.train()
    return trainer.train_loss_list


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_reference_solutions_train_exactly_as_pynet_does(activation, optimizer):
    hidden = {name: solution(name) for name in ("affine", activation, "dropout", "batchnorm")}
    pynets = train(MultiLayerNet(**NETWORK, activation=activation), optimizer)
    with optimizer_in_use(optimizer, solution(optimizer)):
        students = train(student_network(hidden, **NETWORK, activation=activation), optimizer)
    assert len(students) == 18
    np.testing.assert_allclose(students, pynets, rtol=1e-13)


def test_the_books_softmax_with_loss_changes_the_loss_shown_not_the_training():
    # The book's loss is −log(y + 1e-7), pynet's the exact −log y: the curves differ by about
    # 1e-7/y, while the gradients, (y − t)/N in both, and so the weights stay the same (the
    # biases before batch norm, whose gradient is 0, collect rounding noise of 1e-13).
    names = ("affine", "relu", "dropout", "batchnorm", "softmax_with_loss")
    student = student_network({name: solution(name) for name in names}, **NETWORK)
    pynet_network = MultiLayerNet(**NETWORK)
    np.testing.assert_allclose(train(student, "adam"), train(pynet_network, "adam"), rtol=1e-5)
    for key, value in pynet_network.params.items():
        np.testing.assert_allclose(student.params[key], value, rtol=1e-12, atol=1e-11)


def test_student_layers_hold_the_networks_arrays_and_pass_for_pynets_layers():
    names = ("affine", "batchnorm", "dropout")
    network = student_network({name: solution(name) for name in names}, **NETWORK)
    affine, batchnorm = network.layers["Affine1"], network.layers["BatchNorm1"]
    assert type(affine).__module__ == "exercise"
    assert affine.W is network.params["W1"] and batchnorm.gamma is network.params["gamma1"]
    assert isinstance(batchnorm, BatchNormalization)
    assert isinstance(network.layers["Dropout1"], Dropout)
    x, t = synthetic_data()
    assert network.accuracy(x, t) == MultiLayerNet(**NETWORK).accuracy(x, t)


def test_student_network_refuses_an_exercise_that_is_no_layer():
    with pytest.raises(ValueError, match="a network has no layer for adam"):
        student_network({"adam": solution("adam")}, **NETWORK)


def test_optimizer_lab_runs_the_students_optimizer_and_pynets_comes_back():
    pynets = experiments.optimizer_paths(steps=10)
    with optimizer_in_use("adam", solution("adam")):
        assert OPTIMIZERS["adam"] is not Adam
        students = experiments.optimizer_paths(steps=10)
    assert OPTIMIZERS["adam"] is Adam
    np.testing.assert_allclose(students["adam"]["x"], pynets["adam"]["x"], rtol=1e-12)
    with pytest.raises(RuntimeError), optimizer_in_use("adam", solution("adam")):
        raise RuntimeError("a run that fails")
    assert OPTIMIZERS["adam"] is Adam
