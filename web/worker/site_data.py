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
