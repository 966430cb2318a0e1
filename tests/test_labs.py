"""The labs' worker module (web/worker/labs.py), run natively: its parameter checks and results.

Its browser-only imports (``js``, ``pyodide.http``, ``pyscript``) are stubbed; the lab
functions themselves are plain pynet."""

import asyncio
import json
import sys
import types
from concurrent.futures import ThreadPoolExecutor

import pytest

for name in ("js", "pyodide", "pyodide.http", "pyscript"):
    sys.modules.setdefault(name, types.ModuleType(name))
sys.modules["pyodide.http"].pyfetch = None
# As without SharedArrayBuffer, a call to the page gives a future, never a value: the labs
# only report, and ask the page nothing.
sys.modules["pyscript"].sync = types.SimpleNamespace(lab_progress=lambda done, total: object())

import labs  # noqa: E402

from pynet import serialize  # noqa: E402
from pynet.network import MultiLayerNet  # noqa: E402


def test_bad_lab_values_get_a_sentence():
    with pytest.raises(labs.LabError, match="seed must be a number, got 'abc'"):
        labs.lab_init_histograms(
            {"weight": "xavier", "activation": "sigmoid", "seed": "abc"}, None, labs.Control()
        )
    with pytest.raises(labs.LabError, match="steps must be from 1 to 1000, got 0"):
        labs.lab_optimizer_paths(
            {**{f"lr_{n}": "0.1" for n in labs.experiments.BOOK_PATH_LRS}, "steps": "0"},
            None,
            labs.Control(),
        )


def test_gradcheck_lab_checks_the_given_model_in_float64(mnist):
    (x, t), (xt, tt) = mnist
    model = serialize.to_bytes(MultiLayerNet(784, [20], 10, use_batchnorm=True, seed=0))
    data = {"x_test": xt, "t_test": tt}
    r = labs.lab_gradcheck(
        {"samples": "2", "entries": "10", "seed": "0"}, data, labs.Control(), model
    )
    assert set(r["errors"]) == {"W1", "b1", "W2", "b2", "gamma1", "beta1"}
    assert max(r["errors"].values()) < 1e-6


def test_init_lab_accepts_names_and_numbers():
    params = {"weight": "xavier", "activation": "sigmoid", "seed": "0"}
    assert labs.lab_init_histograms(params, None, labs.Control())["layers"][0]["saturated"] < 0.05
    params["weight"] = "1"
    assert labs.lab_init_histograms(params, None, labs.Control())["layers"][0]["saturated"] > 0.5
    params["weight"] = "big"
    with pytest.raises(labs.LabError, match="weight must be a number, got 'big'"):
        labs.lab_init_histograms(params, None, labs.Control())


def test_run_reports_errors_as_json():
    params = {**{f"lr_{n}": "0.1" for n in labs.experiments.BOOK_PATH_LRS}, "steps": "-1"}
    # On its own thread: Playwright's session keeps an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        text = pool.submit(
            asyncio.run, labs.run("optimizer_paths", "http://x/", json.dumps(params))
        ).result()
    assert json.loads(text) == {"error": "steps must be from 1 to 1000, got -1"}
