import json

import numpy as np
import pytest

from pynet import expression
from pynet.graph import (
    PRESETS,
    AddLayer,
    Graph,
    GraphError,
    MulLayer,
    buy_apple,
    buy_apple_orange,
    preset,
)


def test_buy_apple_gives_the_books_forward_and_backward_values():
    r = buy_apple()
    assert r["price"] == 220.00000000000003  # 100 × 2 × 1.1 in floating point
    assert r["dapple"] == 2.2
    assert r["dapple_num"] == 110.00000000000001
    assert r["dtax"] == 200


def test_buy_apple_orange_gives_the_books_forward_and_backward_values():
    r = buy_apple_orange()
    assert round(r["price"], 6) == 715
    assert round(r["dapple"], 6) == 2.2
    assert round(r["dapple_num"], 6) == 110
    assert round(r["dorange"], 6) == 3.3
    assert round(r["dorange_num"], 6) == 165
    assert r["dtax"] == 650


def test_shopping_inputs_can_be_overridden():
    r = buy_apple_orange(apple=200, orange_num=1, tax=1.0)
    assert r["price"] == 200 * 2 + 150 * 1
    assert r["dapple"] == 2.0
    assert r["dorange_num"] == 150


def test_mul_layer_swaps_inputs_and_add_layer_passes_through():
    mul, add = MulLayer(), AddLayer()
    assert mul.forward(3, 4) == 12
    assert mul.backward(2) == (8, 6)
    assert add.forward(3, 4) == 7
    assert add.backward(2) == (2, 2)


# -- Graph: a computational graph walked backward one node at a time -----------------------
def values_by_name(walk: dict) -> dict:
    return {node["name"]: node["value"]["values"] for node in walk["nodes"]}


def grads_by_input(walk: dict) -> dict:
    return {name: check["grad"]["values"] for name, check in walk["inputs"].items()}


def test_apple_orange_graph_computes_figure_5_17_forward():
    values = values_by_name(preset("apple_orange").walkthrough())
    assert values["apple_price"] == 200
    assert values["orange_price"] == 450
    assert values["all_price"] == 650
    assert values["price"] == pytest.approx(715)


def test_apple_orange_graph_walks_back_to_figure_5_17_gradients():
    grads = grads_by_input(preset("apple_orange").walkthrough())
    expected = {"apple": 2.2, "apple_num": 110, "orange": 3.3, "orange_num": 165, "tax": 650}
    assert grads == pytest.approx(expected, abs=1e-9)


def test_apple_graph_agrees_with_buy_apple():
    grads = grads_by_input(preset("apple").walkthrough())
    r = buy_apple()
    assert grads == {"apple": r["dapple"], "apple_num": r["dapple_num"], "tax": r["dtax"]}


def test_a_step_gives_upstream_local_derivative_and_their_product():
    first, second = preset("apple").walkthrough()["steps"]
    assert first["node"] == "n4" and first["label"] == "×"
    assert first["upstream"] == {"shape": [], "values": 1.0}
    to_apple_price, to_tax = first["inputs"]
    assert to_apple_price["input"] == "n2" and to_apple_price["local"]["values"] == 1.1
    assert to_apple_price["product"]["values"] == 1.1
    assert to_tax["local"]["values"] == 200 and to_tax["product"]["values"] == 200
    to_apple = second["inputs"][0]
    assert to_apple["latex"] == (
        r"\frac{\partial L}{\partial \mathrm{apple}} = "
        r"\frac{\partial L}{\partial \mathrm{apple\_price}} \cdot "
        r"\frac{\partial \mathrm{apple\_price}}{\partial \mathrm{apple}} = 1.1 \times 2 = 2.2"
    )
    assert to_apple["local_latex"] == (
        r"\frac{\partial \mathrm{apple\_price}}{\partial \mathrm{apple}} = \mathrm{apple\_num} = 2"
    )


def test_steps_walk_the_nodes_in_reverse_topological_order():
    steps = preset("apple_orange").walkthrough()["steps"]
    assert [step["node"] for step in steps] == ["n8", "n6", "n5", "n2"]


def test_sigmoid_graph_at_1_gives_0_19661193_by_backprop_and_numerically():
    check = preset("sigmoid", {"x": 1.0}).walkthrough()["inputs"]["x"]
    assert check["grad"]["values"] == pytest.approx(0.19661193, abs=1e-8)
    assert check["numeric_grad"]["values"] == pytest.approx(0.19661193, abs=1e-8)


def test_sigmoid_graph_walks_the_books_four_nodes_with_figure_5_20s_gradients():
    walk = preset("sigmoid").walkthrough()
    y, exp_minus_x = 0.7310585786300049, 0.36787944117144233  # σ(1) and exp(−1)
    steps = walk["steps"]
    assert [step["label"] for step in steps] == ["/", "+", "exp", "×"]
    upstreams = [step["upstream"]["values"] for step in steps]
    assert upstreams == pytest.approx([1, -(y**2), -(y**2), -(y**2) * exp_minus_x])
    assert steps[-1]["inputs"][0]["product"]["values"] == pytest.approx(y**2 * exp_minus_x)
    assert [node["op"] for node in walk["nodes"]].count("const") == 2  # the −1 and the 1


def test_constants_take_no_gradient_step():
    times_minus_one = preset("sigmoid").walkthrough()["steps"][-1]
    assert [c["input"] for c in times_minus_one["inputs"]] == ["n0"]


def test_affine_graph_gives_dX_dW_and_db_of_section_5_6():
    walk = preset("affine").walkthrough()
    assert walk["seed"]["values"] == [[1, 2, 3], [4, 5, 6]]
    grads = grads_by_input(walk)
    assert grads["X"] == pytest.approx(np.array([[1.4, 3.2], [3.2, 7.7]]))
    assert grads["W"] == pytest.approx(np.array([[13, 17, 21], [18, 24, 30]]))
    assert grads["b"] == pytest.approx([5, 7, 9])


def test_affine_dot_step_multiplies_by_W_transposed_and_X_transposed():
    add_step, dot_step = preset("affine").walkthrough()["steps"]
    assert [c["rule"] for c in add_step["inputs"]] == ["elementwise", "elementwise_sum"]
    to_X, to_W = dot_step["inputs"]
    assert (to_X["rule"], to_W["rule"]) == ("dot_dx", "dot_dw")
    assert to_X["local"] == {"shape": [3, 2], "values": [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]}
    assert to_W["local"] == {"shape": [2, 2], "values": [[1, 3], [2, 4]]}
    assert to_X["local_latex"].startswith(r"{W}^{\mathsf{T}} = \begin{pmatrix} 0.1 & 0.4")
    assert r"\frac{\partial L}{\partial (X \cdot W)} \cdot {W}^{\mathsf{T}}" in to_X["latex"]


def test_softmax_with_loss_graph_sends_y_minus_t_back_to_the_scores():
    walk = preset("softmax_with_loss").walkthrough()
    y = [0.01821127329554753, 0.24519181293507392, 0.7365969137693786]
    assert values_by_name(walk)["y"] == pytest.approx(y)
    cross_entropy, softmax = walk["steps"]
    assert cross_entropy["inputs"][0]["local"]["values"] == pytest.approx([0, 0, -1 / y[2]])
    assert softmax["inputs"][0]["rule"] == "jacobian"
    assert softmax["inputs"][0]["local"]["shape"] == [3, 3]
    assert softmax["inputs"][0]["product"]["values"] == pytest.approx([y[0], y[1], y[2] - 1])


def test_gradients_add_up_where_an_input_feeds_two_nodes():
    g = Graph()
    x = g.input("x", 2.0)
    g.apply("add", g.apply("mul", x, g.const(3)), g.apply("exp", x))
    walk = g.walkthrough()
    to_x = [c for step in walk["steps"] for c in step["inputs"] if c["input"] == "n0"]
    assert [c["product"]["values"] for c in to_x] == pytest.approx([np.exp(2), 3])
    assert [c["grad"]["values"] for c in to_x] == pytest.approx([np.exp(2), np.exp(2) + 3])
    assert all(c["accumulated"] for c in to_x) and r"\mathrel{+}=" in to_x[1]["latex"]
    assert walk["inputs"]["x"]["numeric_grad"]["values"] == pytest.approx(np.exp(2) + 3)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_agrees_with_central_differences(name):
    for check in preset(name).walkthrough()["inputs"].values():
        assert check["error"] < 1e-7


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_walkthrough_is_plain_json(name):
    walk = preset(name).walkthrough()
    assert json.loads(json.dumps(walk, allow_nan=False)) == walk


def test_node_testids_name_inputs_by_variable_and_operations_by_id():
    nodes = preset("apple").walkthrough()["nodes"]
    assert [node["testid"] for node in nodes] == [
        "graph-input-apple",
        "graph-input-apple_num",
        "graph-node-n2",
        "graph-input-tax",
        "graph-node-n4",
    ]


def test_dot_text_carries_ids_labels_and_forward_values_on_edges():
    dot = preset("apple").to_dot()
    assert dot.startswith("digraph backprop {")
    assert 'n0 [id="graph-input-apple", label="apple", tooltip="apple", shape=box];' in dot
    assert 'n2 [id="graph-node-n2", label="×", tooltip="apple_price", shape=circle];' in dot
    assert 'n0 -> n2 [id="graph-edge-n0-n2-0", label="100"];' in dot
    assert 'n2 -> n4 [id="graph-edge-n2-n4-0", label="200"];' in dot
    assert 'n4 -> output [id="graph-edge-output", label="220"];' in dot


def test_walkthrough_dot_writes_each_edges_gradient_below_its_forward_value():
    dot = preset("apple").walkthrough()["dot"]
    assert 'n0 -> n2 [id="graph-edge-n0-n2-0", label="100\\n2.2"];' in dot  # ∂price/∂apple
    assert 'n3 -> n4 [id="graph-edge-n3-n4-1", label="1.1\\n200"];' in dot  # ∂price/∂tax
    assert 'n4 -> output [id="graph-edge-output", label="220\\n1"];' in dot  # the seed


def test_a_constants_edge_carries_no_gradient_and_a_matrix_leaf_shows_its_shape():
    sigmoid = preset("sigmoid").walkthrough()["dot"]
    assert 'n1 -> n2 [id="graph-edge-n1-n2-1", label="-1"];' in sigmoid
    affine = preset("affine").walkthrough()["dot"]
    assert 'n1 [id="graph-input-W", label="W (2, 3)", tooltip="W", shape=box];' in affine
    assert 'label="[1, 2, 3]\\n[5, 7, 9]"' in affine  # b, then db: dY summed over the batch


def test_labels_fit_their_shapes_and_never_say_minus_zero():
    dot = preset("softmax_with_loss").walkthrough()["dot"]
    assert 'label="cross-entropy", tooltip="L", shape=ellipse' in dot
    assert 'label="[0.01821, 0.2452, 0.7366]\\n[0, 0, -1.358]"' in dot  # −t/y: −0 where t is 0


def test_each_contribution_names_the_edge_it_goes_back_along():
    walk = expression.build("x*x", {"x": 3}).walkthrough()
    (step,) = walk["steps"]
    assert [c["edge"] for c in step["inputs"]] == ["graph-edge-n0-n1-0", "graph-edge-n0-n1-1"]
    assert all(f'id="{c["edge"]}"' in walk["dot"] for c in step["inputs"])
    assert step["upstream_latex"] == r"\frac{\partial L}{\partial L} = 1"


def test_preset_inputs_can_be_replaced():
    walk = preset("apple", {"apple": 120, "tax": 1.0}).walkthrough()
    assert values_by_name(walk)["price"] == 240
    assert grads_by_input(walk)["apple"] == 2


def test_unknown_presets_and_inputs_are_refused_with_codes():
    with pytest.raises(GraphError) as unknown:
        preset("banana")
    assert unknown.value.code == "unknown_preset"
    with pytest.raises(GraphError) as no_input:
        preset("apple", {"banana": 1})
    assert no_input.value.to_dict() == {
        "code": "unknown_input",
        "params": {"preset": "apple", "name": "banana", "choices": ["apple", "apple_num", "tax"]},
        "message": "the apple graph has no input called banana; it has apple, apple_num, tax",
    }


def test_shapes_that_do_not_multiply_are_refused():
    with pytest.raises(GraphError) as error:
        preset("affine", {"X": [[1, 2, 3]]})
    assert error.value.code == "shape_mismatch"
    assert error.value.params == {"op": "dot", "shapes": [[1, 3], [2, 3]]}


def test_an_output_gradient_of_the_wrong_shape_is_refused():
    with pytest.raises(GraphError) as error:
        preset("affine", {"dY": [1, 2, 3]}).walkthrough()
    assert (error.value.code, error.value.params) == ("bad_seed", {"shape": [2, 3], "got": [3]})


def test_inputs_must_be_small_finite_numbers():
    with pytest.raises(GraphError) as nan:
        preset("apple", {"apple": float("nan")})
    assert nan.value.code == "bad_value"
    with pytest.raises(GraphError) as large:
        preset("affine", {"X": np.ones((101, 2))})
    assert large.value.code == "too_large"
    with pytest.raises(GraphError) as seed:
        preset("affine", {"dY": [[1, 2, 3], [4, 5, float("inf")]]})
    assert seed.value.params == {"name": "dY", "value": "[[1, 2, 3], [4, 5, inf]]"}
