"""How a model does on the test set, and what the inspector and the gallery draw of it: the
confusion matrix, the first misclassified images, one image read with its saliency dL/dx,
and the first layer's W and dW as 28×28 tiles. Plain pynet and numpy (tested natively); the
engine sends the results to the page."""

import numpy as np

from pynet import inspection
from pynet.network import MultiLayerNet

#: How many misclassified test images the gallery shows (the first ones, in test-set order).
GALLERY_SIZE = 30


def test_image(data: dict, index: int) -> np.ndarray:
    """Test image ``index`` as 28×28 values in 0..1, as a drawing reaches the network."""
    if not 0 <= index < len(data["x_test"]):
        raise IndexError(f"there is no test image {index}")
    return data["x_test"][index].reshape(28, 28) / 255.0


def explained(network: MultiLayerNet, image: np.ndarray) -> dict:
    """One 28×28 image read by ``network``: the guess (``label``), its ten ``probs``, the
    ``image`` as the network sees it and its ``saliency`` dL/dx (RGBA), and the ``trace`` of
    its pass (for the inspector)."""
    result = inspection.explain(network, image)
    return {
        "empty": False,
        "label": result["label"],
        "probs": result["probs"],
        "image": inspection.gray_rgba(image),
        "saliency": inspection.diverging_rgba(result["saliency"]),
        "trace": result["trace"],
    }


def test_report(network: MultiLayerNet, x_test: np.ndarray, t_test: np.ndarray) -> dict:
    """The confusion matrix over the whole test set (``matrix``, rows the true class,
    columns the guess), the ``total``, the ``correct`` count, and the first GALLERY_SIZE
    mistakes (``mistakes``: index, label, guess, prob) with their ``images`` one under the
    other in one RGBA column 28 pixels wide (image i is bytes 3136·i to 3136·(i + 1))."""
    matrix = inspection.confusion_matrix(network, x_test, t_test)
    mistakes = inspection.misclassified(network, x_test, t_test, GALLERY_SIZE)
    indices = [mistake["index"] for mistake in mistakes]
    column = x_test[indices].reshape(28 * len(mistakes), 28) / 255.0
    return {
        "matrix": matrix,
        "total": int(np.sum(matrix)),
        "correct": int(np.trace(np.asarray(matrix))),
        "mistakes": mistakes,
        "images": inspection.gray_rgba(column),
    }


def first_layer_tiles(network: MultiLayerNet, trace: dict) -> dict:
    """The first layer's weights W (what each unit looks for) and their gradient dW for the
    traced input, each the first 100 units as 28×28 tiles (RGBA, with their sizes)."""
    weights = inspection.weight_tiles(network.params["W1"])
    grads = inspection.weight_tiles(trace["layers"][0]["dW"])
    return {
        "w_tiles": weights,
        "tiles": grads,
        "tiles_width": grads.shape[1],
        "tiles_height": grads.shape[0],
    }
