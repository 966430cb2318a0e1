"""The engine's test-set report and tiles (web/worker/evaluation.py), run natively."""

import evaluation
import numpy as np
import pytest

from pynet import inspection
from pynet.network import MultiLayerNet
from pynet.trainer import Trainer


@pytest.fixture(scope="module")
def trained(mnist):
    """A small network trained for one quick epoch, and the first 2,000 test images."""
    (x, t), (xt, tt) = mnist
    network = MultiLayerNet(784, [30], 10, seed=0)
    Trainer(network, x[:3000], t[:3000], xt[:0], tt[:0], epochs=1, optimizer="adam", seed=0).train()
    return network, xt[:2000], tt[:2000]


def test_report_counts_every_test_image_once_with_the_right_ones_on_the_diagonal(trained):
    network, x, t = trained
    report = evaluation.test_report(network, x, t)
    matrix = np.array(report["matrix"])
    assert matrix.shape == (10, 10) and report["total"] == matrix.sum() == 2000
    assert report["correct"] == np.trace(matrix) == round(network.accuracy(x, t) * 2000)
    assert list(matrix.sum(axis=1)) == list(np.bincount(t, minlength=10))


def test_report_shows_the_first_mistakes_with_their_images_one_under_the_other(trained):
    network, x, t = trained
    report = evaluation.test_report(network, x, t)
    mistakes = report["mistakes"]
    assert len(mistakes) == evaluation.GALLERY_SIZE
    assert all(m["label"] != m["guess"] for m in mistakes)
    assert [m["index"] for m in mistakes] == sorted(m["index"] for m in mistakes)
    images = report["images"]
    assert images.shape == (28 * len(mistakes), 28, 4)
    third = mistakes[2]["index"]
    expected = inspection.gray_rgba(x[third].reshape(28, 28) / 255.0)
    assert np.array_equal(images[2 * 28 : 3 * 28], expected)


def test_a_test_image_is_read_as_a_drawing_with_its_saliency(trained):
    network, x, t = trained
    image = evaluation.test_image({"x_test": x}, 7)
    assert image.shape == (28, 28) and image.max() <= 1.0
    result = evaluation.explained(network, image)
    assert result["label"] == int(np.argmax(network.predict(x[7:8])))
    assert abs(sum(result["probs"]) - 1) < 1e-5
    assert result["image"].shape == result["saliency"].shape == (28, 28, 4)
    with pytest.raises(IndexError, match="there is no test image 2000"):
        evaluation.test_image({"x_test": x}, 2000)


def test_for_one_image_every_dw_tile_is_the_image_times_one_number(trained):
    """dW = xᵀ·dY: with one image, column j of dW is x times dY[0, j]. This is why the
    inspector shows W beside dW, and says so for a drawing."""
    network, x, t = trained
    trace = evaluation.explained(network, evaluation.test_image({"x_test": x}, 0))["trace"]
    dW = trace["layers"][0]["dW"]
    pixels = x[0].astype(np.float64) / 255.0
    for j in range(dW.shape[1]):
        scale = dW[:, j] @ pixels / (pixels @ pixels)
        np.testing.assert_allclose(dW[:, j], scale * pixels, atol=1e-6)
    tiles = evaluation.first_layer_tiles(network, trace)
    assert np.array_equal(tiles["w_tiles"], inspection.weight_tiles(network.params["W1"]))
    assert np.array_equal(tiles["tiles"], inspection.weight_tiles(dW))
    assert tiles["tiles_width"] == tiles["tiles"].shape[1]
