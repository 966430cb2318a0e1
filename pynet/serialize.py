"""Saving and loading a network as ``.npz``: its arrays plus its constructor config as JSON.

A model file may come from anywhere (the page lets students upload one), so ``load`` trusts
nothing: no pickles (``allow_pickle=False``), only the arrays the config calls for, each of
exactly the right shape, finite, and read only after its stored size has been checked.
"""

import io
import json
import zipfile
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .network import MultiLayerNet

FORMAT = "pynet-model"
FORMAT_VERSION = 1
_META_KEY = "__meta__"
#: The largest model we accept (a 784-1000-1000-1000-10 float64 network is about 40 MB).
MAX_ARRAY_BYTES = 256 * 1024 * 1024


class ModelFileError(ValueError):
    """The file is not a valid pynet model; the sentence says what is wrong with it."""


def save(network: MultiLayerNet, path: str | Path | BinaryIO, **info) -> None:
    """Write ``network`` to ``path`` (a file name or a binary file object).

    ``info`` adds JSON-serialisable facts to the metadata, such as ``test_accuracy``.
    """
    meta = {"format": FORMAT, "version": FORMAT_VERSION, "config": network.config, "info": info}
    arrays = network.get_state()
    arrays[_META_KEY] = np.array(json.dumps(meta))
    np.savez(path, **arrays)


def to_bytes(network: MultiLayerNet, **info) -> bytes:
    """The ``.npz`` file contents, for a download."""
    buffer = io.BytesIO()
    save(network, buffer, **info)
    return buffer.getvalue()


def _read_meta(npz) -> dict:
    if _META_KEY not in npz.files:
        raise ModelFileError("this .npz has no pynet metadata; it was not saved by pynet")
    try:
        raw = npz[_META_KEY]
    except ValueError:  # numpy refuses object arrays when allow_pickle is False
        raise ModelFileError("the metadata holds Python objects (a pickle); refused") from None
    try:
        meta = json.loads(str(raw[()]))
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"the metadata is not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError("the metadata does not describe a pynet model")
    if meta.get("version") != FORMAT_VERSION:
        raise ModelFileError(f"model format version {meta.get('version')!r} is not supported")
    if not isinstance(meta.get("config"), dict):
        raise ModelFileError("the metadata has no network config")
    return meta


def load_with_info(source: str | Path | BinaryIO | bytes) -> tuple[MultiLayerNet, dict]:
    """A network and the ``info`` it was saved with, from a file name, file object or bytes.

    Raises ``ModelFileError`` for anything that is not a valid, complete pynet model.
    """
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    elif not hasattr(source, "read"):
        source = io.BytesIO(Path(source).read_bytes())
    if not zipfile.is_zipfile(source):
        raise ModelFileError("not an .npz model file (a model is a zip archive of arrays)")
    source.seek(0)
    try:
        npz = np.load(source, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"not a readable .npz file ({exc})") from None
    with npz:
        meta = _read_meta(npz)
        try:
            network = MultiLayerNet(**meta["config"])
        except (TypeError, ValueError) as exc:
            raise ModelFileError(f"the network config is invalid: {exc}") from None

        expected = network.get_state()
        present = set(npz.files) - {_META_KEY}
        if present != set(expected):
            missing = sorted(set(expected) - present)
            extra = sorted(present - set(expected))
            raise ModelFileError(
                f"the arrays do not fit the config: missing {missing}, unexpected {extra}"
            )
        state = {}
        for key, ref in expected.items():
            stored = npz.zip.getinfo(f"{key}.npy").file_size
            if stored > min(MAX_ARRAY_BYTES, 2 * ref.size * 8 + 1024):
                raise ModelFileError(f"{key} is {stored} bytes, far more than its shape needs")
            try:
                value = npz[key]
            except ValueError:
                raise ModelFileError(f"{key} holds Python objects (a pickle); refused") from None
            if value.shape != ref.shape:
                raise ModelFileError(f"{key} has shape {value.shape}, the config needs {ref.shape}")
            if value.dtype.kind != "f":
                raise ModelFileError(f"{key} has type {value.dtype}, expected floating point")
            if not np.all(np.isfinite(value)):
                raise ModelFileError(f"{key} contains NaN or infinite values")
            state[key] = value
    network.set_state(state)
    info = meta.get("info") if isinstance(meta.get("info"), dict) else {}
    return network, info


def load(source: str | Path | BinaryIO | bytes) -> MultiLayerNet:
    """The network saved in ``source`` (see ``load_with_info``)."""
    return load_with_info(source)[0]
