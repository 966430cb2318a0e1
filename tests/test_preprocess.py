import numpy as np
import pytest

from pynet.preprocess import EmptyDrawingError, to_mnist


def centre_of_mass(image):
    return (np.indices(image.shape) * image).reshape(2, -1).sum(axis=1) / image.sum()


def stroke(canvas_size=280, background=255, ink=0):
    """A thick diagonal stroke drawn off-centre, near the top-left corner."""
    img = np.full((canvas_size, canvas_size), background, dtype=np.uint8)
    for i in range(120):
        img[10 + i : 22 + i, 20 + i // 3 : 32 + i // 3] = ink
    return img


def test_a_stroke_lands_centred_by_mass_and_fits_20_pixels():
    out = to_mnist(stroke())
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert centre_of_mass(out) == pytest.approx([13.5, 13.5], abs=0.5)
    rows = np.flatnonzero(out.max(axis=1) > 0.1)
    assert rows[-1] - rows[0] + 1 == 20  # the longer side is scaled to 20


def test_polarity_and_colour_format_do_not_matter():
    dark_on_light = to_mnist(stroke())
    light_on_dark = to_mnist(stroke(background=0, ink=255))
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)  # a canvas: black ink, transparent paper
    rgba[..., 3] = 255 - stroke()
    assert np.allclose(dark_on_light, light_on_dark)
    assert np.allclose(dark_on_light, to_mnist(rgba), atol=1e-6)


def test_output_is_white_ink_on_black_in_zero_one():
    out = to_mnist(stroke())
    assert out.min() == 0 and out.max() == pytest.approx(1.0)
    assert out[0, 0] == 0


def test_empty_canvas_is_an_error_not_a_guess():
    with pytest.raises(EmptyDrawingError, match="draw a digit") as caught:
        to_mnist(np.zeros((280, 280, 4), dtype=np.uint8))
    assert caught.value.code == "drawing_empty"


def test_small_images_are_scaled_up():
    img = np.zeros((10, 10))
    img[2:8, 4:6] = 1.0
    out = to_mnist(img)
    rows = np.flatnonzero(out.max(axis=1) > 0.1)
    assert rows[-1] - rows[0] + 1 == 20


def test_a_photo_gray_paper_and_gray_ink_reads_like_a_clean_drawing():
    """A phone photo of a digit: the paper is light gray, not white, with some noise, and
    the pen is dark gray, not black. The paper must not count as ink."""
    rng = np.random.default_rng(0)
    clean = stroke()
    photo = np.where(clean == 0, 70.0, 185.0) + rng.normal(0, 6, clean.shape)
    rgb = np.repeat(np.clip(photo, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    out = to_mnist(rgb)
    rows = np.flatnonzero(out.max(axis=1) > 0.1)
    assert rows[-1] - rows[0] + 1 == 20
    assert out.max() > 0.9
    assert np.abs(out - to_mnist(clean)).max() < 0.12


def test_a_drawing_on_clean_paper_is_read_as_drawn():
    faint = to_mnist(stroke(background=0, ink=128))
    assert np.isclose(faint.max(), 128 / 255, atol=1e-6)  # not stretched: no photo here
