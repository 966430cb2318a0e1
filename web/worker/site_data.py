"""The site's files as a worker gets them: the default model and MNIST, fetched from the page's
own origin. A worker's own address is a blob, so paths resolve against the page's URL, which
the page passes in. MNIST is fetched once per worker and kept as uint8 (47 MB, not 188)."""

import js
from pyodide.http import pyfetch

from pynet.data import MNIST_FILES, parse_idx

_mnist: dict = {}


async def fetch(base_url: str, path: str) -> bytes:
    """The bytes of ``path`` on the site."""
    response = await pyfetch(str(js.URL.new(path, str(base_url)).href))
    if not response.ok:
        raise RuntimeError(f"could not fetch {path} ({response.status})")
    return await response.bytes()


async def mnist(base_url: str) -> dict:
    """``x_train`` (60000×784 uint8), ``t_train``, ``x_test``, ``t_test``, verified by
    ``pynet.data.parse_idx`` (magic number, sizes)."""
    if not _mnist:
        arrays = {}
        for key, stem in MNIST_FILES.items():
            arrays[key] = parse_idx(await fetch(base_url, f"data/{stem}.gz"), f"{stem}.gz")
        _mnist.update(
            x_train=arrays["train_img"].reshape(-1, 784),
            t_train=arrays["train_label"],
            x_test=arrays["test_img"].reshape(-1, 784),
            t_test=arrays["test_label"],
        )
    return _mnist
