"""The steppers' worker module (web/worker/steppers.py), run natively: what the page sends
(the fields' text) and what it gets back (JSON with a result, or an error it can word)."""

import json

import numpy as np
import pytest
import steppers

from pynet.graph import sigmoid


@pytest.fixture(autouse=True)
def fresh_stepper():
    """Each test starts as a page does: with no network yet."""
    steppers._net.update(stepper=None, key=None)


def walk(**request) -> dict:
    return json.loads(steppers.graph_walk(json.dumps(request)))


def grads(answer: dict) -> dict:
    return {name: c["grad"]["values"] for name, c in answer["result"]["inputs"].items()}


def test_the_sigmoid_preset_at_1_walks_back_to_sigma_times_one_minus_sigma():
    answer = walk(preset="sigmoid", values={"x": "1"})
    check = answer["result"]["inputs"]["x"]
    assert check["grad"]["values"] == pytest.approx(sigmoid(1) * (1 - sigmoid(1)), abs=1e-15)
    assert check["numeric_grad"]["values"] == pytest.approx(0.19661193, abs=1e-8)


def test_a_typed_formula_takes_its_values_as_typed():
    answer = walk(expression="(a*b + c)*d", values={"a": "2", "b": "3", "c": " 4", "d": "5"})
    assert grads(answer) == {"a": 15, "b": 10, "c": 5, "d": 10}


def test_a_variable_without_a_value_starts_at_one_and_old_values_are_ignored():
    answer = walk(expression="x*y", values={"x": "3", "gone": "7"})
    assert grads(answer) == {"x": 1, "y": 3}


def test_a_matrix_is_typed_in_brackets():
    answer = walk(preset="affine", values={"X": "[[1, 0], [0, 1]]"})
    dW = answer["result"]["inputs"]["W"]["grad"]["values"]
    assert dW == [[1, 2, 3], [4, 5, 6]]  # Xᵀ·dY with X = I is dY itself


def test_a_refused_formula_comes_back_as_an_error_of_the_graph_table():
    error = walk(expression="__import__('os')", values={})["error"]
    assert (error["code"], error["table"]) == ("unknown_function", "graph")
    assert error["words"]["name"] == "__import__"


def test_a_value_that_is_not_a_number_is_refused_in_words():
    for request in (
        {"preset": "apple", "values": {"tax": "abc"}},
        {"expression": "x + 1", "values": {"x": "abc"}},
        {"preset": "affine", "values": {"b": "[1, 2"}},
    ):
        error = walk(**request)["error"]
        assert (error["code"], error["table"]) == ("bad_value", "graph"), request


SIZES = {"input_size": "4", "hidden_size": "3", "output_size": "2", "batch_size": "2", "seed": "0"}


def forward(**changes) -> dict:
    return json.loads(steppers.netstep_forward(json.dumps({**SIZES, **changes})))


def test_backward_before_forward_asks_for_forward_first():
    error = json.loads(steppers.netstep_backward())["error"]
    assert (error["code"], error["table"]) == ("forward_first", "netstep")


def test_the_network_steps_forward_backward_and_through_an_update():
    assert forward()["result"]["matrices"]["W1"]["shape"] == [4, 3]
    backward = json.loads(steppers.netstep_backward())["result"]
    dW1, numeric = (np.array(backward[part]["dW1"]["values"]) for part in ("matrices", "numeric"))
    np.testing.assert_allclose(dW1, numeric, atol=1e-9)
    entry = json.loads(steppers.netstep_entry("dW1", 0, 1))["result"]
    assert entry["sum"] == pytest.approx(dW1[0, 1], abs=1e-15)
    update = json.loads(steppers.netstep_update(json.dumps({"optimizer": "sgd", "lr": "0.5"})))
    change = np.array(update["result"]["params"]["W1"]["update"]["values"])
    np.testing.assert_allclose(change, -0.5 * dW1, atol=1e-15)


def test_forward_again_uses_the_updated_weights_until_the_sizes_change():
    first = forward()["result"]
    assert first["fresh"]
    steppers.netstep_backward()
    steppers.netstep_update(json.dumps({"optimizer": "sgd", "lr": "1"}))
    again = forward()["result"]
    assert not again["fresh"] and again["loss"] < first["loss"]
    assert forward(new=True)["result"]["loss"] == first["loss"]  # the seed, drawn again
    assert forward(hidden_size="5")["result"]["matrices"]["W1"]["shape"] == [4, 5]


def test_sizes_and_learning_rates_are_refused_in_words():
    error = forward(input_size="9")["error"]
    assert (error["code"], error["table"]) == ("out_of_range", "netstep")
    assert error["words"]["value"] == "9"
    assert forward(batch_size="two")["error"]["words"]["value"] == "two"
    forward()
    steppers.netstep_backward()
    error = json.loads(steppers.netstep_update(json.dumps({"optimizer": "sgd", "lr": "fast"})))
    assert (error["error"]["code"], error["error"]["table"]) == ("not_a_number", "")
    error = json.loads(steppers.netstep_update(json.dumps({"optimizer": "sgd", "lr": "-1"})))
    assert error["error"]["code"] == "not_positive"
