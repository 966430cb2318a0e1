"""The lessons of chapter 6's figures, checked in numbers at small sizes."""

import numpy as np
import pytest

from pynet import experiments


def test_optimizer_paths_end_where_the_books_code_ends():
    paths = experiments.optimizer_paths(steps=30)
    expected = {
        "sgd": (-0.350, 0.085),
        "momentum": (0.896, 0.088),
        "adagrad": (-0.120, 0.000),
        "adam": (0.136, 0.318),
    }
    for name, (x, y) in expected.items():
        assert (paths[name]["x"][-1], paths[name]["y"][-1]) == pytest.approx((x, y), abs=5e-4)
    assert len(paths["sgd"]["x"]) == 31


def test_sgd_zigzags_while_adagrad_ends_nearest_the_minimum():
    paths = experiments.optimizer_paths(steps=30)
    ys = np.array(paths["sgd"]["y"])
    assert np.all(np.sign(ys[1:]) == -np.sign(ys[:-1]))  # y changes sign at every step
    book = ["sgd", "momentum", "adagrad", "adam"]
    distance = {n: np.hypot(paths[n]["x"][-1], paths[n]["y"][-1]) for n in book}
    assert min(distance, key=distance.get) == "adagrad"


def test_learning_rates_can_be_changed():
    paths = experiments.optimizer_paths(steps=5, lrs={"sgd": 0.1})
    assert paths["sgd"]["lr"] == 0.1
    assert paths["sgd"]["x"][1] == pytest.approx(-7 + 0.1 * 0.7)


def test_std_one_sigmoid_saturates_while_xavier_keeps_activations_spread():
    std1 = experiments.activation_histograms(1.0, "sigmoid")
    xavier = experiments.activation_histograms("xavier", "sigmoid")
    assert all(layer["saturated"] > 0.5 for layer in std1)  # most near 0 or 1
    assert all(layer["saturated"] < 0.05 for layer in xavier)
    assert all(0.1 < layer["std"] < 0.3 for layer in xavier)
    assert sum(std1[0]["counts"]) == 1000 * 100


def test_small_std_makes_activations_collapse_to_the_middle():
    layers = experiments.activation_histograms(0.01, "sigmoid")
    assert layers[-1]["std"] < 0.02  # "limited expressiveness": every unit says ~0.5
    assert abs(layers[-1]["mean"] - 0.5) < 0.01


def test_he_init_keeps_relu_activations_alive_in_deep_layers():
    he = experiments.activation_histograms("he", "relu")
    small = experiments.activation_histograms(0.01, "relu")
    assert he[-1]["std"] > 100 * small[-1]["std"]


def test_compare_optimizers_trains_each_on_the_same_batches(mnist):
    (x, t), _ = mnist
    curves = experiments.compare_optimizers(
        x[:2000], t[:2000], iters=30, batch_size=64, hidden_size_list=[50, 50]
    )
    assert set(curves) == {"sgd", "momentum", "adagrad", "adam"}
    assert all(len(c) == 30 for c in curves.values())
    assert np.mean(curves["adam"][-5:]) < np.mean(curves["sgd"][-5:])


def test_compare_inits_he_learns_while_small_std_stalls(mnist):
    (x, t), _ = mnist
    curves = experiments.compare_inits(x[:2000], t[:2000], iters=150, hidden_size_list=[50] * 4)
    assert curves["std"][-1] == pytest.approx(np.log(10), abs=0.05)  # still guessing
    assert curves["he"][-1] < curves["xavier"][-1] < curves["std"][-1]
    assert curves["he"][-1] < 1.8


def test_batchnorm_learns_faster_at_a_bad_weight_scale(mnist):
    (x, t), _ = mnist
    rows = experiments.batchnorm_comparison(
        x, t, scales=[0.01], n_samples=500, epochs=5, hidden_size_list=[50] * 4
    )
    assert rows[0]["batchnorm"][-1] > rows[0]["plain"][-1] + 0.2


def test_regularisation_shrinks_the_overfitting_gap(mnist):
    (x, t), (xt, tt) = mnist
    result = experiments.overfitting(
        x, t, xt[:1000], tt[:1000], n_train=300, epochs=60, lr=0.05, hidden_size_list=[100] * 4
    )
    assert result["none"]["gap"] > 0.15
    assert result["weight_decay"]["gap"] < result["none"]["gap"]
    assert result["dropout"]["gap"] < result["none"]["gap"]


def test_smooth_curve_keeps_length_and_reduces_noise():
    noisy = np.sin(np.linspace(0, 3, 200)) + np.random.default_rng(0).normal(0, 0.3, 200)
    smooth = experiments.smooth_curve(noisy.tolist())
    assert len(smooth) == 200
    assert np.std(np.diff(smooth)) < np.std(np.diff(noisy)) / 3


def test_bowl_contours_lie_on_their_level():
    for line in experiments.bowl_contours(levels=(1, 4)):
        values = [experiments.bowl(x, y) for x, y in zip(line["x"], line["y"], strict=True)]
        assert values == pytest.approx([line["level"]] * len(values))
