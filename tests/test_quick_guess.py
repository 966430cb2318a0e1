"""The page's quick guess (web/page/quick_guess.py and its preprocessing,
web/page/quick_preprocess.py: pure Python for MicroPython) is pynet's guess:
``pynet.preprocess.to_mnist`` and ``softmax(network.predict(...))`` of the same drawing give
the same 28×28 image, the same label and the same probabilities within 1e-5, over hundreds
of drawings rendered like the page's canvas and in other colours and sizes. The model file
the build writes for it (``write_quick_model``) holds the network exactly, and the modules
run under MicroPython itself (tests/quick_guess_check.mjs, in Node.js).
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pynet import serialize
from pynet.functions import softmax
from pynet.inspection import gray_rgba
from pynet.network import MultiLayerNet
from pynet.preprocess import EmptyDrawingError, to_mnist
from sitebuild.model import write_quick_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "web" / "page"))
import quick_guess  # noqa: E402

DEFAULT_MODEL = ROOT / "dist" / "models" / "default.npz"
#: The page's canvas: 280×280, strokes of #111 a 13th of its width, on a clear background.
CANVAS_INK = (17, 17, 17)


def render(strokes, width, height, radius, ink=CANVAS_INK, paper=None):
    """Round-capped polylines as a canvas draws them: RGBA uint8, antialiased by coverage.
    ``paper`` (RGBA) fills the background; without it the canvas is clear (0, 0, 0, 0)."""
    dist = np.full((height, width), np.inf)
    for points in strokes:
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=True):
            # Only the pixels the segment can reach: its box widened by the stroke.
            top, bottom = (int(max(0, min(y0, y1) - radius - 2)), int(max(y0, y1) + radius + 2))
            left, right = (int(max(0, min(x0, x1) - radius - 2)), int(max(x0, x1) + radius + 2))
            yy, xx = np.mgrid[top : min(bottom, height), left : min(right, width)] + 0.5
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / length2, 0, 1) if length2 else 0
            near = np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy))
            window = dist[top : min(bottom, height), left : min(right, width)]
            np.minimum(window, near, out=window)
    coverage = np.clip(radius + 0.5 - dist, 0, 1)[..., None]
    ink_rgba = np.array([*ink, 255], dtype=np.float64)
    below = np.zeros(4) if paper is None else np.array(paper, dtype=np.float64)
    # "Source over", in straight (not premultiplied) alpha, as getImageData returns it.
    alpha = coverage + below[3] / 255 * (1 - coverage)
    colour = (ink_rgba[:3] * coverage + below[:3] * below[3] / 255 * (1 - coverage)) / np.where(
        alpha > 0, alpha, 1
    )
    image = np.concatenate([colour, alpha * 255], axis=-1)
    return np.round(image).astype(np.uint8)


def random_drawing(rng, width=280, height=280):
    """One to three strokes of a random walk, like a hurried digit."""
    strokes = []
    for _ in range(rng.integers(1, 4)):
        start = rng.uniform(0.15, 0.85, 2) * (width, height)
        steps = rng.normal(0, 0.09, (rng.integers(2, 14), 2)) * (width, height)
        points = np.clip(start + np.cumsum(steps, axis=0), 3, (width - 3, height - 3))
        strokes.append(points)
    return strokes


@pytest.fixture(scope="module")
def network():
    if not DEFAULT_MODEL.exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    return serialize.load(DEFAULT_MODEL)


@pytest.fixture(scope="module")
def model(network, tmp_path_factory):
    path = tmp_path_factory.mktemp("quick") / "default.f32"
    write_quick_model(DEFAULT_MODEL, path)
    return quick_guess.QuickModel(path.read_bytes())


def quick(model, image):
    height, width = image.shape[:2]
    guess = quick_guess.Guess(model, image.tobytes(), width, height)
    quick_guess.run(guess.steps())
    return guess.result


def assert_same_guess(model, network, image):
    ours = quick(model, image)
    digit = to_mnist(image)
    probs = softmax(network.predict(digit.reshape(1, -1).astype(np.float64)))[0]
    np.testing.assert_allclose(np.reshape(ours["image"], (28, 28)), digit, atol=1e-6)
    assert ours["label"] == int(np.argmax(probs))
    np.testing.assert_allclose(ours["probs"], probs, atol=1e-5)
    assert quick_guess.seen_rgba(ours["image"]) == gray_rgba(digit).tobytes()
    return ours


def test_the_quick_guess_is_pynets_on_200_canvas_drawings(model, network):
    rng = np.random.default_rng(2024)
    labels = set()
    for _ in range(200):
        radius = rng.uniform(6, 14)
        image = render(random_drawing(rng), 280, 280, radius)
        labels.add(assert_same_guess(model, network, image)["label"])
    assert len(labels) >= 6  # the drawings are varied enough to be read as many digits


@pytest.mark.parametrize(
    ("ink", "paper"),
    [
        ((0, 0, 0), (255, 255, 255, 255)),  # black on white paper
        ((255, 255, 255), (0, 0, 0, 255)),  # white on black, as MNIST itself
        ((200, 30, 60), (250, 240, 200, 255)),  # red on cream
        ((17, 17, 17), (255, 255, 255, 90)),  # on paper that is partly transparent
    ],
)
def test_the_quick_guess_is_pynets_in_other_colours_and_sizes(model, network, ink, paper):
    rng = np.random.default_rng(7)
    for width, height in ((280, 280), (150, 320), (420, 96), (33, 47)):
        for _ in range(6):
            strokes = random_drawing(rng, width, height)
            image = render(strokes, width, height, max(1.5, width / 26), ink, paper)
            assert_same_guess(model, network, image)


def test_a_1_is_read_as_1_and_a_0_as_0(model, network):
    one = [np.array([(140, 42 + 196 * i / 20) for i in range(21)])]
    angles = np.linspace(0, 2 * np.pi, 42)
    zero = [np.stack([140 + 62 * np.sin(angles), 140 - 90 * np.cos(angles)], axis=1)]
    assert assert_same_guess(model, network, render(one, 280, 280, 10.5))["label"] == 1
    assert assert_same_guess(model, network, render(zero, 280, 280, 10.5))["label"] == 0


def test_shapes_that_scale_up_or_fill_the_frame_are_pynets(model, network):
    dot = [np.array([(100.0, 120.0), (101.0, 120.0)])]
    bar = [np.array([(10.0, 140.0), (270.0, 140.0)])]
    corner_to_corner = [np.array([(0.0, 0.0), (280.0, 280.0)])]
    for strokes, radius in ((dot, 2.0), (bar, 1.0), (bar, 12), (corner_to_corner, 20)):
        assert_same_guess(model, network, render(strokes, 280, 280, radius))


def test_an_image_of_only_0s_and_1s_is_read_as_0_to_1_values(model, network):
    image = render([np.array([(60.0, 50.0), (200.0, 230.0)])], 280, 280, 9)
    assert_same_guess(model, network, (image > 128).astype(np.uint8))


def test_a_blank_canvas_has_no_guess(model):
    blank = np.zeros((280, 280, 4), dtype=np.uint8)
    with pytest.raises(EmptyDrawingError):
        to_mnist(blank)
    assert quick(model, blank) is None
    assert quick(model, np.zeros((0, 0, 4), dtype=np.uint8)) is None


def test_the_work_comes_in_slices(model):
    image = render(random_drawing(np.random.default_rng(1)), 280, 280, 10)
    guess = quick_guess.Guess(model, image.tobytes(), 280, 280)
    assert sum(1 for _ in guess.steps()) > 40  # each a row band or a few input pixels
    assert guess.result is not None


def test_the_model_file_holds_the_networks_float32_arrays_exactly(model, network):
    assert model.info["activation"] == "relu"
    assert model.info["layers"] == [[784, 100], [100, 10]]
    for idx, (rows, b) in enumerate(model.layers, start=1):
        assert np.array_equal(np.array(rows, dtype=np.float32), network.params[f"W{idx}"])
        assert np.array_equal(np.array(b, dtype=np.float32), network.params[f"b{idx}"])
    built = ROOT / "dist" / "models" / "default.f32"
    assert quick_guess.QuickModel(built.read_bytes()).layers == model.layers


def test_any_depth_and_activation_is_read_alike(tmp_path):
    for activation in ("sigmoid", "tanh"):
        network = MultiLayerNet(784, [40, 20], 10, activation=activation, seed=3)
        serialize.save(network, tmp_path / "m.npz")
        write_quick_model(tmp_path / "m.npz", tmp_path / "m.f32")
        model = quick_guess.QuickModel((tmp_path / "m.f32").read_bytes())
        rng = np.random.default_rng(5)
        for _ in range(10):
            assert_same_guess(model, network, render(random_drawing(rng), 280, 280, 10))


def test_a_model_file_of_the_wrong_size_is_refused(model, tmp_path):
    write_quick_model(DEFAULT_MODEL, tmp_path / "m.f32")
    with pytest.raises(ValueError, match="size"):
        quick_guess.QuickModel((tmp_path / "m.f32").read_bytes()[:-4])


def test_micropython_itself_guesses_as_pynet(network, tmp_path):
    """The modules as the page runs them: MicroPython (the page's own build, in Node.js)."""
    rng = np.random.default_rng(11)
    drawings = [render(random_drawing(rng), 280, 280, 10.5) for _ in range(4)]
    for i, image in enumerate(drawings):
        (tmp_path / f"{i}.rgba").write_bytes(image.tobytes())
    check = ROOT / "tests" / "quick_guess_check.mjs"
    model = ROOT / "dist" / "models" / "default.f32"
    run = subprocess.run(
        ["node", str(check), str(model), *(str(tmp_path / f"{i}.rgba") for i in range(4))],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for image, ours in zip(drawings, json.loads(run.stdout), strict=True):
        digit = to_mnist(image)
        probs = softmax(network.predict(digit.reshape(1, -1).astype(np.float64)))[0]
        assert ours["label"] == int(np.argmax(probs))
        np.testing.assert_allclose(ours["probs"], probs, atol=1e-5)
        np.testing.assert_allclose(np.reshape(ours["image"], (28, 28)), digit, atol=1e-6)
