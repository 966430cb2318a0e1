"""The site's files as a worker gets them: the default model and MNIST, fetched from the page's
own origin. A worker's own address is a blob, so paths resolve against the page's URL, which
the page passes in. MNIST is fetched once per worker and kept as uint8 (47 MB, not 188)."""

import js
from pyodide.http import pyfetch

from pynet.data import MNIST_FILES, parse_idx

_mnist: dict = {}


class SiteFileError(OSError):
    """A file of the site could not be fetched (no network, a server that says no)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"could not fetch {path} ({reason})")
        self.path, self.reason = path, reason

    def as_failure(self) -> dict:
        """The code and values the page words in the student's language."""
        return {"code": "site_file", "params": {"file": self.path, "reason": self.reason}}


async def fetch(base_url: str, path: str) -> bytes:
    """The bytes of ``path`` on the site."""
    try:
        response = await pyfetch(str(js.URL.new(path, str(base_url)).href))
    except Exception as exc:  # the browser's own failure (offline, blocked): a JS error
        raise SiteFileError(path, str(exc).split("\n")[0][:120]) from None
    if not response.ok:
        raise SiteFileError(path, f"HTTP {response.status}")
    return await response.bytes()


async def _split(base_url: str, split: str) -> None:
    """Fetch one split of MNIST (``train`` or ``test``) into ``_mnist``, once."""
    if f"x_{split}" in _mnist:
        return
    arrays = {}
    for part in ("img", "label"):
        stem = MNIST_FILES[f"{split}_{part}"]
        arrays[part] = parse_idx(await fetch(base_url, f"data/{stem}.gz"), f"{stem}.gz")
    _mnist[f"x_{split}"] = arrays["img"].reshape(-1, 784)
    _mnist[f"t_{split}"] = arrays["label"]


async def mnist_test(base_url: str) -> dict:
    """``x_test`` (10000×784 uint8) and ``t_test`` alone (1.6 MB instead of 11.5): enough to
    show a test image."""
    await _split(base_url, "test")
    return _mnist


async def mnist(base_url: str) -> dict:
    """``x_train`` (60000×784 uint8), ``t_train``, ``x_test``, ``t_test``, verified by
    ``pynet.data.parse_idx`` (magic number, sizes)."""
    await _split(base_url, "train")
    await _split(base_url, "test")
    return _mnist
