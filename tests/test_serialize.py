import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from pynet import serialize
from pynet.network import MultiLayerNet
from pynet.serialize import ModelFileError

X = np.random.default_rng(0).standard_normal((4, 12))


def saved(network=None, info=None) -> bytes:
    network = network or MultiLayerNet(12, [6], 3, use_batchnorm=True, seed=0)
    return serialize.to_bytes(network, info)


def rewrite(data: bytes, **replace) -> bytes:
    """The same .npz with some members replaced (raw bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            key = name.removesuffix(".npy")
            if key in replace:
                if replace[key] is not None:
                    dst.writestr(name, replace[key])
            else:
                dst.writestr(name, src.read(name))
    return out.getvalue()


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def test_round_trip_keeps_weights_config_and_info(tmp_path):
    network = MultiLayerNet(12, [6], 3, use_batchnorm=True, activation="tanh", seed=0)
    network.loss(X, [0, 1, 2, 0], train_flg=True)  # move the running averages
    serialize.save(network, tmp_path / "m.npz", {"test_accuracy": 0.97, "optimizer": "adam"})
    loaded, info = serialize.load_with_info(tmp_path / "m.npz")
    assert info == {"test_accuracy": 0.97, "optimizer": "adam"}
    assert loaded.config == network.config
    assert np.array_equal(loaded.predict(X), network.predict(X))


def test_a_pickle_bearing_file_is_refused_without_running_it():
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('pickle code ran')",))

    hostile = rewrite(saved(), W1=npy(np.array([Boom()], dtype=object)))
    with pytest.raises(ModelFileError, match="Python objects \\(a pickle\\); refused"):
        serialize.load(hostile)


def test_a_raw_pickle_is_refused():
    with pytest.raises(ModelFileError, match="not an .npz model file"):
        serialize.load(pickle.dumps({"W1": np.zeros(3)}))


def test_garbage_is_refused():
    with pytest.raises(ModelFileError, match="not an .npz model file"):
        serialize.load(b"this is not a model")


def test_wrong_shape_is_refused():
    bad = rewrite(saved(), W1=npy(np.zeros((12, 7), np.float32)))
    with pytest.raises(ModelFileError, match=r"W1 has shape \(12, 7\), the config needs \(12, 6\)"):
        serialize.load(bad)


def test_missing_array_is_refused():
    with pytest.raises(ModelFileError, match="missing gamma1, unexpected none") as caught:
        serialize.load(rewrite(saved(), gamma1=None))
    assert caught.value.params == {"missing": ["gamma1"], "unexpected": []}


def test_nan_weights_are_refused():
    bad = rewrite(saved(), b1=npy(np.full(6, np.nan, np.float32)))
    with pytest.raises(ModelFileError, match="b1 contains NaN"):
        serialize.load(bad)


def test_invalid_config_is_refused():
    meta = {
        "format": "pynet-model",
        "version": 1,
        "info": {},
        "config": {
            "input_size": 12,
            "hidden_size_list": [6],
            "output_size": 3,
            "activation": "os.system",
        },
    }
    bad = rewrite(saved(), __meta__=npy(np.array(json.dumps(meta))))
    with pytest.raises(ModelFileError, match="the network config is invalid: unknown activation"):
        serialize.load(bad)


def test_a_file_without_metadata_is_refused():
    buffer = io.BytesIO()
    np.savez(buffer, W1=np.zeros((2, 2)))
    with pytest.raises(ModelFileError, match="no pynet metadata"):
        serialize.load(buffer.getvalue())


def test_the_older_keyword_form_of_save_still_records_info(tmp_path):
    network = MultiLayerNet(12, [6], 3, seed=0)
    serialize.save(network, tmp_path / "m.npz", test_accuracy=0.5, epochs=3, lr=0.1)
    assert serialize.load_with_info(tmp_path / "m.npz")[1] == {
        "test_accuracy": 0.5,
        "epochs": 3,
        "lr": 0.1,
    }


def test_a_file_object_is_read_from_where_it_stands():
    buffer = io.BytesIO(saved())
    assert serialize.load(buffer).config["hidden_size_list"] == [6]
