"""An error's words: its params as the sentence shows them, so the page can say it in Korean
by plain substitution (MicroPython has no format specs)."""

import pytest

from pynet.errors import PynetError, for_page, words
from pynet.netstep import NetStepError, NetStepper


def test_numbers_take_the_templates_format_and_values_their_repr():
    error = PynetError("out_of_range", name="epochs", low=1, high=100000, value=300000)
    assert words(error.code, error.params) == {
        "name": "epochs",
        "low": "1",
        "high": "100,000",
        "value": "300,000",
    }
    assert words("not_a_number", {"name": "lr", "value": "abc"})["value"] == "'abc'"


def test_lists_are_joined_and_a_nested_error_brings_its_own_words():
    unknown = PynetError(
        "unknown_optimizer_params", optimizer="Adam", names=["momentum"], allowed=["beta1", "beta2"]
    )
    assert words(unknown.code, unknown.params)["allowed"] == "beta1, beta2"
    nested = PynetError(
        "model_config_invalid", detail=PynetError("not_a_number", name="lr", value="x")
    )
    sent = for_page(nested.to_dict())
    assert sent["words"]["detail"]["words"] == {"name": "lr", "value": "'x'"}
    assert (
        sent["message"] == "the network config is invalid: learning rate must be a number, got 'x'"
    )


def test_a_code_of_a_modules_own_table_takes_that_tables_formats():
    # netstep's out_of_range has no number format, unlike the shared one: a size typed as
    # text is said as typed, where the shared format would fail on it
    with pytest.raises(NetStepError) as error:
        NetStepper(input_size="many")
    sent = for_page(error.value.to_dict(), NetStepError.MESSAGES)
    assert sent["words"] == {"name": "input_size", "low": "1", "high": "8", "value": "many"}
