"""Property: any array is an MNIST image in 0..1 or a DrawingError, never a numpy error."""

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pynet.errors import MESSAGES
from pynet.preprocess import DrawingError, to_mnist

any_dtype = st.one_of(
    hnp.scalar_dtypes(), hnp.unicode_string_dtypes(max_len=3), hnp.byte_string_dtypes(max_len=3)
)
any_array = hnp.arrays(any_dtype, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=12))
#: Shaped like images, so most of them reach the resampling.
image_array = hnp.arrays(
    st.sampled_from([np.uint8, np.int16, np.float16, np.float32, np.float64, np.bool_]),
    st.tuples(st.integers(0, 40), st.integers(0, 40)).flatmap(
        lambda hw: st.sampled_from([hw, (*hw, 1), (*hw, 2), (*hw, 3), (*hw, 4)])
    ),
)


def check(image) -> None:
    try:
        out = to_mnist(image)
    except DrawingError as exc:
        assert exc.code in MESSAGES
    else:
        assert out.shape == (28, 28) and out.dtype == np.float32
        assert np.all(np.isfinite(out)) and out.min() >= 0 and out.max() <= 1


@settings(max_examples=300, deadline=1000)
@given(any_array)
def test_any_array_is_an_image_or_a_drawing_error(image):
    check(image)


@settings(max_examples=300, deadline=1000)
@given(image_array)
def test_any_image_shaped_array_is_an_image_or_a_drawing_error(image):
    check(image)
