"""Every layer's backward against central differences (float64, relative error < 1e-7)."""

import numpy as np
import pytest

from pynet.functions import cross_entropy_error, sigmoid, softmax
from pynet.gradcheck import numerical_gradient, relative_error
from pynet.layers import (
    Affine,
    BatchNormalization,
    Dropout,
    InputAffine,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

rng = np.random.default_rng(42)


def probe_loss(layer_forward, x, g):
    """A scalar L = Σ forward(x)·g whose gradient with respect to the output is g."""
    return lambda _: float(np.sum(layer_forward(x) * g))


def check_dx(layer, x, forward=None):
    forward = forward or layer.forward
    g = rng.standard_normal(forward(x).shape)
    forward(x)
    dx = layer.backward(g.copy())
    numeric = numerical_gradient(probe_loss(forward, x, g), x)
    return relative_error(dx, numeric)


def test_relu_backward_matches_numerical_gradient():
    x = rng.standard_normal((4, 5))
    x[np.abs(x) < 0.01] = 0.5  # keep away from the kink at 0
    assert check_dx(Relu(), x) < 1e-7


def test_sigmoid_backward_matches_numerical_gradient():
    assert check_dx(Sigmoid(), rng.standard_normal((4, 5))) < 1e-7


def test_tanh_backward_matches_numerical_gradient():
    assert check_dx(Tanh(), rng.standard_normal((4, 5))) < 1e-7


def test_affine_backward_matches_numerical_gradient():
    W, b = rng.standard_normal((5, 3)), rng.standard_normal(3)
    layer = Affine(W, b)
    x = rng.standard_normal((4, 5))
    g = rng.standard_normal((4, 3))
    layer.forward(x)
    dx = layer.backward(g)
    loss = probe_loss(layer.forward, x, g)
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert relative_error(layer.dW, numerical_gradient(loss, W)) < 1e-7
    assert relative_error(layer.db, numerical_gradient(loss, b)) < 1e-7


def test_affine_keeps_the_shape_of_image_input():
    layer = Affine(rng.standard_normal((12, 2)), np.zeros(2))
    x = rng.standard_normal((3, 1, 3, 4))
    layer.forward(x)
    assert layer.backward(np.ones((3, 2))).shape == (3, 1, 3, 4)


def test_input_affine_matches_affine_while_skipping_all_zero_columns():
    W, b = rng.standard_normal((6, 3)), rng.standard_normal(3)
    x = rng.standard_normal((4, 6))
    x[:, [1, 4]] = 0  # pixels that are black in every image of the batch
    g = rng.standard_normal((4, 3))
    plain, shortcut = Affine(W, b), InputAffine(W, b)
    assert np.allclose(shortcut.forward(x), plain.forward(x))
    assert shortcut.x.shape == (4, 4)  # only the active columns were multiplied
    assert shortcut.backward(g) is None  # no dX while training
    dx = plain.backward(g)
    assert np.allclose(shortcut.dW, plain.dW) and np.all(shortcut.dW[[1, 4]] == 0)
    assert np.allclose(shortcut.db, plain.db)
    shortcut.compute_dx = True
    assert np.allclose(shortcut.backward(g), dx)


def test_input_affine_backward_matches_numerical_gradient():
    W, b = rng.standard_normal((6, 3)), rng.standard_normal(3)
    layer = InputAffine(W, b)
    layer.compute_dx = True
    x = rng.standard_normal((4, 6))
    x[:, 2] = 0
    g = rng.standard_normal((4, 3))
    layer.forward(x)
    dx = layer.backward(g)
    loss = probe_loss(layer.forward, x, g)
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    layer.forward(x)
    layer.backward(g)
    assert relative_error(layer.dW, numerical_gradient(loss, W)) < 1e-7


@pytest.mark.parametrize("labels", ["indices", "one-hot"])
def test_softmax_with_loss_backward_is_y_minus_t_over_n(labels):
    x = rng.standard_normal((4, 3))
    t = np.array([0, 2, 1, 2])
    t_in = t if labels == "indices" else np.eye(3)[t]
    layer = SoftmaxWithLoss()
    layer.forward(x, t_in)
    dx = layer.backward()
    assert np.allclose(dx, (softmax(x) - np.eye(3)[t]) / 4)
    numeric = numerical_gradient(lambda _: layer.forward(x, t_in), x)
    assert relative_error(dx, numeric) < 1e-7


def test_softmax_with_loss_matches_the_books_cross_entropy():
    x = rng.standard_normal((4, 3))
    t = np.array([0, 2, 1, 2])
    assert SoftmaxWithLoss().forward(x, t) == pytest.approx(
        cross_entropy_error(softmax(x), t), rel=1e-5
    )


def test_softmax_is_stable_for_large_scores():
    y = softmax(np.array([[1000.0, 1000.0, -1000.0]]))
    assert np.allclose(y, [[0.5, 0.5, 0.0]])


def test_sigmoid_of_large_negative_input_is_zero_without_warnings():
    with np.errstate(all="raise"):
        assert sigmoid(np.array([-1000.0]))[0] == 0.0


def test_dropout_backward_matches_numerical_gradient_with_a_fixed_mask():
    layer = Dropout(0.4, rng=np.random.default_rng(0))
    x = rng.standard_normal((6, 5))

    def forward(x_):
        layer.rng = np.random.default_rng(0)  # the same mask on every call
        return layer.forward(x_, train_flg=True)

    assert check_dx(layer, x, forward) < 1e-7


def test_dropout_is_inverted_so_prediction_is_the_identity():
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    x = np.ones((1000, 100))
    assert np.array_equal(layer.forward(x, train_flg=False), x)
    train_out = layer.forward(x, train_flg=True)
    assert set(np.unique(train_out)) == {0.0, 2.0}
    assert train_out.mean() == pytest.approx(1.0, abs=0.01)


def test_dropout_rejects_a_ratio_of_one():
    with pytest.raises(ValueError, match="below 1"):
        Dropout(1.0)


@pytest.mark.parametrize("train_flg", [True, False])
def test_batchnorm_backward_matches_numerical_gradient(train_flg):
    gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
    layer = BatchNormalization(
        gamma, beta, running_mean=rng.standard_normal(5), running_var=rng.random(5) + 0.5
    )
    x = rng.standard_normal((6, 5)) * 3 + 1
    g = rng.standard_normal((6, 5))
    stats = (layer.running_mean.copy(), layer.running_var.copy())

    def forward(x_):
        layer.running_mean, layer.running_var = stats[0].copy(), stats[1].copy()
        return layer.forward(x_, train_flg)

    forward(x)
    dx = layer.backward(g)
    loss = probe_loss(forward, x, g)
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert relative_error(layer.dgamma, numerical_gradient(loss, gamma)) < 1e-7
    assert relative_error(layer.dbeta, numerical_gradient(loss, beta)) < 1e-7


def test_batchnorm_updates_running_statistics_with_momentum():
    layer = BatchNormalization(np.ones(2), np.zeros(2), momentum=0.9)
    x = np.array([[1.0, 10.0], [3.0, 30.0]])
    out = layer.forward(x, train_flg=True)
    assert np.allclose(layer.running_mean, [0.2, 2.0])  # 0.9·0 + 0.1·mean
    assert np.allclose(layer.running_var, [0.1, 10.0])
    assert np.allclose(out.mean(axis=0), 0) and np.allclose(out.std(axis=0), 1, atol=1e-5)


@pytest.mark.parametrize("layer_cls", [Relu, Sigmoid, Tanh])
def test_backward_never_modifies_dout(layer_cls):
    layer = layer_cls()
    layer.forward(rng.standard_normal((3, 4)))
    dout = rng.standard_normal((3, 4))
    before = dout.copy()
    layer.backward(dout)
    assert np.array_equal(dout, before)
