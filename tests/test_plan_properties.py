"""Property: the training form's parser never raises; it returns settings or field errors."""

import plan
from hypothesis import given, settings
from hypothesis import strategies as st

from pynet.errors import MESSAGES
from pynet.network import check_config

FIELDS = [
    "hidden-layers",
    "activation",
    "init",
    "optimizer",
    "learning-rate",
    "optimizer-params",
    "weight-decay",
    "dropout",
    "batchnorm",
    "epochs",
    "batch-size",
    "train-size",
    "seed",
]
#: Plausible values, so that valid forms come up too, among arbitrary text.
TYPED = [
    "", "0", "1", "2", "٣", " 100 ", "300", "5000", "1e-3", "0.5", "nan", "-1", "1e999",
    "adam", "sgd", "relu", "tanh", "he", "std", "true", "false", "10,10", "1,,2",
    "beta1=0.9", "momentum=0.9", "lr=5",
]  # fmt: skip
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
values = st.one_of(st.sampled_from(TYPED), st.text(max_size=30), st.booleans(), st.none())


def check(raw) -> None:
    result, errors = plan.parse(raw)
    assert (result is None) == bool(errors)
    for field, error in errors.items():
        assert field in FIELDS
        assert error["code"] in MESSAGES and isinstance(error["params"], dict)
        assert isinstance(error["message"], str) and error["message"]
    if result is not None:
        assert check_config(result["network"]) == result["network"]
        assert result["total_steps"] == result["epochs"] * result["steps_per_epoch"] > 0


@settings(max_examples=300, deadline=1000)
@given(st.fixed_dictionaries({field: values for field in FIELDS}))
def test_parse_of_any_complete_form_never_raises(raw):
    check(raw)


@settings(max_examples=200, deadline=1000)
@given(st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), values))
def test_parse_of_any_partial_form_never_raises(raw):
    check(raw)


@settings(max_examples=300, deadline=1000)
@given(st.dictionaries(st.sampled_from(FIELDS), values, max_size=3))
def test_parse_of_a_valid_form_with_a_few_fields_changed_never_raises(changes):
    check({**VALID, **changes})
