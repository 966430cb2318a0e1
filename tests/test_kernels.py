import numpy as np

from pynet import kernels
from pynet.layers import Affine


def test_the_browser_kernel_computes_the_matrix_product():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 7)), rng.standard_normal((7, 3))
    assert np.allclose(kernels._contiguous_einsum_dot(a, b), a @ b)
    assert np.allclose(kernels._contiguous_einsum_dot(a.T.T, b.T.T), a @ b)  # any layout
    assert np.allclose(kernels._contiguous_einsum_dot(a[:, :4].T, a[:, 4:]), a[:, :4].T @ a[:, 4:])


def test_natively_the_kernel_is_blas_matmul():
    assert kernels.IN_BROWSER is False
    assert kernels.NUMPY_DOT is np.matmul
    a = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(kernels.dot(a, a.T), a @ a.T)


def test_a_product_in_use_serves_every_layer_until_it_is_dropped():
    calls = []

    def recording(a, b):
        calls.append((a.shape, b.shape))
        return np.matmul(a, b)

    layer = Affine(np.ones((3, 2)), np.zeros(2))
    kernels.use(recording)
    try:
        assert kernels.in_use() is recording
        out = layer.forward(np.ones((4, 3)))
        layer.backward(np.ones_like(out))
    finally:
        kernels.use(None)
    assert calls == [((4, 3), (3, 2)), ((3, 4), (4, 2)), ((4, 2), (2, 3))]
    layer.forward(np.ones((4, 3)))
    assert len(calls) == 3  # back to numpy's own product
    assert kernels.in_use() is kernels.NUMPY_DOT
