"""What the page shows about a network, as plain numbers and RGBA images.

The layer inspector, the probability bars, the saliency map and the first-layer weight
tiles are all computed here from a real forward and backward pass, so the page only draws
them. Images are (height, width, 4) uint8 RGBA arrays, ready for a canvas ``ImageData``.
"""

import numpy as np

from .functions import class_indices, softmax
from .network import ACTIVATIONS, MultiLayerNet

#: How many bins each histogram has.
BINS = 30


def matrix_json(values) -> dict:
    """An array (or a number) as plain JSON: ``{"shape": [2, 3], "values": nested lists}``.

    A scalar is ``{"shape": [], "values": 2.2}``; booleans stay booleans (a ReLU mask).
    """
    values = np.asarray(values)
    return {"shape": list(values.shape), "values": values.tolist()}


def describe(values: np.ndarray, bins: int = BINS) -> dict:
    """Mean, std, min, max, L2 norm and a histogram of ``values``."""
    values = np.asarray(values, dtype=np.float64).ravel()
    low, high = float(values.min()), float(values.max())
    if low == high:  # a histogram needs a range: centre a tiny one on the single value
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return {
        "mean": float(values.mean()),
        "std": float(values.std()),
        "min": float(values.min()),
        "max": float(values.max()),
        "norm": float(np.linalg.norm(values)),
        "counts": counts.tolist(),
        "edges": edges.tolist(),
    }


def layer_kind(name: str) -> str:
    """``"Affine"`` for ``"Affine2"``: the layer's class, which selects its formula."""
    return name.rstrip("0123456789")


def summarize_trace(trace: dict, bins: int = BINS) -> dict:
    """The layer inspector's data from ``MultiLayerNet.backward_trace``.

    Per layer: ``name``, ``kind``, ``output`` and ``grad`` (dL/d(input)) described by
    ``describe``, and ``params``: the L2 norm of each parameter gradient it has.
    """
    layers = []
    for record in trace["layers"]:
        params = {
            key: float(np.linalg.norm(record[key]))
            for key in ("dW", "db", "dgamma", "dbeta")
            if key in record
        }
        layers.append(
            {
                "name": record["name"],
                "kind": layer_kind(record["name"]),
                "output": describe(record["output"], bins),
                "grad": describe(record["grad_input"], bins),
                "params": params,
            }
        )
    return {"loss": trace["loss"], "layers": layers}


def explain(network: MultiLayerNet, image: np.ndarray) -> dict:
    """The network's reading of one 28×28 image: the guess, its ten probabilities, and the
    saliency dL/dx: how the loss *for the guessed class* changes with each input pixel.

    The saliency is backprop used for inspection rather than learning: pixels where dL/dx
    is negative would, if brighter, make the network more sure of its guess.
    """
    x = np.asarray(image, dtype=np.float64).reshape(1, -1)
    probs = softmax(network.predict(x))[0]
    label = int(np.argmax(probs))
    trace = network.backward_trace(x, np.array([label]))
    saliency = trace["layers"][0]["grad_input"].reshape(28, 28)
    return {
        "label": label,
        "probs": probs.astype(float).tolist(),
        "saliency": saliency,
        "trace": trace,
    }


def gray_rgba(image: np.ndarray) -> np.ndarray:
    """A 0..1 image as RGBA, white ink on black, as MNIST stores digits."""
    v = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    return np.dstack([v, v, v, np.full_like(v, 255)])


def diverging_rgba(values: np.ndarray) -> np.ndarray:
    """Signed values as RGBA: blue for negative, white for 0, red for positive, scaled by
    the largest magnitude, so the sign and the relative size both show."""
    scale = float(np.max(np.abs(values))) or 1.0
    v = np.clip(values / scale, -1, 1)
    pos, neg = np.clip(v, 0, 1), np.clip(-v, 0, 1)
    red = 255 * (1 - neg * 0.8)
    green = 255 * (1 - np.abs(v) * 0.8)
    blue = 255 * (1 - pos * 0.8)
    return np.dstack([red, green, blue, np.full_like(v, 255)]).astype(np.uint8)


def weight_tiles(
    W: np.ndarray, columns: int = 10, max_tiles: int = 100, gap: int = 1
) -> np.ndarray:
    """The first ``max_tiles`` columns of a 784×n weight (or gradient) matrix as 28×28
    tiles in a grid: what each first-layer unit looks for (or how its weights are pushed)."""
    W = np.asarray(W, dtype=np.float64)
    n = min(W.shape[1], max_tiles)
    rows = -(-n // columns)
    cell = 28 + gap
    grid = np.zeros((rows * cell + gap, columns * cell + gap))
    for i in range(n):
        r, c = divmod(i, columns)
        grid[gap + r * cell : gap + r * cell + 28, gap + c * cell : gap + c * cell + 28] = W[
            :, i
        ].reshape(28, 28)
    image = diverging_rgba(grid)
    image[grid == 0] = (230, 230, 230, 255)  # the gaps between tiles
    return image


# -- figures over a whole test set and across layers ------------------------------------------
def _probabilities(network: MultiLayerNet, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """softmax(predict(x)) for every row of ``x``, a chunk at a time to save memory."""
    chunks = [
        softmax(network.predict(x[start : start + batch_size]))
        for start in range(0, len(x), batch_size)
    ]
    return np.concatenate(chunks) if chunks else np.zeros((0, network.config["output_size"]))


def confusion_matrix(network: MultiLayerNet, x: np.ndarray, t: np.ndarray) -> list[list[int]]:
    """How often each true class (row) was guessed as each class (column).

    For MNIST a 10×10 table of counts; its diagonal holds the correct guesses, and its total
    is the number of examples. ``t`` may be class indices or one-hot.
    """
    classes = network.config["output_size"]
    labels = class_indices(t, classes)
    guesses = np.argmax(_probabilities(network, x), axis=1)
    counts = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(counts, (labels, guesses), 1)
    return counts.tolist()


def misclassified(
    network: MultiLayerNet, x: np.ndarray, t: np.ndarray, limit: int = 20
) -> list[dict]:
    """The first ``limit`` examples the network gets wrong, in the order of ``x``.

    Each is ``{"index": i, "label": true class, "guess": the network's class, "prob": the
    probability it gave its guess}``.
    """
    probs = _probabilities(network, x)
    labels = class_indices(t, probs.shape[1])
    guesses = np.argmax(probs, axis=1)
    wrong = np.flatnonzero(guesses != labels)[: max(int(limit), 0)]
    return [
        {
            "index": int(i),
            "label": int(labels[i]),
            "guess": int(guesses[i]),
            "prob": float(probs[i, guesses[i]]),
        }
        for i in wrong
    ]


def shared_bin_edges(
    arrays: list[np.ndarray], bins: int = BINS, value_range: tuple[float, float] | None = None
) -> list[float]:
    """Bin edges that span every array in ``arrays`` (or ``value_range``, as the book's
    ``range=(0, 1)``), so histograms of different layers compare at a glance."""
    if value_range is None:
        # Edges over the extremes of all arrays, made just as describe makes its own.
        extremes = [[float(np.min(a)), float(np.max(a))] for a in arrays]
        return describe(np.array(extremes), bins)["edges"]
    return np.linspace(value_range[0], value_range[1], bins + 1).tolist()


def _describe_on(values: np.ndarray, edges: list[float]) -> dict:
    """``describe(values)``, its histogram counted over the given ``edges``."""
    values = np.asarray(values, dtype=np.float64).ravel()
    counts, _ = np.histogram(values, bins=np.asarray(edges))
    return {**describe(values, len(edges) - 1), "counts": counts.tolist(), "edges": list(edges)}


def layer_histograms(
    trace: dict,
    layers: list[str] | None = None,
    bins: int = BINS,
    value_range: tuple[float, float] | None = None,
) -> dict:
    """Activation and gradient histograms of several layers on shared bin edges.

    ``trace`` is ``MultiLayerNet.backward_trace``'s; ``layers`` names the layers to show, by
    default the hidden activations (Relu1, Sigmoid2, ...), as figures 6-10 to 6-14 do. The
    activations (each layer's output) share one set of edges, over ``value_range`` if given
    (the book's figures use (0, 1); values outside it are not counted); the gradients
    (dL/d(input)) share another.

    Returns ``{"activations": {"edges": [...], "layers": [...]}, "gradients": {...}}``;
    each layer is ``{"name", "kind"}`` plus what ``describe`` gives (mean, std, min, max,
    norm, counts, edges), its counts over the shared edges.
    """
    if layers is None:
        activations = {cls.__name__ for cls in ACTIVATIONS.values()}
        layers = [r["name"] for r in trace["layers"] if layer_kind(r["name"]) in activations]
    chosen = [record for record in trace["layers"] if record["name"] in layers]
    if not chosen:  # a network without hidden layers has no activations to show
        return {part: {"edges": [], "layers": []} for part in ("activations", "gradients")}
    result = {}
    for part, key, part_range in (
        ("activations", "output", value_range),
        ("gradients", "grad_input", None),
    ):
        edges = shared_bin_edges([record[key] for record in chosen], bins, part_range)
        result[part] = {
            "edges": edges,
            "layers": [
                {
                    "name": record["name"],
                    "kind": layer_kind(record["name"]),
                    **_describe_on(record[key], edges),
                }
                for record in chosen
            ],
        }
    return result
