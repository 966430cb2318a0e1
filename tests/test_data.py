import gzip

import numpy as np
import pytest

from pynet.data import (
    IDXError,
    idx_bytes,
    load_mnist,
    read_idx,
    split_validation,
    subset,
    write_idx,
)


def test_idx_round_trip_plain_and_gzipped(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    for name in ("x-idx3-ubyte", "x-idx3-ubyte.gz"):
        write_idx(tmp_path / name, images)
        assert np.array_equal(read_idx(tmp_path / name), images)
    assert gzip.decompress((tmp_path / "x-idx3-ubyte.gz").read_bytes())[:4] == b"\x00\x00\x08\x03"


def test_idx_header_is_big_endian_sizes_after_the_magic_number():
    assert (
        idx_bytes(np.array([7, 8], dtype=np.uint8)) == b"\x00\x00\x08\x01\x00\x00\x00\x02\x07\x08"
    )


def test_wrong_magic_number_is_refused(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x12\x34\x08\x01\x00\x00\x00\x01\x00")
    with pytest.raises(IDXError, match="wrong magic number 12340801"):
        read_idx(tmp_path / "bad")


def test_truncated_file_is_refused(tmp_path):
    data = idx_bytes(np.zeros((10, 28, 28), dtype=np.uint8))
    (tmp_path / "short").write_bytes(data[:-100])
    with pytest.raises(IDXError, match="truncated or corrupt"):
        read_idx(tmp_path / "short")


def test_truncated_gzip_is_refused(tmp_path):
    data = gzip.compress(idx_bytes(np.zeros((10, 28, 28), dtype=np.uint8)))
    (tmp_path / "short.gz").write_bytes(data[:-20])
    with pytest.raises(IDXError, match="gzip data is corrupt or truncated"):
        read_idx(tmp_path / "short.gz")


def test_images_and_labels_of_different_counts_are_refused(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((5, 28, 28), np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(4, np.uint8))
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((2, 28, 28), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(2, np.uint8))
    with pytest.raises(IDXError, match=r"\(5, 28, 28\) images do not match \(4,\) labels"):
        load_mnist(path=tmp_path)


def test_missing_files_say_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="build.py"):
        load_mnist(path=tmp_path)


def test_load_mnist_shapes_like_the_book(mnist):
    (x_train, t_train), (x_test, t_test) = mnist
    assert x_train.shape == (60000, 784) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 784)
    counts = np.bincount(t_train).tolist()
    assert counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(t_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_load_mnist_options():
    (x, t), _ = load_mnist(normalize=True, flatten=False, one_hot_label=True)
    assert x.shape == (60000, 1, 28, 28) and x.dtype == np.float32 and x.max() == 1.0
    assert t.shape == (60000, 10) and t.sum() == 60000


def test_validation_split_and_subset_are_disjoint_and_seeded():
    x = np.arange(100)
    (xt, _), (xv, _) = split_validation(x, x, 0.2, seed=1)
    assert len(xv) == 20 and len(xt) == 80 and not set(xt) & set(xv)
    assert np.array_equal(subset(x, x, 10, seed=3)[0], subset(x, x, 10, seed=3)[0])
