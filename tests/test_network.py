import numpy as np
import pytest

from pynet.gradcheck import gradient_check
from pynet.initializers import init_std
from pynet.network import MultiLayerNet

rng = np.random.default_rng(0)
X = rng.standard_normal((6, 8))
T = np.array([0, 1, 2, 1, 0, 2])


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"activation": "sigmoid", "weight_init_std": "xavier"},
        {"activation": "tanh"},
        {"weight_decay_lambda": 0.1},
        {"use_batchnorm": True},
        {
            "use_batchnorm": True,
            "weight_decay_lambda": 0.1,
            "use_dropout": True,
            "dropout_ratio": 0.3,
        },
    ],
)
def test_network_backprop_matches_numerical_gradient(options):
    network = MultiLayerNet(8, [7, 6], 3, dtype="float64", seed=3, **options)
    errors = gradient_check(network, X, T)
    assert set(errors) == set(network.params)
    assert max(errors.values()) < 1e-7, errors


def test_layers_are_in_the_books_order():
    network = MultiLayerNet(8, [7, 6], 3, use_batchnorm=True, use_dropout=True)
    assert list(network.layers) == [
        "Affine1",
        "BatchNorm1",
        "Relu1",
        "Dropout1",
        "Affine2",
        "BatchNorm2",
        "Relu2",
        "Dropout2",
        "Affine3",
    ]
    assert list(network.params) == [
        "W1",
        "b1",
        "W2",
        "b2",
        "W3",
        "b3",
        "gamma1",
        "beta1",
        "gamma2",
        "beta2",
    ]


def test_weight_decay_adds_half_lambda_sum_of_squares():
    network = MultiLayerNet(8, [5], 3, weight_decay_lambda=0.5, dtype="float64", seed=0)
    plain = MultiLayerNet(8, [5], 3, dtype="float64", seed=0)
    penalty = 0.25 * (np.sum(network.params["W1"] ** 2) + np.sum(network.params["W2"] ** 2))
    assert network.loss(X, T) == pytest.approx(plain.loss(X, T) + penalty)


def test_init_stds_by_name():
    assert init_std("he", 50) == pytest.approx(0.2)
    assert init_std("relu", 50) == pytest.approx(0.2)
    assert init_std("xavier", 100) == pytest.approx(0.1)
    assert init_std("sigmoid", 100) == pytest.approx(0.1)
    assert init_std("std", 100) == 0.01
    assert init_std(0.05, 100) == 0.05


def test_zeros_init_makes_every_hidden_unit_learn_the_same():
    network = MultiLayerNet(8, [4], 3, weight_init_std="zeros", dtype="float64")
    grads = network.gradient(X, T)
    assert np.all(network.params["W1"] == 0)
    assert np.allclose(grads["W2"], grads["W2"][0])  # all rows equal: the symmetry problem


def test_network_trains_in_float32_by_default():
    network = MultiLayerNet(8, [5], 3, seed=0)
    assert network.params["W1"].dtype == np.float32
    assert network.predict(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in network.gradient(X, T).values())


def test_uint8_pixels_are_scaled_to_zero_one():
    network = MultiLayerNet(4, [3], 2, dtype="float64", seed=0)
    pixels = np.array([[0, 255, 51, 102]], dtype=np.uint8)
    assert np.allclose(network.predict(pixels), network.predict(np.array([[0, 1, 0.2, 0.4]])))


def test_same_seed_gives_the_same_network():
    a = MultiLayerNet(8, [5], 3, seed=7)
    b = MultiLayerNet(8, [5], 3, seed=7)
    assert np.array_equal(a.params["W1"], b.params["W1"])


def test_accuracy_counts_correct_predictions():
    network = MultiLayerNet(8, [5], 3, seed=0)
    predicted = network.predict(X).argmax(axis=1)
    assert network.accuracy(X, predicted) == 1.0
    assert network.accuracy(X, np.eye(3)[predicted]) == 1.0
    assert network.accuracy(X, (predicted + 1) % 3) == 0.0


def test_backward_trace_has_one_record_per_layer_with_true_gradients():
    network = MultiLayerNet(8, [7], 3, use_batchnorm=True, dtype="float64", seed=1)
    trace = network.backward_trace(X, T, train_flg=True)
    names = [r["name"] for r in trace["layers"]]
    assert names == ["Affine1", "BatchNorm1", "Relu1", "Affine2", "SoftmaxWithLoss"]
    assert trace["loss"] == pytest.approx(network.loss(X, T, train_flg=True))
    grads = network.gradient(X, T)
    by_name = {r["name"]: r for r in trace["layers"]}
    assert np.allclose(by_name["Affine1"]["dW"], grads["W1"])
    assert np.allclose(by_name["BatchNorm1"]["dgamma"], grads["gamma1"])
    assert by_name["Affine1"]["grad_input"].shape == X.shape  # dL/dx of the input itself
    assert np.allclose(by_name["SoftmaxWithLoss"]["output"].sum(axis=1), 1)
    # each layer's grad_input is what the layer below receives as its dout
    assert by_name["Relu1"]["grad_input"].shape == by_name["BatchNorm1"]["output"].shape


def test_input_gradient_from_the_trace_matches_numerical_gradient():
    network = MultiLayerNet(8, [7], 3, dtype="float64", seed=1)
    x = X[:1].copy()
    dx = network.backward_trace(x, [2])["layers"][0]["grad_input"]
    from pynet.gradcheck import numerical_gradient, relative_error

    numeric = numerical_gradient(lambda _: network.loss(x, [2]), x)
    assert relative_error(dx, numeric) < 1e-7
    assert network.layers["Affine1"].compute_dx is False  # training stays fast afterwards


def test_state_round_trip_includes_batchnorm_running_statistics():
    network = MultiLayerNet(8, [5], 3, use_batchnorm=True, seed=0)
    network.loss(X, T, train_flg=True)
    state = network.get_state()
    assert "running_mean1" in state and "running_var1" in state
    other = MultiLayerNet(8, [5], 3, use_batchnorm=True, seed=1)
    other.set_state(state)
    assert np.array_equal(other.predict(X), network.predict(X))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"hidden_size_list": [0]}, "hidden layer size must be a positive whole number, got 0"),
        ({"activation": "softplus"}, "unknown activation 'softplus'"),
        ({"weight_init_std": "lecun"}, "unknown weight init 'lecun'"),
        ({"weight_init_std": -1.0}, "weight init std must be a non-negative number"),
        ({"weight_decay_lambda": -0.1}, "weight decay must be 0 or a positive number"),
        (
            {"use_dropout": True, "dropout_ratio": 1.0},
            "dropout ratio must be at least 0 and below 1",
        ),
        ({"dtype": "float16"}, "dtype must be float32 or float64"),
    ],
)
def test_invalid_hyperparameters_get_a_clear_message(options, message):
    kwargs = {"input_size": 8, "hidden_size_list": [5], "output_size": 3, **options}
    with pytest.raises(ValueError, match=message):
        MultiLayerNet(**kwargs)


def test_a_spot_check_of_some_entries_agrees_with_the_full_check():
    network = MultiLayerNet(8, [7, 6], 3, dtype="float64", use_batchnorm=True, seed=3)
    full = gradient_check(network, X, T)
    spot = gradient_check(network, X, T, max_entries=5)
    assert set(spot) == set(full)
    assert max(spot.values()) < 1e-7
