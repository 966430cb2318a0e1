import numpy as np
import pytest

from pynet import inspection
from pynet.network import MultiLayerNet


def test_describe_gives_statistics_and_a_histogram_of_all_values():
    d = inspection.describe(np.array([[1.0, 2.0], [3.0, 4.0]]), bins=3)
    assert (d["mean"], d["min"], d["max"]) == (2.5, 1.0, 4.0)
    assert d["norm"] == pytest.approx(np.sqrt(30))
    assert d["counts"] == [1, 1, 2] and d["edges"][0] == 1.0 and d["edges"][-1] == 4.0


def test_describe_handles_constant_values():
    d = inspection.describe(np.zeros(10))
    assert sum(d["counts"]) == 10 and d["std"] == 0 and d["norm"] == 0


def test_trace_summary_lists_every_layer_with_gradient_norms():
    network = MultiLayerNet(784, [20], 10, use_batchnorm=True, use_dropout=True, seed=0)
    x = np.random.default_rng(0).random((8, 784))
    summary = inspection.summarize_trace(network.backward_trace(x, np.arange(8), train_flg=True))
    names = [layer["name"] for layer in summary["layers"]]
    assert names == ["Affine1", "BatchNorm1", "Relu1", "Dropout1", "Affine2", "SoftmaxWithLoss"]
    by_name = {layer["name"]: layer for layer in summary["layers"]}
    assert set(by_name["Affine1"]["params"]) == {"dW", "db"}
    assert set(by_name["BatchNorm1"]["params"]) == {"dgamma", "dbeta"}
    assert by_name["Relu1"]["params"] == {}
    assert all(layer["grad"]["norm"] > 0 for layer in summary["layers"])
    assert by_name["SoftmaxWithLoss"]["kind"] == "SoftmaxWithLoss"


def test_explain_gives_the_guess_probabilities_and_input_gradient():
    network = MultiLayerNet(784, [20], 10, dtype="float64", seed=0)
    image = np.random.default_rng(1).random((28, 28))
    result = inspection.explain(network, image)
    assert sum(result["probs"]) == pytest.approx(1.0)
    assert result["label"] == int(np.argmax(result["probs"]))
    assert result["saliency"].shape == (28, 28)
    loss = lambda: network.loss(image.reshape(1, -1), [result["label"]])  # noqa: E731
    base = loss()
    image[14, 14] += 1e-6
    assert (loss() - base) / 1e-6 == pytest.approx(result["saliency"][14, 14], rel=1e-3, abs=1e-9)


def test_diverging_colours_show_sign():
    rgba = inspection.diverging_rgba(np.array([[-1.0, 0.0, 1.0]]))
    assert rgba.shape == (1, 3, 4) and rgba.dtype == np.uint8
    blue, white, red = rgba[0]
    assert blue[2] > blue[0] and red[0] > red[2] and tuple(white[:3]) == (255, 255, 255)


def test_weight_tiles_lay_out_one_tile_per_unit():
    tiles = inspection.weight_tiles(np.random.default_rng(0).standard_normal((784, 15)), columns=10)
    assert tiles.shape == (2 * 29 + 1, 10 * 29 + 1, 4)


def test_gray_image_is_white_ink_on_black():
    rgba = inspection.gray_rgba(np.array([[0.0, 1.0]]))
    assert rgba[0, 0].tolist() == [0, 0, 0, 255] and rgba[0, 1].tolist() == [255, 255, 255, 255]
