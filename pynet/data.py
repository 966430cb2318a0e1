"""MNIST on disk: the IDX file format, ``load_mnist`` as in the book, and dataset splits.

The four canonical files (``train-images-idx3-ubyte`` etc., gzipped or not) are read from
``path``; ``build.py`` puts verified copies in the default folder.
"""

import gzip
import os
from pathlib import Path

import numpy as np

MNIST_FILES = {
    "train_img": "train-images-idx3-ubyte",
    "train_label": "train-labels-idx1-ubyte",
    "test_img": "t10k-images-idx3-ubyte",
    "test_label": "t10k-labels-idx1-ubyte",
}

#: IDX type codes: the third byte of the magic number.
_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class IDXError(ValueError):
    """An IDX file is malformed: wrong magic number, truncated, or of an unexpected shape."""


def default_data_dir() -> Path:
    """Where MNIST lives natively: ``$PYNET_DATA`` or the user's cache folder."""
    if os.environ.get("PYNET_DATA"):
        return Path(os.environ["PYNET_DATA"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "pynet" / "mnist"


def as_float(x: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Images as floats: uint8 pixels 0..255 become 0..1, anything else is cast to ``dtype``.

    Keeping MNIST as uint8 and converting one batch at a time is what lets the browser hold
    all 60,000 images in 47 MB instead of 188 MB.
    """
    x = np.asarray(x)
    if x.dtype == np.uint8:
        return x.astype(dtype) * dtype(1 / 255)
    return x.astype(dtype, copy=False)


def parse_idx(raw: bytes, name: str = "IDX data") -> np.ndarray:
    """Decode the bytes of an IDX file (gzip-compressed or not) into an array."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise IDXError(f"{name}: the gzip data is corrupt or truncated ({exc})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise IDXError(f"{name}: not an IDX file (wrong magic number {raw[:4].hex() or 'none'})")
    ndim = raw[3]
    header_len = 4 + 4 * ndim
    if len(raw) < header_len:
        raise IDXError(f"{name}: truncated header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    actual = len(raw) - header_len
    if actual != expected:
        raise IDXError(
            f"{name}: header says shape {shape} ({expected} bytes of data) but the file has "
            f"{actual}; it is truncated or corrupt"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header_len).reshape(shape)


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (``.gz`` or plain)."""
    return parse_idx(Path(path).read_bytes(), str(path))


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of a uint8 array (magic 0x0000080N, big-endian sizes, data)."""
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise ValueError(f"IDX writing supports uint8 arrays, got {array.dtype}")
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    return header + np.ascontiguousarray(array).tobytes()


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write a uint8 array as IDX; gzip-compressed if ``path`` ends in ``.gz``."""
    data = idx_bytes(array)
    path = Path(path)
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


def _find(folder: Path, stem: str) -> Path:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"{stem}(.gz) is not in {folder}; run `python3 build.py` once to fetch and verify MNIST"
    )


def load_mnist_arrays(path: str | Path | None = None):
    """The raw uint8 MNIST: ``(x_train (60000, 28, 28), t_train), (x_test, t_test)``."""
    folder = Path(path) if path is not None else default_data_dir()
    arrays = {key: read_idx(_find(folder, stem)) for key, stem in MNIST_FILES.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_img"], arrays[f"{split}_label"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise IDXError(
                f"MNIST {split} set: {images.shape} images do not match {labels.shape} labels"
            )
    return (arrays["train_img"], arrays["train_label"]), (arrays["test_img"], arrays["test_label"])


def one_hot(t: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Class indices as one-hot rows."""
    out = np.zeros((len(t), num_classes), dtype=np.float32)
    out[np.arange(len(t)), t] = 1
    return out


def load_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    path: str | Path | None = None,
):
    """MNIST as the book's ``dataset.mnist.load_mnist`` returns it.

    ``normalize`` gives float32 in 0..1 (else uint8 0..255), ``flatten`` gives 784-vectors
    (else 1×28×28 images), ``one_hot_label`` gives one-hot labels (else indices).
    """
    (x_train, t_train), (x_test, t_test) = load_mnist_arrays(path)

    def shape(x):
        x = as_float(x) if normalize else x
        return x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, 28, 28)

    def label(t):
        return one_hot(t) if one_hot_label else t.astype(np.int64)

    return (shape(x_train), label(t_train)), (shape(x_test), label(t_test))


def split_validation(
    x: np.ndarray, t: np.ndarray, validation_rate: float = 0.2, seed: int | None = None
):
    """Shuffle and hold out ``validation_rate`` of the data for tuning hyperparameters
    (chapter 6.5): ``(x_train, t_train), (x_val, t_val)``. Never tune on the test set."""
    if not 0 < validation_rate < 1:
        raise ValueError(f"validation rate must be between 0 and 1, got {validation_rate}")
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = max(1, int(len(x) * validation_rate))
    val, train = order[:n_val], order[n_val:]
    return (x[train], t[train]), (x[val], t[val])


def subset(x: np.ndarray, t: np.ndarray, n: int, seed: int | None = None):
    """A random ``n`` of the samples (all of them if ``n`` is at least their number)."""
    if n >= len(x):
        return x, t
    idx = np.sort(np.random.default_rng(seed).choice(len(x), n, replace=False))
    return x[idx], t[idx]
