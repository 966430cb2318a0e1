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
    (row,) = labs.lab_init_histograms(params, None, labs.Control())["rows"]
    assert row["key"] == "xavier" and row["layers"][0]["saturated"] < 0.05
    params["weight"] = "1"
    (row,) = labs.lab_init_histograms(params, None, labs.Control())["rows"]
    assert row["key"] == "1" and row["layers"][0]["saturated"] > 0.5
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


def test_init_lab_by_default_draws_the_books_four_figures_each_with_its_activation():
    params = {"weight": "book", "activation": "tanh", "seed": "0"}  # the menu rests then
    rows = labs.lab_init_histograms(params, None, labs.Control())["rows"]
    assert [(r["key"], r["activation"], r["figure"]) for r in rows] == [
        ("1", "sigmoid", "6-10"),
        ("0.01", "sigmoid", "6-11"),
        ("xavier", "sigmoid", "6-13"),
        ("he", "relu", "6-14"),
    ]
    last = {r["key"]: r["layers"][-1] for r in rows}
    assert last["1"]["saturated"] > 0.5  # piled up at 0 and 1
    assert last["0.01"]["std"] < 0.02  # collapsed near 0.5
    assert last["xavier"]["std"] > 0.1 and last["xavier"]["saturated"] < 0.05  # spread
    assert last["he"]["std"] > 0.5  # ReLU keeps its spread with He


def test_hyperparameter_lab_says_which_ranges_it_searched_and_how_many_count_as_best(mnist):
    (x, t), _ = mnist
    params = {
        "lr_low": "1e-3",
        "lr_high": "1e-1",
        "wd_low": "1e-8",
        "wd_high": "1e-4",
        "trials": "3",
        "epochs": "2",
        "samples": "200",
        "seed": "0",
    }
    r = labs.lab_hyperparams(params, {"x_train": x, "t_train": t}, labs.Control())
    assert r["lr_range"] == (1e-3, 1e-1) and r["wd_range"] == (1e-8, 1e-4)
    assert r["best"] == 5 and len(r["trials"]) == 3
