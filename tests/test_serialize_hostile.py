"""Model files a mischievous student might upload: each is refused with a code, quickly."""

import io
import json
import struct
import time
import warnings
import zipfile

import numpy as np
import pytest

from pynet import serialize
from pynet.network import MultiLayerNet
from pynet.serialize import ModelFileError

CONFIG = {"input_size": 12, "hidden_size_list": [6], "output_size": 3, "use_batchnorm": True}


def network() -> MultiLayerNet:
    return MultiLayerNet(**CONFIG, seed=0)


def npy(array, fortran=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asfortranarray(array) if fortran else array, allow_pickle=True)
    return buffer.getvalue()


def meta(config=None, info=None, **top) -> bytes:
    fields = {"format": "pynet-model", "version": 1, "config": config or CONFIG, "info": info or {}}
    return npy(np.array(json.dumps({**fields, **top})))


def archive(entries: dict, compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: that is the point
        with zipfile.ZipFile(out, "w", compression) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return out.getvalue()


def model(replace=None, compression=zipfile.ZIP_STORED, **entries) -> bytes:
    """A valid model's entries, with some replaced (raw .npy bytes) or removed (None)."""
    state = {f"{key}.npy": npy(value) for key, value in network().get_state().items()}
    state["__meta__.npy"] = meta()
    for key, data in {**(replace or {}), **entries}.items():
        state[f"{key}.npy"] = data
    return archive([(k, v) for k, v in state.items() if v is not None], compression)


def refused(data: bytes) -> ModelFileError:
    with pytest.raises(ModelFileError) as caught:
        serialize.load(data)
    return caught.value


def test_the_untouched_model_loads():
    assert serialize.load(model()).config["use_batchnorm"] is True


# -- the metadata schema ------------------------------------------------------------------
@pytest.mark.parametrize("value", ["0.97", [0.97], 1.5, -0.1, None, True])
def test_a_test_accuracy_that_is_not_a_fraction_refuses_the_file(value):
    error = refused(model(__meta__=meta(info={"test_accuracy": value})))
    assert error.code == "model_info_invalid" and error.params["key"] == "test_accuracy"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("epochs", 2.5),
        ("train_size", 0),
        ("optimizer", "adamw"),
        ("lr", "fast"),
        ("source", "evil"),
        ("trained_on", "x" * 101),
    ],
)
def test_each_known_fact_has_a_kind_and_a_range(key, value):
    error = refused(model(__meta__=meta(info={key: value})))
    assert (error.code, error.params["key"]) == ("model_info_invalid", key)


def test_unknown_facts_are_dropped_and_known_ones_kept():
    info = {"test_accuracy": 0.9, "recipe": {"stages": [1, 2]}, "network": "evil", "lr": 1}
    assert serialize.load_with_info(model(__meta__=meta(info=info)))[1] == {
        "test_accuracy": 0.9,
        "lr": 1.0,
    }


def test_info_that_is_not_an_object_refuses_the_file():
    assert refused(model(__meta__=meta(info=[1, 2]))).code == "model_info_invalid"


def test_a_number_too_big_for_a_float_is_not_a_finite_fact():
    text = json.dumps({"format": "pynet-model", "version": 1, "config": CONFIG}).replace(
        '"version": 1', '"version": 1, "info": {"beta1": 1e400}'
    )
    error = refused(model(__meta__=npy(np.array(text))))
    assert (error.code, error.params["key"]) == ("model_info_invalid", "beta1")


def test_nan_in_the_metadata_is_not_json():
    text = json.dumps({"format": "pynet-model", "version": 1, "config": CONFIG}).replace(
        '"version": 1', '"version": 1, "info": {"test_accuracy": NaN}'
    )
    assert refused(model(__meta__=npy(np.array(text)))).code == "model_metadata_not_json"


def test_deeply_nested_metadata_is_not_json():
    text = '{"format": "pynet-model", "info": ' + "[" * 30_000 + "]" * 30_000 + "}"
    assert refused(model(__meta__=npy(np.array(text)))).code == "model_metadata_not_json"


def test_a_version_of_true_is_not_version_1():
    assert refused(model(__meta__=meta(version=True))).code == "model_version"


def test_metadata_as_a_pickle_is_refused():
    error = refused(model(__meta__=npy(np.array([{"format": "pynet-model"}], dtype=object))))
    assert (error.code, error.params["entry"]) == ("model_pickle", "__meta__")


# -- saving is safe for any info ------------------------------------------------------------
def test_save_takes_any_key_even_network_and_drops_the_unknown_ones():
    info = {"network": "x", "path": 1, "test_accuracy": 0.5}
    for data in (serialize.to_bytes(network(), **info), serialize.to_bytes(network(), info=info)):
        assert serialize.load_with_info(data)[1] == {"test_accuracy": 0.5}


def test_info_given_twice_keeps_the_keyword_facts():
    data = serialize.to_bytes(network(), {"epochs": 1, "lr": 0.1}, epochs=2)
    assert serialize.load_with_info(data)[1] == {"epochs": 2, "lr": 0.1}


def test_an_info_key_in_the_older_keyword_form_must_be_a_dict_of_facts():
    with pytest.raises(ModelFileError) as caught:
        serialize.to_bytes(network(), **{"info": 2})
    assert caught.value.params == {"key": "info", "value": 2}


def test_save_refuses_a_fact_no_file_may_hold():
    with pytest.raises(ModelFileError) as caught:
        serialize.to_bytes(network(), {"test_accuracy": float("nan")})
    assert caught.value.code == "model_info_invalid"


# -- the config: Python's complaints become sentences ---------------------------------------
@pytest.mark.parametrize(
    ("config", "detail"),
    [
        ({**CONFIG, "hidden_size_list": 5}, "hidden_sizes_not_list"),
        ({**CONFIG, "seed": "x"}, "seed_invalid"),
        ({**CONFIG, "seed": -1}, "seed_invalid"),
        ({**CONFIG, "evil": 1}, "config_unknown_keys"),
        ({**CONFIG, "input_size": 1e20}, "not_positive_int"),
        ({"input_size": 12}, "config_missing_keys"),
    ],
)
def test_a_config_python_would_choke_on_is_refused_in_words(config, detail):
    error = refused(model(__meta__=meta(config=config)))
    assert error.code == "model_config_invalid"
    assert error.params["detail"]["code"] == detail
    assert "object" not in str(error) and "__init__" not in str(error)


def test_a_config_that_is_not_an_object_is_missing():
    assert refused(model(__meta__=meta(config=[12, 6, 3]))).code == "model_config_missing"


@pytest.mark.parametrize(
    ("hidden", "code"),
    [
        ([2] * 21, "model_too_many_layers"),
        ([20_000], "model_layer_too_wide"),
        ([5_000, 5_000], "model_too_many_weights"),
    ],
)
def test_a_huge_network_is_refused_by_the_caps(hidden, code):
    config = {**CONFIG, "hidden_size_list": hidden}
    assert refused(model(__meta__=meta(config=config))).code == code


def test_a_big_config_with_few_arrays_is_refused_before_anything_is_built(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the network was built")

    monkeypatch.setattr(serialize, "MultiLayerNet", never)
    config = {**CONFIG, "input_size": 784, "hidden_size_list": [1000] * 9}  # 8.8 M weights
    start = time.perf_counter()
    error = refused(model(__meta__=meta(config=config)))
    assert error.code == "model_arrays_mismatch" and "W10" in error.params["missing"]
    assert time.perf_counter() - start < 0.5


# -- the arrays ---------------------------------------------------------------------------
def test_weights_that_overflow_float32_are_refused():
    error = refused(model(W1=npy(np.full((12, 6), 1e300))))
    assert error.to_dict()["params"] == {"entry": "W1", "dtype": "float32"}
    assert error.code == "model_array_overflows"


def test_a_negative_running_variance_is_refused():
    error = refused(model(running_var1=npy(np.full(6, -1.0, np.float32))))
    assert (error.code, error.params["entry"]) == ("model_running_var_negative", "running_var1")


def test_float64_and_fortran_ordered_arrays_are_read_and_cast():
    weights = np.arange(72, dtype=np.float64).reshape(12, 6) / 100
    loaded = serialize.load(model(W1=npy(weights, fortran=True)))
    assert loaded.params["W1"].dtype == np.float32
    assert np.array_equal(loaded.params["W1"], weights.astype(np.float32))


@pytest.mark.parametrize(
    ("array", "code"),
    [
        (np.zeros((12, 6), np.int32), "model_array_dtype"),
        (np.zeros((12, 6), np.complex64), "model_array_dtype"),
        (np.zeros((12, 6), np.longdouble), "model_array_dtype"),
        (np.zeros((6, 12), np.float32), "model_array_shape"),
    ],
)
def test_arrays_of_the_wrong_kind_are_refused(array, code):
    assert refused(model(W1=npy(array))).code == code


def test_a_header_declaring_80_gb_is_refused_before_allocating():
    header = npy(np.zeros((12, 6), np.float32))
    huge = header.replace(b"(12, 6)", b"(100000, 100000)")  # same header length, padded
    start = time.perf_counter()
    error = refused(model(W1=huge[: len(header) - 288]))
    assert error.code == "model_array_shape" and time.perf_counter() - start < 0.5


def test_an_array_with_bytes_missing_or_left_over_is_refused():
    data = npy(np.zeros((12, 6), np.float32))
    assert refused(model(W1=data[:-4])).code == "model_array_size"
    assert refused(model(W1=data + b"\0" * 4)).code == "model_array_size"


def test_a_garbled_header_is_refused():
    data = npy(np.zeros((12, 6), np.float32)).replace(b"'descr'", b"'d\xe9scr'")
    assert refused(model(W1=data)).code == "model_array_header"


def test_outputs_that_overflow_are_refused_though_each_weight_is_finite():
    error = refused(model(W1=npy(np.full((12, 6), 3e38, np.float32))))
    assert error.code == "model_output_not_finite"


# -- the archive ----------------------------------------------------------------------------
def patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """The archive with ``name``'s declared uncompressed size replaced, in both headers."""
    data = bytearray(data)
    local = data.find(b"PK\x03\x04")
    while local != -1:
        (name_len,) = struct.unpack("<H", data[local + 26 : local + 28])
        if data[local + 30 : local + 30 + name_len] == name:
            data[local + 22 : local + 26] = struct.pack("<I", size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        (name_len,) = struct.unpack("<H", data[central + 28 : central + 30])
        if data[central + 46 : central + 46 + name_len] == name:
            data[central + 24 : central + 28] = struct.pack("<I", size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_zip_bomb_whose_declared_size_lies_is_refused_quickly():
    honest = npy(np.zeros((12, 6), np.float32))
    bomb = model(W1=honest + b"\0" * 50_000_000, compression=zipfile.ZIP_DEFLATED)
    lying = patch_sizes(bomb, b"W1.npy", len(honest))
    start = time.perf_counter()
    assert refused(lying).code == "model_unreadable"  # the CRC is of the whole bomb
    assert time.perf_counter() - start < 0.5


def test_an_entry_declaring_80_gb_is_refused_unread():
    data = patch_sizes(model(), b"W1.npy", 0xFFFFFFFF)
    error = refused(data)
    assert error.code == "model_entry_too_large" and error.params["size"] == 0xFFFFFFFF


def test_a_bad_crc_is_refused():
    data = bytearray(model())
    data[data.find(b"W1.npy") + 6 + 128 + 10] ^= 0xFF  # a byte of W1's numbers
    assert refused(bytes(data)).code == "model_unreadable"


def test_corrupt_deflate_data_is_refused():
    data = bytearray(model(compression=zipfile.ZIP_DEFLATED))
    start = data.find(b"W1.npy") + len("W1.npy")
    data[start + 10 : start + 40] = b"\xff" * 30
    assert refused(bytes(data)).code == "model_unreadable"


def test_an_entry_twice_is_refused():
    entries = [("W1.npy", npy(np.zeros((12, 6)))), ("W1.npy", npy(np.zeros((12, 6))))]
    assert refused(archive(entries)).code == "model_duplicate_entry"


def test_an_entry_compressed_another_way_is_refused():
    error = refused(model(compression=zipfile.ZIP_BZIP2))
    assert error.code == "model_unsupported_entry"


def test_a_file_too_big_to_be_a_model_is_refused_unread(monkeypatch):
    monkeypatch.setattr(serialize, "MAX_FILE_BYTES", 1000)
    error = refused(model())
    assert error.to_dict() == {
        "code": "model_too_large",
        "params": {"limit": 1000},
        "message": "the file is more than 1,000 bytes, the most a model file may be",
    }


def test_a_truncated_archive_is_refused():
    data = model()
    assert refused(data[: len(data) // 2]).code == "model_not_npz"
    cut_inside = data[:100] + data[-200:]  # a directory that points at missing entries
    assert refused(cut_inside).code in {"model_not_npz", "model_unreadable"}
