"""pynet's wheel and the page's default model, trained natively and reused while nothing it
depends on changes."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

from .data import MNIST_SHA256
from .steps import CACHE, DIST, ROOT, BuildError, run, sha256_of

#: How the default model is trained: 784-100-10 with Adam, then a short fine-tuning at a
#: tenth of the learning rate, which lands it at about 97.8% rather than on the 97.5% bar.
DEFAULT_MODEL = {
    "hidden_size_list": [100],
    "optimizer": "adam",
    "mini_batch_size": 100,
    "stages": [{"epochs": 10, "lr": 0.001}, {"epochs": 2, "lr": 0.0001}],
    "seed": 0,
}
MIN_DEFAULT_ACCURACY = 0.975


def pynet_wheel() -> Path:
    """A py3-none-any wheel of this checkout's pynet, rebuilt only when its sources change.

    Pyodide's own ``pyodide build`` needs a cross-build environment it downloads and emsdk;
    pynet is pure Python, so the standard PyPA wheel is what Pyodide installs.
    """
    sources = sorted((ROOT / "pynet").rglob("*.py")) + [ROOT / "pyproject.toml"]
    digest = sha256_of(b"".join(p.name.encode() + p.read_bytes() for p in sources))[:16]
    folder = CACHE / "pynet-wheel" / digest
    existing = list(folder.glob("pynet-*-py3-none-any.whl"))
    if existing:
        return existing[0]
    shutil.rmtree(CACHE / "pynet-wheel", ignore_errors=True)
    # cwd elsewhere: from the checkout, `python -m build` would import this very build.py.
    folder.mkdir(parents=True)
    run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(folder),
            str(ROOT),
        ],
        stdout=subprocess.DEVNULL,
        cwd=folder,
    )
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    return next(folder.glob("pynet-*-py3-none-any.whl"))


def default_model(data_dir: Path) -> str:
    """Train the page's default model natively, or reuse it if nothing it depends on changed."""
    from pynet import serialize
    from pynet.data import load_mnist
    from pynet.network import MultiLayerNet
    from pynet.trainer import Trainer

    inputs = json.dumps(DEFAULT_MODEL, sort_keys=True).encode()
    inputs += b"".join(p.read_bytes() for p in sorted((ROOT / "pynet").rglob("*.py")))
    inputs += "".join(MNIST_SHA256.values()).encode()
    cached = CACHE / "models" / f"default-{sha256_of(inputs)[:16]}.npz"
    target = DIST / "models" / "default.npz"
    target.parent.mkdir(parents=True, exist_ok=True)
    if cached.exists():
        shutil.copy2(cached, target)
        network, info = serialize.load_with_info(cached)
        return f"reused (test accuracy {info['test_accuracy']:.4f})"

    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=False, path=data_dir)
    cfg = DEFAULT_MODEL
    network = MultiLayerNet(784, cfg["hidden_size_list"], 10, seed=cfg["seed"])
    seconds = 0.0
    for stage in cfg["stages"]:
        trainer = Trainer(
            network,
            x_train,
            t_train,
            x_test,
            t_test,
            epochs=stage["epochs"],
            mini_batch_size=cfg["mini_batch_size"],
            optimizer=cfg["optimizer"],
            optimizer_param={"lr": stage["lr"]},
            evaluate_sample_num_per_epoch=1000,
            seed=cfg["seed"],
            on_epoch=lambda i, lr=stage["lr"]: print(
                f"           lr {lr}, epoch {i.epoch}: test acc {i.test_acc:.3f}", flush=True
            ),
        )
        result = trainer.train()
        seconds += result.seconds
    if result.final_test_acc < MIN_DEFAULT_ACCURACY:
        raise BuildError(
            f"the default model reached only {result.final_test_acc:.4f} test accuracy "
            f"(needs {MIN_DEFAULT_ACCURACY})"
        )
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("default-*.npz"):
        old.unlink()
    serialize.save(
        network, cached, test_accuracy=result.final_test_acc, trained_on="MNIST 60,000", recipe=cfg
    )
    shutil.copy2(cached, target)
    return f"trained in {seconds:.1f} s, test accuracy {result.final_test_acc:.4f}"


def write_quick_model(model: Path, target: Path) -> str:
    """Write ``model``'s arrays where the page's main thread reads them without zip or npy
    (web/page/quick_guess.py, MicroPython): a little-endian uint32 header length, a JSON
    header (``activation``; ``layers``, each ``[inputs, outputs]``; the test accuracy),
    then each layer's W (row by row) and b as little-endian float32."""
    import numpy as np

    from pynet import serialize
    from pynet.network import layer_sizes

    network, info = serialize.load_with_info(model)
    config = network.config
    if config["use_batchnorm"]:
        raise BuildError("the page's quick guess reads networks without batch norm")
    sizes = layer_sizes(config)
    header = {
        "activation": config["activation"],
        "layers": [[n_in, n_out] for n_in, n_out in zip(sizes, sizes[1:], strict=False)],
        "test_accuracy": info.get("test_accuracy"),
    }
    arrays = []
    for idx in range(1, len(sizes)):
        arrays += [network.params[f"W{idx}"], network.params[f"b{idx}"]]
    values = b"".join(np.ascontiguousarray(a, dtype="<f4").tobytes() for a in arrays)
    text = json.dumps(header).encode()
    text += b" " * (-(len(text) + 4) % 4)  # the floats start at a multiple of 4
    target.write_bytes(struct.pack("<I", len(text)) + text + values)
    return f"{target.name} ({(len(text) + len(values)) / 1e3:.0f} KB, for the quick guess)"
