"""ms per training step: pynet against the book's TwoLayerNet step, side by side in one run.

    python benchmarks/step_time.py            # natively (CPython)

The same function runs in the browser (the page's benchmark, ``python3 build.py bench``),
so the ratios there and here are measured the same way. Both networks train on the same
MNIST batches (784-50-10, batch 100); their steps are interleaved in rounds, so machine
noise hits both alike, and the median round is reported. A benchmark, not a test: it
prints numbers and asserts nothing.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from book_two_layer_net import TwoLayerNet, train_step  # noqa: E402

from pynet import kernels  # noqa: E402
from pynet.data import as_float  # noqa: E402
from pynet.network import MultiLayerNet  # noqa: E402
from pynet.trainer import Trainer  # noqa: E402


def _trainer(pixels: np.ndarray, labels: np.ndarray, hidden, optimizer: str, seed: int) -> Trainer:
    """A trainer of a new ``MultiLayerNet`` with nothing to evaluate, only steps to take."""
    network = MultiLayerNet(784, list(hidden), 10, seed=seed)
    trainer = Trainer(
        network, pixels, labels, pixels[:1], labels[:1], optimizer=optimizer, seed=seed
    )
    trainer._last_good = network.get_state()
    return trainer


def ms_per_call(call, arguments: list) -> float:
    """Mean ms per ``call(argument)`` over ``arguments``, timed as one pass."""
    start = time.perf_counter()
    for argument in arguments:
        call(argument)
    return 1000 * (time.perf_counter() - start) / len(arguments)


def measure(
    x_train: np.ndarray,
    t_train: np.ndarray,
    hidden=(50,),
    optimizer: str = "adam",
    steps: int = 50,
    rounds: int = 7,
    batch_size: int = 100,
    samples: int = 10000,
    seed: int = 0,
) -> dict:
    """Median ms per step of pynet's ``MultiLayerNet`` and of the book's step, on the same
    batches of the first ``samples`` images.

    Each side starts from its data as it keeps it and gathers its own batch inside the
    step: pynet from uint8 pixels (as the page holds MNIST), converting each batch, through
    ``Trainer.train_step`` (so its divergence snapshot counts too); the book from float32
    in 0..1, as its ``load_mnist(normalize=True)`` returns, computing in float64.

    Where pynet's products run in a kernel the host installed (the page's SIMD kernel,
    ``pynet.kernels.use``), a twin network trains on the same batches with numpy's own
    product, to show what the kernel adds (``pynet_numpy_ms``).
    """
    rng = np.random.default_rng(seed)
    pixels, labels = x_train[:samples], t_train[:samples]
    book_x = as_float(pixels, np.float32)
    trainer = _trainer(pixels, labels, hidden, optimizer, seed)
    product = kernels.in_use()
    host_kernel = product is not kernels.NUMPY_DOT
    twin = _trainer(pixels, labels, hidden, optimizer, seed) if host_kernel else None
    book = TwoLayerNet(784, hidden[0], 10, seed=seed) if len(hidden) == 1 else None
    pynet_ms, numpy_ms, book_ms = [], [], []
    for _ in range(rounds):
        batches = [rng.choice(samples, batch_size) for _ in range(steps)]
        pynet_ms.append(ms_per_call(trainer.train_step, batches))
        if twin is not None:
            kernels.use(None)
            try:
                numpy_ms.append(ms_per_call(twin.train_step, batches))
            finally:
                kernels.use(product)
        if book is not None:
            book_ms.append(
                ms_per_call(lambda idx: train_step(book, book_x[idx], labels[idx]), batches)
            )
    result = {
        "network": "-".join(map(str, [784, *hidden, 10])),
        "optimizer": optimizer,
        "pynet_ms": float(np.median(pynet_ms)),
    }
    if numpy_ms:
        result["pynet_numpy_ms"] = float(np.median(numpy_ms))
    if book_ms:
        result["book_ms"] = float(np.median(book_ms))
        result["speedup"] = result["book_ms"] / result["pynet_ms"]
    return result


def main() -> None:
    from pynet.data import load_mnist

    (x_train, t_train), _ = load_mnist(normalize=False)
    x_train = x_train.reshape(len(x_train), -1)
    rows = [measure(x_train, t_train, (50,)), measure(x_train, t_train, (100, 100))]
    for row in rows:
        line = f"{row['network']:>14}  pynet {row['pynet_ms']:6.2f} ms/step"
        if "book_ms" in row:
            line += f"  book TwoLayerNet {row['book_ms']:6.2f} ms/step"
            line += f"  pynet is {row['speedup']:.2f}x faster"
        print(line)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
