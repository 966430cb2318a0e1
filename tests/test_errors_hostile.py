"""Errors for odd input: a code and params for the page, a sentence for the student."""

import re
import string
from pathlib import Path

import numpy as np
import pytest

from pynet.errors import MESSAGES, NAMES, PynetError
from pynet.expression import ExpressionError
from pynet.graph import GraphError
from pynet.netstep import NetStepError
from pynet.network import MultiLayerNet, NetworkConfigError, check_config, state_shapes
from pynet.optimizers import OptimizerConfigError, make_optimizer
from pynet.trainer import Trainer, TrainerArgumentError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = {"name": "lr", "keys": ["evil"], "choices": ["a", "b"], "detail": None}


def sample_params(template: str) -> dict:
    fields = {field for _, field, spec, _ in string.Formatter().parse(template) if field}
    return {field: SAMPLE.get(field, 7) for field in fields}


def test_every_code_has_a_sentence_that_fills_in():
    for code, template in MESSAGES.items():
        params = sample_params(template)
        if "detail" in params:
            params["detail"] = PynetError("not_positive", name="lr", value=-1)
        message = str(PynetError(code, **params))
        assert message and "{" not in message, code


def test_codes_are_snake_case_and_names_cover_every_quantity_pynet_names():
    assert all(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", code) for code in MESSAGES)
    assert {"lr", "beta1", "mini_batch_size", "train_size", "hidden_size"} <= set(NAMES)


def test_every_code_raised_in_pynet_and_the_form_is_in_the_table():
    # The graph and network steppers keep their own codes, in their error classes' tables.
    tables = [MESSAGES, GraphError.MESSAGES, ExpressionError.MESSAGES, NetStepError.MESSAGES]
    known = set().union(*tables)
    sources = [*ROOT.glob("pynet/*.py"), ROOT / "web" / "worker" / "plan.py"]
    raised = set()
    for path in sources:
        raised |= set(re.findall(r'Error\(\s*"([a-z0-9_]+)"', path.read_text()))
    assert raised, "the scan found no raise sites"
    assert raised <= known, raised - known


def test_an_error_carries_its_code_plain_params_and_english_sentence():
    error = PynetError("not_positive", name="lr", value=np.float32(-0.5))
    assert isinstance(error, ValueError)
    assert error.to_dict() == {
        "code": "not_positive",
        "params": {"name": "lr", "value": -0.5},
        "message": "learning rate must be a positive number, got -0.5",
    }
    assert type(error.params["value"]) is float


def test_hostile_values_are_cut_short_in_params_and_sentence():
    error = PynetError("unknown_activation", value="x" * 10_000, choices=list(range(50)))
    assert len(error.params["value"]) == 60 and error.params["value"].endswith("…")
    assert error.params["choices"] == [*range(10), "…"]
    assert len(str(error)) < 200


def test_a_nested_error_is_said_with_the_same_table():
    inner = NetworkConfigError("unknown_activation", value="softplus", choices=["relu"])
    error = PynetError("model_config_invalid", detail=inner)
    assert error.params["detail"]["code"] == "unknown_activation"
    assert str(error) == (
        "the network config is invalid: unknown activation 'softplus'; choose one of relu"
    )


def test_an_empty_list_reads_as_none():
    error = PynetError("model_arrays_mismatch", missing=["W2"], unexpected=[])
    assert str(error) == "the arrays do not fit the config: missing W2, unexpected none"


BASE = {"input_size": 8, "hidden_size_list": [5], "output_size": 3}


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        ({"evil": 1}, "config_unknown_keys", "unknown settings: evil"),
        ({"hidden_size_list": 5}, "hidden_sizes_not_list", "must be a list of whole numbers"),
        ({"hidden_size_list": [2.5]}, "not_positive_int", "hidden layer size must be a positive"),
        ({"input_size": True}, "not_positive_int", "input size must be a positive whole number"),
        ({"activation": ["relu"]}, "unknown_activation", "unknown activation \"['relu']\""),
        ({"weight_init_std": [1]}, "not_a_number", "weight init std must be a number"),
        ({"weight_decay_lambda": "0.1"}, "not_a_number", "weight decay must be a number"),
        ({"weight_decay_lambda": float("inf")}, "weight_decay_invalid", "got inf"),
        ({"dropout_ratio": float("nan")}, "not_fraction", "dropout ratio must be at least 0"),
        ({"use_batchnorm": "yes"}, "not_a_flag", "batch norm must be true or false"),
        ({"dtype": "evil"}, "unknown_dtype", "dtype must be float32 or float64, got 'evil'"),
        ({"seed": -1}, "seed_invalid", "seed must be empty or a whole number from 0 to"),
        ({"seed": "x"}, "seed_invalid", "got 'x'"),
    ],
)
def test_a_config_that_python_would_choke_on_gets_a_code_and_a_sentence(options, code, message):
    with pytest.raises(NetworkConfigError, match=re.escape(message)) as caught:
        check_config({**BASE, **options})
    assert caught.value.code == code


def test_a_config_missing_a_size_names_it():
    with pytest.raises(NetworkConfigError) as caught:
        check_config({"input_size": 8, "output_size": 3})
    assert (caught.value.code, caught.value.params) == (
        "config_missing_keys",
        {"keys": ["hidden_size_list"]},
    )


def test_a_checked_config_is_the_networks_own_with_defaults_filled_in():
    network = MultiLayerNet(8, [5], 3, weight_init_std=np.float64(0.1), seed=np.int64(4))
    assert check_config(BASE)["activation"] == "relu"
    assert network.config["weight_init_std"] == 0.1 and type(network.config["seed"]) is int


@pytest.mark.parametrize("use_batchnorm", [False, True])
def test_state_shapes_are_known_without_building_the_network(use_batchnorm):
    config = check_config({**BASE, "hidden_size_list": [5, 4], "use_batchnorm": use_batchnorm})
    network = MultiLayerNet(**config)
    assert state_shapes(config) == {k: v.shape for k, v in network.get_state().items()}


def test_optimizer_errors_carry_codes():
    with pytest.raises(OptimizerConfigError) as caught:
        make_optimizer("adam", beta1="0.9")
    assert caught.value.code == "not_a_number"
    assert str(caught.value) == "beta1 must be a number, got '0.9'"
    with pytest.raises(OptimizerConfigError) as caught:
        make_optimizer(None)
    assert caught.value.code == "unknown_optimizer"


def test_trainer_errors_carry_codes():
    x, t = np.zeros((4, 3)), np.zeros(4, dtype=int)
    network = MultiLayerNet(3, [], 2)
    with pytest.raises(TrainerArgumentError) as caught:
        Trainer(network, x, t[:3], x, t)
    assert caught.value.code == "labels_mismatch"
    with pytest.raises(TrainerArgumentError) as caught:
        Trainer(network, x, t, x, t, mini_batch_size=2.0)
    assert caught.value.params == {"name": "mini_batch_size", "value": 2.0}
