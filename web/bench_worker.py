"""The benchmark's Pyodide worker: pynet and the book's step, timed by
``benchmarks/step_time.measure``, the same function the native benchmark uses; and single
matrix products, by the SIMD kernel and by numpy."""

import json
import time

import matmul_simd
import numpy as np
import site_data
from step_time import measure

from pynet import kernels

#: (m, k, n) of products a training step computes: the first layer's forward and dW for
#: 784-50-10 (about 520 of the 784 pixels are non-zero somewhere in a batch of 100), a hidden
#: layer of 784-100-100-10, and the small ones on either side of the kernel's threshold.
PRODUCT_SHAPES = ((100, 520, 50), (520, 100, 50), (100, 100, 100), (100, 100, 10), (100, 50, 10))


async def run(base_url, steps, rounds):
    data = await site_data.mnist(base_url)
    rows = [
        measure(data["x_train"], data["t_train"], hidden, steps=int(steps), rounds=int(rounds))
        for hidden in ((50,), (100, 100))
    ]
    return json.dumps(rows)


def _ms_per_product(product, a, b, repeats=20):
    start = time.perf_counter()
    for _ in range(repeats):
        product(a, b)
    return 1000 * (time.perf_counter() - start) / repeats


def products(rounds):
    """Median ms per product for each of ``PRODUCT_SHAPES`` (float32), the SIMD kernel and
    numpy's product taking turns in every round."""
    if kernels.in_use() is not matmul_simd.product:
        raise RuntimeError("pynet does not use the SIMD kernel in this browser: see the console")
    rng = np.random.default_rng(0)
    rows = []
    for m, k, n in PRODUCT_SHAPES:
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        simd, plain = [], []
        for _ in range(int(rounds)):
            simd.append(_ms_per_product(matmul_simd.simd_product, a, b))
            plain.append(_ms_per_product(kernels.NUMPY_DOT, a, b))
        rows.append(
            {
                "shape": [m, k, n],
                "simd_ms": float(np.median(simd)),
                "numpy_ms": float(np.median(plain)),
            }
        )
    return json.dumps(rows)


__all__ = ["run", "products"]
