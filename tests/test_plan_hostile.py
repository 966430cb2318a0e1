"""What people type into the training form, odd or hostile: a plan or a coded field error."""

import plan
import pytest

from pynet.errors import MESSAGES
from pynet.network import MultiLayerNet

VALID = {
    "hidden-layers": "100, 50",
    "activation": "relu",
    "init": "he",
    "optimizer": "adam",
    "learning-rate": "0.001",
    "optimizer-params": "beta1=0.9, beta2=0.99",
    "weight-decay": "0",
    "dropout": "0",
    "batchnorm": True,
    "epochs": "2",
    "batch-size": "100",
    "train-size": "5000",
    "seed": "3",
}


def settings(**fields) -> dict:
    result, errors = plan.parse({**VALID, **fields})
    assert errors == {}
    return result


def error(field: str, value) -> dict:
    result, errors = plan.parse({**VALID, field: value})
    assert result is None and list(errors) == [field]
    return errors[field]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("  2  ", 2),
        ("\u00a02\u3000", 2),  # a no-break space and an ideographic space
        ("٣", 3),  # Arabic-Indic digit three
        ("３", 3),  # full-width three
        ("१०", 10),  # Devanagari ten
    ],
)
def test_epochs_may_be_typed_with_spaces_and_any_scripts_digits(typed, value):
    assert settings(epochs=typed)["epochs"] == value


def test_decimals_may_have_exponents_grouping_and_any_scripts_digits():
    assert settings(**{"learning-rate": " 1e-3 "})["optimizer_param"]["lr"] == 0.001
    assert settings(**{"learning-rate": "１e-3"})["optimizer_param"]["lr"] == 0.001
    assert settings(**{"train-size": "10_000"})["train_size"] == 10_000


def test_a_whole_number_field_takes_digits_only():
    assert error("epochs", "2.0")["code"] == "not_whole_number"
    assert error("epochs", "1e1")["code"] == "not_whole_number"


@pytest.mark.parametrize("typed", ["nan", "inf", "-inf", "1e999"])
def test_a_learning_rate_that_is_not_finite_is_refused_by_pynet(typed):
    assert error("learning-rate", typed)["code"] == "not_positive"


def test_the_learning_rate_among_the_optimizer_parameters_is_a_field_error():
    assert error("optimizer-params", "lr=5") == {
        "code": "lr_in_optimizer_params",
        "params": {},
        "message": "set the learning rate in its own field, not here",
    }


def test_a_parameter_given_twice_is_a_field_error():
    assert error("optimizer-params", "beta1=0.9, beta1=0.8")["params"] == {"name": "beta1"}


@pytest.mark.parametrize("typed", ["=0.9", "beta1=", "beta1=x", "beta1=0.9=0.8"])
def test_malformed_optimizer_parameters_are_field_errors(typed):
    assert error("optimizer-params", typed)["code"] in {"optimizer_params_format", "not_a_number"}


def test_twenty_thousand_hidden_layers_are_refused_by_the_layer_cap():
    err = error("hidden-layers", ",".join(["1"] * 20_000))
    assert err["code"] == "too_many_layers"
    assert err["params"] == {"count": 20_000, "limit": plan.MAX_HIDDEN_LAYERS}


def test_ten_hidden_layers_are_the_most():
    assert settings(**{"hidden-layers": ",".join(["10"] * 10)})["network"]["hidden_size_list"]
    assert error("hidden-layers", ",".join(["10"] * 11))["code"] == "too_many_layers"


def test_a_number_too_long_to_be_typed_is_refused():
    assert error("epochs", "1" * 41) == {
        "code": "field_too_long",
        "params": {"limit": 40},
        "message": "write at most 40 characters here",
    }
    assert error("hidden-layers", "1" * 41)["code"] == "hidden_layers_format"


def test_a_huge_field_is_refused_before_it_is_read():
    assert error("optimizer-params", "x" * 200_000)["code"] == "field_too_long"


@pytest.mark.parametrize(("typed", "value"), [(False, False), ("true", True), (" On ", True)])
def test_the_checkbox_may_be_a_bool_or_how_the_url_spells_it(typed, value):
    assert settings(batchnorm=typed)["network"]["use_batchnorm"] is value


def test_a_checkbox_that_is_neither_is_a_field_error():
    assert error("batchnorm", "maybe")["code"] == "not_a_flag"


def test_an_empty_form_is_all_field_errors_never_an_exception():
    result, errors = plan.parse({})
    assert result is None
    assert set(errors) == {
        "activation",
        "init",
        "optimizer",
        "learning-rate",
        "weight-decay",
        "dropout",
        "epochs",
        "batch-size",
        "train-size",
        "seed",
    }
    assert all(e["code"] in MESSAGES and e["message"] for e in errors.values())


def test_a_form_that_is_not_a_dict_is_all_field_errors():
    assert plan.parse(None)[0] is None and plan.parse(["epochs"])[1]


def test_a_bad_optimizer_and_a_bad_learning_rate_are_both_reported():
    _, errors = plan.parse({**VALID, "optimizer": "adamw", "learning-rate": "fast"})
    assert set(errors) == {"optimizer", "learning-rate"}


def test_the_optimizer_name_is_read_in_any_case():
    assert settings(optimizer=" ADAM ")["optimizer"] == "adam"


def test_total_steps_count_the_last_smaller_batch():
    result = settings(**{"train-size": "5000", "batch-size": "300", "epochs": "2"})
    assert (result["steps_per_epoch"], result["total_steps"]) == (17, 34)


def test_the_plans_network_is_one_pynet_builds():
    network = MultiLayerNet(**settings(dropout="0.2")["network"])
    assert network.config["use_dropout"] is True and network.config["dropout_ratio"] == 0.2
