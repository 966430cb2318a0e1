import numpy as np

from pynet import kernels


def test_the_browser_kernel_computes_the_matrix_product():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 7)), rng.standard_normal((7, 3))
    assert np.allclose(kernels._contiguous_einsum_dot(a, b), a @ b)
    assert np.allclose(kernels._contiguous_einsum_dot(a.T.T, b.T.T), a @ b)  # any layout
    assert np.allclose(kernels._contiguous_einsum_dot(a[:, :4].T, a[:, 4:]), a[:, :4].T @ a[:, 4:])


def test_natively_the_kernel_is_blas_matmul():
    assert kernels.IN_BROWSER is False
    assert kernels.dot is np.matmul
