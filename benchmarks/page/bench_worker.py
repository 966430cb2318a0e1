"""The benchmark's Pyodide worker: pynet and the book's step, timed by
``benchmarks/step_time.measure``, the same function the native benchmark uses; and single
matrix products, by the SIMD kernel and by numpy."""

import json

import matmul_simd
import numpy as np
import site_data
from step_time import measure, ms_per_call

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
        pairs = [(a, b)] * 20
        simd, plain = [], []
        for _ in range(int(rounds)):
            simd.append(ms_per_call(lambda pair: matmul_simd.simd_product(*pair), pairs))
            plain.append(ms_per_call(lambda pair: kernels.NUMPY_DOT(*pair), pairs))
        rows.append(
            {
                "shape": [m, k, n],
                "simd_ms": float(np.median(simd)),
                "numpy_ms": float(np.median(plain)),
            }
        )
    return json.dumps(rows)


__all__ = ["run", "products"]
