"""Property: any bytes, any damage to a valid model file, any metadata: a sound network or a
ModelFileError, quickly; never another exception."""

import io
import json
import time
import zipfile

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pynet import serialize
from pynet.errors import MESSAGES
from pynet.network import MultiLayerNet
from pynet.serialize import ModelFileError

NETWORK = MultiLayerNet(12, [6, 5], 3, use_batchnorm=True, use_dropout=True, seed=0)
STORED = serialize.to_bytes(NETWORK, {"test_accuracy": 0.5, "optimizer": "adam", "lr": 0.001})


def entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(name, zf.read(name)) for name in zf.namelist()]


def archive(items, compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return out.getvalue()


ENTRIES = entries(STORED)
DEFLATED = archive(ENTRIES, zipfile.ZIP_DEFLATED)
FILES = st.sampled_from([STORED, DEFLATED])
#: The longest a load may take on any input here (a valid one takes about 3 ms).
TIME_LIMIT = 1.0


def loads_or_refuses(data: bytes) -> None:
    start = time.perf_counter()
    try:
        network = serialize.load(data)
    except ModelFileError as exc:
        assert exc.code in MESSAGES, exc.code
    else:
        assert isinstance(network, MultiLayerNet)
        x = np.random.default_rng(1).random((4, network.config["input_size"]))
        with np.errstate(all="ignore"):  # the output must be finite, whatever happens inside
            assert np.all(np.isfinite(network.predict(x)))
    assert time.perf_counter() - start < TIME_LIMIT


@settings(max_examples=300, deadline=1000)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    loads_or_refuses(data)


@settings(max_examples=300, deadline=1000)
@given(FILES, st.lists(st.tuples(st.integers(0, 2**32), st.integers(0, 7)), min_size=1, max_size=8))
def test_bit_flips(data, flips):
    data = bytearray(data)
    for position, bit in flips:
        data[position % len(data)] ^= 1 << bit
    loads_or_refuses(bytes(data))


@settings(max_examples=200, deadline=1000)
@given(FILES, st.integers(0, 2**32), st.integers(0, 2**32))
def test_truncations_and_cuts(data, start, length):
    """The file cut short, or a piece cut out of it (its directory stays, pointing astray)."""
    start, length = start % len(data), length % len(data)
    loads_or_refuses(data[:start])
    loads_or_refuses(data[:start] + data[start + length :])


@settings(max_examples=200, deadline=1000)
@given(st.permutations(range(len(ENTRIES))), st.booleans())
def test_entry_swaps(order, deflate):
    """Each entry's name kept, its contents another's: the CRCs hold, the content lies."""
    items = [(ENTRIES[i][0], ENTRIES[j][1]) for i, j in enumerate(order)]
    loads_or_refuses(archive(items, zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED))


@settings(max_examples=300, deadline=1000)
@given(
    st.integers(0, len(ENTRIES) - 1),
    st.lists(st.tuples(st.integers(0, 2**32), st.integers(0, 255)), min_size=1, max_size=6),
)
def test_entry_contents_rewritten_with_valid_crcs(index, writes):
    """Bytes of one .npy entry (header or numbers) overwritten, the archive made anew."""
    name, content = ENTRIES[index]
    content = bytearray(content)
    for position, value in writes:
        content[position % len(content)] = value
    loads_or_refuses(archive([*ENTRIES[:index], (name, bytes(content)), *ENTRIES[index + 1 :]]))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
plausible = st.sampled_from(
    [0, 1, 3, 6, 12, -1, 0.5, 1e300, "relu", "tanh", "he", "float64", [6, 5], [6], True, None]
)
META = json.loads(str(np.load(io.BytesIO(STORED))["__meta__"]))
PLACES = [("config", key) for key in META["config"]] + [
    ("info", key) for key in ["test_accuracy", "epochs", "optimizer", "lr", "source", "other"]
]


@settings(max_examples=300, deadline=1000)
@given(st.lists(st.tuples(st.sampled_from(PLACES), plausible | json_values), max_size=4))
def test_metadata_values_replaced(changes):
    meta = json.loads(json.dumps(META))
    for (part, key), value in changes:
        meta[part][key] = value
    buffer = io.BytesIO()
    np.save(buffer, np.array(json.dumps(meta)))
    items = [(n, buffer.getvalue() if n == "__meta__.npy" else d) for n, d in ENTRIES]
    loads_or_refuses(archive(items))
