import json

import numpy as np
import pytest

from pynet.expression import MAX_DEPTH, MAX_LENGTH, MAX_NODES, ExpressionError, build, variables
from pynet.graph import GraphError


def walk(text: str, **values) -> dict:
    return build(text, values).walkthrough()


def grads(text: str, **values) -> dict:
    return {name: c["grad"]["values"] for name, c in walk(text, **values)["inputs"].items()}


def refusal(text: str, **values) -> GraphError:
    with pytest.raises(GraphError) as error:
        build(text, values)
    return error.value


def test_typed_formula_gives_gradients_a15_b10_c5_d10():
    checks = walk("(a*b + c)*d", a=2, b=3, c=4, d=5)["inputs"]
    assert {name: c["grad"]["values"] for name, c in checks.items()} == {
        "a": 15,
        "b": 10,
        "c": 5,
        "d": 10,
    }
    numeric = {name: c["numeric_grad"]["values"] for name, c in checks.items()}
    assert numeric == pytest.approx({"a": 15, "b": 10, "c": 5, "d": 10})


def test_typed_formula_names_its_nodes_u1_u2_and_the_output_L():
    nodes = walk("(a*b + c)*d", a=2, b=3, c=4, d=5)["nodes"]
    assert [(n["id"], n["name"], n["value"]["values"]) for n in nodes] == [
        ("n0", "a", 2),
        ("n1", "b", 3),
        ("n2", "u1", 6),
        ("n3", "c", 4),
        ("n4", "u2", 10),
        ("n5", "d", 5),
        ("n6", "L", 50),
    ]
    assert nodes[0]["testid"] == "graph-input-a" and nodes[2]["testid"] == "graph-node-n2"


def test_x_times_x_at_3_adds_two_gradients_of_3_to_6():
    (step,) = walk("x*x", x=3)["steps"]
    assert [c["input"] for c in step["inputs"]] == ["n0", "n0"]
    assert [c["product"]["values"] for c in step["inputs"]] == [3, 3]
    assert [c["grad"]["values"] for c in step["inputs"]] == [3, 6]
    assert step["inputs"][1]["latex"].endswith(r",\quad \frac{\partial L}{\partial x} = 3 + 3 = 6")
    assert grads("x*x", x=3) == {"x": 6}


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a + b", {"a": 1, "b": 2}, {"a": 1, "b": 1}),
        ("a - b", {"a": 1, "b": 2}, {"a": 1, "b": -1}),
        ("a / b", {"a": 1, "b": 2}, {"a": 0.5, "b": -0.25}),
        ("-x", {"x": 2}, {"x": -1}),
        ("+x", {"x": 2}, {"x": 1}),
        ("x**3", {"x": 2}, {"x": 12}),
        ("x**-1", {"x": 2}, {"x": -0.25}),
        ("exp(x)", {"x": 0}, {"x": 1}),
        ("log(x)", {"x": 2}, {"x": 0.5}),
        ("sigmoid(x)", {"x": 0}, {"x": 0.25}),
        ("tanh(x)", {"x": 0}, {"x": 1}),
        ("relu(x)", {"x": -1}, {"x": 0}),
        ("relu(x)", {"x": 2}, {"x": 1}),
        ("sqrt(x)", {"x": 4}, {"x": 0.25}),
        ("2*x + 1", {"x": 5}, {"x": 2}),
    ],
)
def test_each_operation_has_its_derivative(text, values, expected):
    checks = build(text, values).walkthrough()["inputs"]
    assert {name: c["grad"]["values"] for name, c in checks.items()} == pytest.approx(expected)
    for c in checks.values():
        assert c["error"] < 1e-7


def test_a_formula_of_every_function_agrees_with_central_differences():
    text = "sigmoid(x*y) + tanh(x - y) / sqrt(x) - log(y)**2 + relu(exp(-x)) * x"
    for check in walk(text, x=0.7, y=1.3)["inputs"].values():
        assert check["error"] < 1e-7


def test_walkthrough_of_a_formula_is_plain_json():
    result = walk("exp(a) / (1 + b**2)", a=1, b=2)
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_variables_are_listed_in_the_order_they_appear():
    assert variables("sigmoid(w*x + b) + w") == ["w", "x", "b"]


def test_numeric_gradient_is_none_where_the_formula_is_undefined_a_step_away():
    check = walk("log(x)", x=1e-6)["inputs"]["x"]
    assert check["grad"]["values"] == pytest.approx(1e6)
    assert check["numeric_grad"] is None and check["error"] is None


def test_import_is_refused_as_an_unknown_function():
    error = refusal("__import__('os')")
    assert isinstance(error, ExpressionError)
    assert error.code == "unknown_function" and error.params["name"] == "__import__"


def test_attribute_access_is_refused():
    error = refusal("x.__class__", x=1)
    assert (error.code, error.params) == ("unsupported_syntax", {"syntax": "Attribute"})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("[x]", "unsupported_syntax"),
        ("x[0]", "unsupported_syntax"),
        ("lambda: x", "unsupported_syntax"),
        ("x if x else 1", "unsupported_syntax"),
        ("x < 1", "unsupported_syntax"),
        ("(x := 1)", "unsupported_syntax"),
        ("x.real(1)", "unsupported_syntax"),
        ("'os'", "not_a_number"),
        ("x // 2", "unsupported_operator"),
        ("not x", "unsupported_operator"),
        ("x ^ 2", "caret_power"),
        ("x ** x", "exponent_not_constant"),
        ("exp", "function_without_argument"),
        ("exp(x, x)", "wrong_argument_count"),
        ("exp(x=1)", "wrong_argument_count"),
        ("open(x)", "unknown_function"),
        ("y + 1", "unknown_variable"),
        ("x +", "syntax_error"),
        ("   ", "empty"),
    ],
)
def test_anything_outside_the_whitelist_is_refused_with_a_code(text, code):
    assert refusal(text, x=1).code == code


def test_syntax_error_names_the_column():
    assert refusal("a + * b", a=1, b=1).params == {"column": 5}
    assert refusal("a +", a=1).params == {"column": 4}  # just past the end


def test_a_formula_too_long_is_refused_before_it_is_parsed():
    error = refusal("x+" * 150 + "x", x=1)
    assert (error.code, error.params) == ("too_long", {"limit": MAX_LENGTH, "length": 301})


def test_a_formula_nested_too_deep_is_refused():
    error = refusal("-" * 40 + "x", x=1)
    assert (error.code, error.params) == ("too_deep", {"limit": MAX_DEPTH})


def test_a_formula_with_too_many_nodes_is_refused():
    def balanced(depth: int) -> str:
        return "1" if depth == 0 else f"({balanced(depth - 1)}+{balanced(depth - 1)})"

    text = balanced(5)  # 32 ones and 31 additions in 125 characters
    error = refusal(text)
    assert (error.code, error.params) == ("too_many_nodes", {"limit": MAX_NODES})


@pytest.mark.parametrize(
    ("text", "values", "code", "params"),
    [
        ("log(x)", {"x": 0}, "log_domain", {"value": 0.0}),
        ("log(x)", {"x": -2}, "log_domain", {"value": -2.0}),
        ("1 / (x - 1)", {"x": 1}, "division_by_zero", {}),
        ("sqrt(x)", {"x": -4}, "sqrt_domain", {"value": -4.0}),
        ("sqrt(x)", {"x": 0}, "not_differentiable", {"op": "sqrt"}),
        ("x ** 0.5", {"x": -4}, "power_domain", {"value": -4.0, "exponent": 0.5}),
        ("exp(x)", {"x": 1000}, "overflow", {"op": "exp"}),
    ],
)
def test_values_outside_a_functions_domain_are_refused_with_a_code(text, values, code, params):
    error = refusal(text, **values)
    assert (error.code, error.params) == (code, params)


def test_log_of_zero_says_so_in_english():
    assert str(refusal("log(x)", x=0)) == "log needs a number above 0, got 0.0"


@pytest.mark.parametrize(
    ("name", "code"),
    [("L", "reserved_name"), ("u1", "reserved_name"), ("exp", "reserved_name")]
    + [("1x", "bad_name"), ("x-y", "bad_name"), ("_x", "bad_name"), ("a" * 17, "bad_name")],
)
def test_variable_names_that_would_clash_or_break_a_testid_are_refused(name, code):
    assert refusal("1", **{name: 1}).code == code


def test_variable_values_must_be_finite_numbers():
    assert refusal("x", x=np.inf).code == "bad_value"
    assert refusal("x", x="two").code == "bad_value"
    assert refusal("x", x=True).code == "bad_value"
