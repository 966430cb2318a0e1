"""The training form's checks, as the page's worker runs them."""

import sys
import types

import plan
import pytest

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


def test_a_valid_form_becomes_a_training_plan():
    result, errors = plan.parse(VALID)
    assert errors == {}
    assert result["network"]["hidden_size_list"] == [100, 50]
    assert result["network"]["use_batchnorm"] is True
    assert result["network"]["use_dropout"] is False
    assert result["network"]["weight_init_std"] == "he"
    assert result["optimizer_param"] == {"lr": 0.001, "beta1": 0.9, "beta2": 0.99}
    assert (result["epochs"], result["mini_batch_size"], result["train_size"]) == (2, 100, 5000)
    assert (result["steps_per_epoch"], result["total_steps"]) == (50, 100)


def test_std_init_is_the_books_001_and_dropout_turns_on_above_zero():
    result, _ = plan.parse({**VALID, "init": "std", "dropout": "0.2"})
    assert result["network"]["weight_init_std"] == 0.01
    assert result["network"]["use_dropout"] is True and result["network"]["dropout_ratio"] == 0.2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("learning-rate", "-0.1", "learning rate must be a positive number, got -0.1"),
        ("learning-rate", "fast", "learning rate must be a number, got 'fast'"),
        ("hidden-layers", "100,x", "hidden layers must be sizes separated by commas"),
        ("hidden-layers", "0", "hidden layer size must be a positive whole number, got 0"),
        ("hidden-layers", "5000,5000", "keep it under 3,000,000"),
        ("weight-decay", "-1", "weight decay must be 0 or a positive number"),
        ("dropout", "1", "dropout ratio must be at least 0 and below 1, got 1.0"),
        ("epochs", "0", "epochs must be from 1 to 100, got 0"),
        ("epochs", "2.5", "epochs must be a whole number, got '2.5'"),
        ("train-size", "100", "training samples must be from 300 to 60,000, got 100"),
        ("batch-size", "6000", "batch size must be from 1 to 5,000, got 6,000"),
        ("init", "lecun", "unknown weight init 'lecun'"),
        ("optimizer-params", "beta1=2", "beta1 must be at least 0 and below 1, got 2.0"),
        (
            "optimizer-params",
            "momentum=0.9",
            "Adam has no parameter momentum; it takes lr, beta1, beta2",
        ),
        ("optimizer-params", "beta1 0.9", "write optimizer parameters as name=value"),
    ],
)
def test_each_bad_value_is_reported_next_to_its_field(field, value, message):
    result, errors = plan.parse({**VALID, field: value})
    assert result is None
    assert list(errors) == [field]
    assert message in errors[field]["message"]


def test_unknown_optimizer_is_reported_on_the_optimizer_field():
    _, errors = plan.parse({**VALID, "optimizer": "adamw"})
    assert errors["optimizer"]["code"] == "unknown_optimizer"
    assert "unknown optimizer 'adamw'" in errors["optimizer"]["message"]


def test_choices_come_from_pynets_lists():
    choices = plan.choices()
    assert list(choices["optimizers"]) == [
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
    ]
    assert choices["optimizers"]["adam"] == {
        "label": "Adam",
        "lr": 0.001,
        "params": "beta1=0.9, beta2=0.999",
    }
    assert choices["optimizers"]["sgd"]["params"] == ""
    assert choices["activations"] == ["relu", "sigmoid", "tanh"]
    assert choices["inits"] == ["std", "xavier", "he", "zeros"]


def test_the_forms_defaults_are_pynets_own_for_its_optimizer():
    # state.py runs on the main thread (MicroPython, no pynet), so it spells the defaults
    # out; they must stay what pynet's optimizer takes. (Its ``js`` is only for URL coding.)
    sys.modules.setdefault("js", types.ModuleType("js"))
    import state

    optimizer = plan.choices()["optimizers"][state.DEFAULTS["optimizer"]]
    assert float(state.DEFAULTS["learning-rate"]) == optimizer["lr"]
    assert state.DEFAULTS["optimizer-params"] == optimizer["params"]
