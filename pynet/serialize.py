"""Saving and loading a network as ``.npz``: its arrays plus its constructor config as JSON.

A model file may come from anywhere (the page lets students upload one), so ``load`` trusts
nothing, and checks everything before it builds or allocates anything large:

1. the file is at most ``MAX_FILE_BYTES`` and a readable zip archive, each entry stored or
   deflated, none twice;
2. the metadata entry is a string of at most ``MAX_META_CHARS`` characters of JSON (no NaN),
   with ``format``, ``version``, a ``config`` that ``pynet.network.check_config`` accepts and
   that stays within ``MAX_HIDDEN_LAYERS`` hidden layers, ``MAX_UNITS`` units in any layer and
   ``MAX_WEIGHTS`` weights, and an ``info`` that fits ``INFO_FIELDS``;
3. the entries are exactly the arrays that config calls for, and each ``.npy`` header declares
   exactly the shape the config needs and a float type (never Python objects: no pickles);
   only then is each array read, bounded by the bytes that shape needs, whatever the zip
   directory claims;
4. every array is finite once cast to the network's dtype, and no running variance is
   negative;
5. the built network's output is finite for zeros and for a fixed random batch.

Any failure is a ``ModelFileError`` with a code (see ``pynet.errors``); nothing else escapes,
whatever the bytes.

``info`` holds facts about the model (``test_accuracy``, ``epochs``, ...). Only the keys of
``INFO_FIELDS`` are kept, on saving and on loading: a key of a newer pynet, or a note like
``build.py``'s ``recipe``, is dropped, never trusted; a known key with a value of the wrong kind
or out of range refuses the file (or the save).
"""

import inspect
import io
import json
import math
import struct
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.lib import format as npy

from .errors import PynetError, is_real, is_whole
from .network import (
    DTYPES,
    MultiLayerNet,
    NetworkConfigError,
    check_config,
    layer_sizes,
    state_shapes,
    weight_count,
)
from .optimizers import OPTIMIZERS

FORMAT = "pynet-model"
FORMAT_VERSION = 1
_META_KEY = "__meta__"

#: Caps on the network a file may declare (784-1000-1000-1000-10 has 2.8 million weights).
MAX_HIDDEN_LAYERS = 20
MAX_UNITS = 10_000
MAX_WEIGHTS = 10_000_000
#: ``MAX_WEIGHTS`` float64 weights are 80 MB; biases and batch norm add little.
MAX_FILE_BYTES = 128 * 2**20
#: The metadata is a few hundred characters of JSON.
MAX_META_CHARS = 65_536
#: numpy writes headers of about a hundred bytes; its reader refuses more than this.
_MAX_HEADER_BYTES = 10_000
#: The magic string, version and header length before a .npy header.
_PREAMBLE_BYTES = 12
#: float16, float32 and float64 arrays are read (and cast to the network's dtype).
_FLOAT_SIZES = (2, 4, 8)

#: Where a model in the page came from.
SOURCES = ("default", "trained", "uploaded", "saved")


def _kind(kind: type, value: Any) -> Any:
    """``value`` as a plain ``kind`` (float, int or str), or ``None`` if it is not one."""
    if kind is str:
        return value if isinstance(value, str) else None
    if kind is int:
        return int(value) if is_whole(value) else None
    return float(value) if is_real(value) else None


#: The facts ``info`` may record: each key's kind and the test its value must pass.
INFO_FIELDS = {
    "test_accuracy": (float, lambda v: 0 <= v <= 1),
    "epochs": (int, lambda v: 0 <= v <= 1_000_000),
    "train_size": (int, lambda v: 1 <= v <= 10_000_000),
    "optimizer": (str, lambda v: v in OPTIMIZERS),
    "source": (str, lambda v: v in SOURCES),
    "trained_on": (str, lambda v: len(v) <= 100),
    **{
        param: (float, math.isfinite)
        for cls in OPTIMIZERS.values()
        for param in inspect.signature(cls).parameters
    },
}


class ModelFileError(PynetError):
    """The file is not a valid pynet model; the code and sentence say what is wrong with it."""


def check_info(info: dict) -> dict:
    """The facts of ``info`` that ``INFO_FIELDS`` knows, as plain values; others are dropped.

    Raises
    ------
    ModelFileError
        ``model_info_invalid`` for a known key whose value is of the wrong kind or range.
    """
    if not isinstance(info, dict):
        raise ModelFileError("model_info_invalid", key="info", value=info)
    checked = {}
    for key, value in info.items():
        if key in INFO_FIELDS:
            kind, test = INFO_FIELDS[key]
            plain = _kind(kind, value)
            if plain is None or not test(plain):
                raise ModelFileError("model_info_invalid", key=key, value=value)
            checked[key] = plain
    return checked


def save(
    network: MultiLayerNet, path: str | Path | BinaryIO, /, info: dict | None = None, **fields
) -> None:
    """Write ``network`` to ``path`` (a file name or a binary file object).

    Parameters
    ----------
    network
        The network; its config and ``get_state()`` arrays are written.
    path
        A file name or a binary file object.
    info
        Facts to keep with the model, such as ``{"test_accuracy": 0.97}`` (see ``INFO_FIELDS``;
        other keys are dropped).
    **fields
        More facts, the older way to pass them: ``save(network, path, test_accuracy=0.97)``.
        Any key is safe here, even ``network`` or ``path`` (``network`` and ``path`` are
        positional only); ``info`` names the dict above.

    Raises
    ------
    ModelFileError
        ``model_info_invalid`` for a known fact with a value that no file may hold.
    """
    meta = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "config": network.config,
        "info": check_info({} if info is None else info) | check_info(fields),
    }
    arrays = network.get_state()
    arrays[_META_KEY] = np.array(json.dumps(meta, allow_nan=False))
    np.savez(path, **arrays)


def to_bytes(network: MultiLayerNet, /, info: dict | None = None, **fields) -> bytes:
    """The ``.npz`` file contents, for a download (``info`` and ``fields`` as for ``save``)."""
    buffer = io.BytesIO()
    save(network, buffer, info, **fields)
    return buffer.getvalue()


#: What a damaged archive makes zipfile, zlib or numpy raise while reading it: among others
#: BadZipFile for a bad CRC, zlib.error for corrupt deflate data, ValueError for a negative
#: seek, NotImplementedError (a RuntimeError) for an unsupported zip feature. MemoryError and
#: RecursionError must never reach the page either.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    OverflowError,
    MemoryError,
    struct.error,
    ValueError,
)


def load_with_info(source: str | Path | BinaryIO | bytes) -> tuple[MultiLayerNet, dict]:
    """A network and the ``info`` it was saved with, from a file name, file object or bytes.

    Raises
    ------
    ModelFileError
        For anything that is not a valid, complete, sound pynet model (see the module's
        docstring for the checks, in order).
    """
    data = _read_source(source)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ModelFileError("model_not_npz")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _load(archive)
    except ModelFileError:
        raise
    except _DAMAGE:
        raise ModelFileError("model_unreadable") from None


def load(source: str | Path | BinaryIO | bytes) -> MultiLayerNet:
    """The network saved in ``source`` (see ``load_with_info``)."""
    return load_with_info(source)[0]


def _read_source(source: str | Path | BinaryIO | bytes) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read(MAX_FILE_BYTES + 1)
    else:
        with open(source, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError("model_too_large", limit=MAX_FILE_BYTES)
    return data


def _load(archive: zipfile.ZipFile) -> tuple[MultiLayerNet, dict]:
    entries = _entries(archive)
    if _META_KEY not in entries:
        raise ModelFileError("model_no_metadata")
    config, info = _read_meta(archive, entries.pop(_META_KEY))
    shapes = state_shapes(config)
    if set(entries) != set(shapes):
        raise ModelFileError(
            "model_arrays_mismatch",
            missing=sorted(set(shapes) - set(entries)),
            unexpected=sorted(set(entries) - set(shapes)),
        )
    # Every header first: a wrong one is refused before any array is read in full.
    for key, shape in shapes.items():
        with _array_entry(archive, entries[key], key, shape):
            pass
    dtype = DTYPES[config["dtype"]]
    state = {
        key: _read_array(archive, entries[key], key, shape, dtype) for key, shape in shapes.items()
    }
    with np.errstate(over="ignore"):  # a huge init std overflows, but the file's weights win
        network = MultiLayerNet(**config)
    network.set_state(state)
    _check_output(network)
    return network, info


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by array name, each once, each stored or deflated."""
    entries = {}
    for item in archive.infolist():
        key = item.filename.removesuffix(".npy")
        if key in entries:
            raise ModelFileError("model_duplicate_entry", entry=key)
        encrypted = item.flag_bits & 0x1
        if encrypted or item.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError("model_unsupported_entry", entry=key)
        entries[key] = item
    return entries


@contextmanager
def _npy_entry(archive: zipfile.ZipFile, item: zipfile.ZipInfo, key: str, data_limit: int):
    """The entry's stream just past its .npy header, with the header's shape, order and dtype.

    The entry may hold at most a header and ``data_limit`` bytes: a larger declared size is
    refused unread, and zipfile never reads past the declared size (a lie there fails the CRC).
    """
    limit = _PREAMBLE_BYTES + _MAX_HEADER_BYTES + data_limit
    if item.file_size > limit:
        raise ModelFileError("model_entry_too_large", entry=key, size=item.file_size, limit=limit)
    with archive.open(item) as stream:
        try:
            version = npy.read_magic(stream)
            read_header = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}
            shape, fortran, dtype = read_header[version](stream, max_header_size=_MAX_HEADER_BYTES)
        except (zipfile.BadZipFile, zlib.error):
            raise  # the archive is damaged: see load_with_info
        except Exception:  # numpy evaluates the header's text: hostile text fails in many ways
            raise ModelFileError("model_array_header", entry=key) from None
        if dtype.hasobject:
            raise ModelFileError("model_pickle", entry=key)
        yield stream, shape, fortran, dtype


def _read_exactly(stream: BinaryIO, size: int, key: str) -> bytes:
    """``size`` bytes, the entry's last: fewer or more is refused (reading on checks its CRC)."""
    data = stream.read(size)
    if len(data) != size or stream.read(1):
        raise ModelFileError("model_array_size", entry=key)
    return data


def _read_meta(archive: zipfile.ZipFile, item: zipfile.ZipInfo) -> tuple[dict, dict]:
    """The checked config and info of the metadata entry (a 0-d string array of JSON)."""
    with _npy_entry(archive, item, _META_KEY, 4 * MAX_META_CHARS) as (stream, shape, _, dtype):
        if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_META_CHARS:
            raise ModelFileError("model_not_pynet")
        text = str(np.frombuffer(_read_exactly(stream, dtype.itemsize, _META_KEY), dtype)[0])
    try:
        meta = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ModelFileError("model_metadata_not_json") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError("model_not_pynet")
    version = meta.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ModelFileError("model_version", version=version)
    info = check_info(meta.get("info", {}))
    if not isinstance(meta.get("config"), dict):
        raise ModelFileError("model_config_missing")
    return _check_config(meta["config"]), info


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _check_config(config: dict) -> dict:
    """The config, checked by the network and kept within the caps on a file's network."""
    try:
        config = check_config(config)
    except NetworkConfigError as exc:
        raise ModelFileError("model_config_invalid", detail=exc) from None
    hidden = config["hidden_size_list"]
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise ModelFileError("model_too_many_layers", count=len(hidden), limit=MAX_HIDDEN_LAYERS)
    sizes = layer_sizes(config)
    if max(sizes) > MAX_UNITS:
        raise ModelFileError("model_layer_too_wide", size=max(sizes), limit=MAX_UNITS)
    if weight_count(sizes) > MAX_WEIGHTS:
        raise ModelFileError(
            "model_too_many_weights", weights=weight_count(sizes), limit=MAX_WEIGHTS
        )
    return config


@contextmanager
def _array_entry(archive: zipfile.ZipFile, item: zipfile.ZipInfo, key: str, shape: tuple):
    """The array's stream past its header, once the header declares ``shape`` in floats."""
    data_limit = math.prod(shape) * max(_FLOAT_SIZES)
    with _npy_entry(archive, item, key, data_limit) as (stream, declared, fortran, dtype):
        if declared != shape:
            raise ModelFileError("model_array_shape", entry=key, shape=declared, expected=shape)
        if dtype.kind != "f" or dtype.itemsize not in _FLOAT_SIZES:
            raise ModelFileError("model_array_dtype", entry=key, dtype=str(dtype))
        yield stream, fortran, dtype


def _read_array(
    archive: zipfile.ZipFile, item: zipfile.ZipInfo, key: str, shape: tuple, dtype: type
) -> np.ndarray:
    """The array, cast to the network's ``dtype``, once it is finite there."""
    with _array_entry(archive, item, key, shape) as (stream, fortran, stored_dtype):
        data = _read_exactly(stream, math.prod(shape) * stored_dtype.itemsize, key)
    stored = np.frombuffer(data, stored_dtype).reshape(shape, order="F" if fortran else "C")
    if not np.all(np.isfinite(stored)):
        raise ModelFileError("model_array_not_finite", entry=key)
    with np.errstate(over="ignore"):
        value = stored.astype(dtype)
    if not np.all(np.isfinite(value)):
        raise ModelFileError("model_array_overflows", entry=key, dtype=np.dtype(dtype).name)
    if key.startswith("running_var") and np.any(value < 0):
        raise ModelFileError("model_running_var_negative", entry=key)
    return value


def _check_output(network: MultiLayerNet) -> None:
    """Refuse a network whose output is not finite for zeros or a fixed random batch."""
    n = network.config["input_size"]
    probes = (np.zeros((1, n)), np.random.default_rng(0).random((8, n)))
    with np.errstate(all="ignore"):
        if not all(np.all(np.isfinite(network.predict(x))) for x in probes):
            raise ModelFileError("model_output_not_finite")
