"""Arrays that are odd drawings, or no drawings at all: a valid image or a coded error."""

import numpy as np
import pytest

from pynet.preprocess import MAX_SIDE, DrawingError, EmptyDrawingError, to_mnist


def stroke(size=60) -> np.ndarray:
    """Gray 0..255: a dark vertical bar on white paper."""
    img = np.full((size, size), 255, dtype=np.uint8)
    img[10:50, 25:35] = 0
    return img


def coded(image) -> DrawingError:
    with pytest.raises(DrawingError) as caught:
        to_mnist(image)
    return caught.value


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinity_is_not_a_drawing(bad):
    img = stroke().astype(np.float64)
    img[0, 0] = bad
    assert coded(img).to_dict() == {
        "code": "drawing_not_finite",
        "params": {},
        "message": "the image holds values that are not numbers (NaN or infinity)",
    }


def test_one_channel_reads_as_gray_and_two_as_gray_with_alpha():
    gray = to_mnist(stroke())
    assert np.array_equal(to_mnist(stroke()[..., None]), gray)
    opaque = np.stack([stroke(), np.full_like(stroke(), 255)], axis=-1)
    assert np.allclose(to_mnist(opaque), gray)


def test_a_float_rgba_image_in_0_1_reads_like_its_uint8_twin():
    rgba = np.zeros((60, 60, 4), dtype=np.uint8)
    rgba[..., 3] = 255 - stroke()  # black ink on transparent paper, as the page's canvas
    assert np.allclose(to_mnist(rgba.astype(np.float32) / 255), to_mnist(rgba), atol=1e-6)


@pytest.mark.parametrize("shape", [(5,), (6, 6, 5), (6, 6, 0), (2, 6, 6, 4), ()])
def test_arrays_not_shaped_like_images_are_refused(shape):
    error = coded(np.ones(shape))
    assert error.code == "drawing_bad_shape" and error.params["shape"] == list(shape)


@pytest.mark.parametrize("shape", [(0, 0), (0, 5, 4), (7, 0)])
def test_an_image_without_pixels_is_empty(shape):
    with pytest.raises(EmptyDrawingError) as caught:
        to_mnist(np.zeros(shape))
    assert caught.value.code == "drawing_empty"


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((6, 6), np.complex64),
        np.zeros((6, 6), object),
        np.full((6, 6), "ink"),
        np.zeros((6, 6), "datetime64[s]"),
        [[1, 2], [3]],
    ],
)
def test_arrays_of_things_that_are_not_numbers_are_refused(image):
    assert coded(image).code == "drawing_not_numbers"


def test_huge_dimensions_are_refused_before_any_work():
    huge = np.broadcast_to(np.uint8(0), (100_000, 100_000, 4))  # a view: no memory behind it
    error = coded(huge)
    assert error.params == {"height": 100_000, "width": 100_000, "limit": MAX_SIDE}
    assert error.code == "drawing_too_large"


def test_values_beyond_the_pixel_range_are_clipped_not_trusted():
    img = stroke().astype(np.float64)
    img[img == 0] = -1e300  # ink darker than black
    img[img == 255] = 1e300  # paper whiter than white
    out = to_mnist(img)
    assert out.shape == (28, 28) and 0 <= out.min() and out.max() <= 1
    assert np.allclose(out, to_mnist(stroke()))


@pytest.mark.parametrize("image", [stroke() < 128, stroke().astype(np.int64) - 0])
def test_booleans_and_other_integer_types_are_pixels(image):
    assert to_mnist(image).shape == (28, 28)


def test_a_one_pixel_high_line_is_scaled_to_20_wide():
    img = np.zeros((3, 500))
    img[1] = 1.0  # a white line on black
    out = to_mnist(img)
    cols = np.flatnonzero(out.max(axis=0) > 0.1)
    assert cols[-1] - cols[0] + 1 == 20
