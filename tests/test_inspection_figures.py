import json

import numpy as np
import pytest

from pynet import inspection
from pynet.functions import softmax
from pynet.network import MultiLayerNet


@pytest.fixture(scope="module")
def network() -> MultiLayerNet:
    return MultiLayerNet(20, [16, 16], 10, dtype="float64", seed=0)


@pytest.fixture(scope="module")
def batch() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.random((300, 20)), rng.integers(0, 10, 300)


def test_matrix_json_gives_shape_and_nested_lists():
    assert inspection.matrix_json(np.arange(6.0).reshape(2, 3)) == {
        "shape": [2, 3],
        "values": [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]],
    }
    assert inspection.matrix_json(2.2) == {"shape": [], "values": 2.2}
    assert inspection.matrix_json(np.array([True, False])) == {
        "shape": [2],
        "values": [True, False],
    }


def test_confusion_matrix_counts_every_example_once_with_the_correct_on_its_diagonal(
    network, batch
):
    x, t = batch
    counts = np.array(inspection.confusion_matrix(network, x, t))
    assert counts.shape == (10, 10)
    assert counts.sum() == 300
    assert np.trace(counts) == round(network.accuracy(x, t) * 300)


def test_confusion_matrix_rows_are_true_labels_and_columns_guesses(network, batch):
    x, _ = batch
    guesses = np.argmax(network.predict(x[:5]), axis=1)
    counts = np.array(inspection.confusion_matrix(network, x[:5], np.full(5, 3)))
    assert counts[3].sum() == 5 and counts.sum() == 5  # every example's true class is 3
    assert counts[3].tolist() == np.bincount(guesses, minlength=10).tolist()


def test_confusion_matrix_takes_one_hot_labels_too(network, batch):
    x, t = batch
    one_hot = np.eye(10)[t]
    assert inspection.confusion_matrix(network, x, one_hot) == inspection.confusion_matrix(
        network, x, t
    )


def test_misclassified_lists_the_first_mistakes_with_the_probability_of_the_guess(network, batch):
    x, t = batch
    probs = softmax(network.predict(x))
    wrong = np.flatnonzero(probs.argmax(axis=1) != t)
    mistakes = inspection.misclassified(network, x, t, limit=4)
    assert [m["index"] for m in mistakes] == wrong[:4].tolist()
    first = mistakes[0]
    assert first["label"] == t[first["index"]]
    assert first["guess"] == probs[first["index"]].argmax() != first["label"]
    assert first["prob"] == pytest.approx(probs[first["index"]].max())
    assert len(inspection.misclassified(network, x, t, limit=1000)) == len(wrong)


def test_layer_histograms_share_their_bin_edges_across_layers(network, batch):
    x, t = batch
    trace = network.backward_trace(x[:50], t[:50])
    figures = inspection.layer_histograms(trace, bins=10)
    for part in ("activations", "gradients"):
        layers = figures[part]["layers"]
        assert [layer["name"] for layer in layers] == ["Relu1", "Relu2"]  # hidden activations
        assert len(figures[part]["edges"]) == 11
        assert all(layer["edges"] == figures[part]["edges"] for layer in layers)
        assert all(sum(layer["counts"]) == 50 * 16 for layer in layers)
    low, high = figures["activations"]["edges"][0], figures["activations"]["edges"][-1]
    outputs = [record["output"] for record in trace["layers"][:6] if "Relu" in record["name"]]
    assert low == min(o.min() for o in outputs) and high == max(o.max() for o in outputs)


def test_layer_histograms_count_what_describe_would_on_the_shared_edges(network, batch):
    x, t = batch
    trace = network.backward_trace(x[:50], t[:50])
    relu2 = next(r for r in trace["layers"] if r["name"] == "Relu2")
    figure = inspection.layer_histograms(trace, layers=["Relu2"], bins=5, value_range=(0, 1))
    (layer,) = figure["activations"]["layers"]
    assert layer["edges"] == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert layer["counts"] == np.histogram(relu2["output"], bins=5, range=(0, 1))[0].tolist()
    assert layer["mean"] == inspection.describe(relu2["output"])["mean"]
    assert json.loads(json.dumps(figure, allow_nan=False)) == figure


def test_layer_histograms_of_named_layers_of_any_kind(network, batch):
    x, t = batch
    trace = network.backward_trace(x[:10], t[:10])
    figure = inspection.layer_histograms(trace, layers=["Affine1", "Affine3"])
    assert [layer["kind"] for layer in figure["gradients"]["layers"]] == ["Affine", "Affine"]


def test_weight_tiles_show_the_weights_themselves_not_only_their_gradients():
    network = MultiLayerNet(784, [12], 10, seed=0)
    tiles = inspection.weight_tiles(network.params["W1"], columns=6)
    assert tiles.shape == (2 * 29 + 1, 6 * 29 + 1, 4)
