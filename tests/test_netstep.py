import json

import numpy as np
import pytest

from pynet.netstep import NetStepError, NetStepper


def arrays(result: dict, part: str = "matrices") -> dict:
    return {name: np.array(m["values"]) for name, m in result[part].items()}


@pytest.fixture
def stepper() -> NetStepper:
    return NetStepper(seed=0)


def hand_picked() -> NetStepper:
    """A 1-1-2 network on one example, small enough to work out on paper:
    x = 1, W1 = 2, W2 = [1, −1], biases 0, label 0."""
    s = NetStepper(input_size=1, hidden_size=1, output_size=2, batch_size=1)
    s.x[...] = [[1.0]]
    s.t[...] = [[1.0, 0.0]]
    s.params["W1"][...] = [[2.0]]
    s.params["W2"][...] = [[1.0, -1.0]]
    return s


#: 1 − σ(4): the softmax of the scores [2, −2] is [σ(4), 1 − σ(4)].
SMALL = 0.01798620996209156


def test_forward_shows_every_matrix_in_the_briefs_default_shapes(stepper):
    result = stepper.forward()
    shapes = {name: m["shape"] for name, m in result["matrices"].items()}
    assert shapes == {
        "X": [2, 4],
        "W1": [4, 3],
        "b1": [3],
        "A1": [2, 3],
        "mask": [2, 3],
        "Z1": [2, 3],
        "W2": [3, 2],
        "b2": [2],
        "A2": [2, 2],
        "Y": [2, 2],
        "t": [2, 2],
    }
    assert result["sizes"] == {"input_size": 4, "hidden_size": 3, "output_size": 2, "batch_size": 2}
    assert [step["layer"] for step in result["steps"]] == [
        "Affine1",
        "Relu1",
        "Affine2",
        "SoftmaxWithLoss",
    ]


def test_forward_matrices_are_what_the_layers_compute(stepper):
    result = stepper.forward()
    m = arrays(result)
    assert np.allclose(m["A1"], m["X"] @ m["W1"] + m["b1"])
    assert (m["mask"] == (m["A1"] <= 0)).all()
    assert np.allclose(m["Z1"], np.maximum(m["A1"], 0))
    assert np.allclose(m["A2"], m["Z1"] @ m["W2"] + m["b2"])
    assert np.allclose(m["Y"].sum(axis=1), 1)
    assert result["loss"] == pytest.approx(-np.mean(np.log(m["Y"][m["t"] == 1])))


def test_hand_picked_forward_gives_the_numbers_worked_out_on_paper():
    m = arrays(hand_picked().forward())
    assert m["A1"].tolist() == [[2.0]] and m["Z1"].tolist() == [[2.0]]
    assert m["A2"].tolist() == [[2.0, -2.0]]
    assert m["Y"] == pytest.approx(np.array([[1 - SMALL, SMALL]]))


def test_backward_follows_the_books_formulas(stepper):
    m = arrays(stepper.forward())
    g = arrays(stepper.backward())
    n = len(m["X"])
    assert np.allclose(g["dA2"], (m["Y"] - m["t"]) / n)
    assert np.allclose(g["dW2"], m["Z1"].T @ g["dA2"])
    assert np.allclose(g["db2"], g["dA2"].sum(axis=0))
    assert np.allclose(g["dZ1"], g["dA2"] @ m["W2"].T)
    assert np.allclose(g["dA1"], np.where(m["mask"], 0, g["dZ1"]))
    assert np.allclose(g["dW1"], m["X"].T @ g["dA1"])
    assert np.allclose(g["db1"], g["dA1"].sum(axis=0))
    assert np.allclose(g["dX"], g["dA1"] @ m["W1"].T)


def test_backward_agrees_with_the_numerical_gradient_to_1e_7(stepper):
    stepper.forward()
    result = stepper.backward()
    analytic, numeric = arrays(result), arrays(result, "numeric")
    assert set(numeric) == {"dW1", "db1", "dW2", "db2", "dX"}
    for name, value in numeric.items():
        assert np.max(np.abs(analytic[name] - value)) < 1e-7, name
        assert result["errors"][name] < 1e-7


def test_the_largest_network_allowed_agrees_with_the_numerical_gradient_too():
    s = NetStepper(input_size=8, hidden_size=8, output_size=5, batch_size=8, seed=3)
    s.forward()
    assert max(s.backward()["errors"].values()) < 1e-7


def test_entry_of_dW1_lists_the_row_of_X_transposed_and_the_column_of_dA1(stepper):
    m = arrays(stepper.forward())
    g = arrays(stepper.backward())
    entry = stepper.entry("dW1", 1, 2)
    assert entry["formula"] == "dW1 = Xᵀ·dA1" and (entry["left"], entry["right"]) == ("X", "dA1")
    assert [t["left"] for t in entry["terms"]] == [[0, 1], [1, 1]]  # column 1 of X
    assert [t["right"] for t in entry["terms"]] == [[0, 2], [1, 2]]  # column 2 of dA1
    products = [m["X"][n, 1] * g["dA1"][n, 2] for n in range(2)]
    assert [t["product"] for t in entry["terms"]] == pytest.approx(products)
    assert entry["sum"] == pytest.approx(entry["value"]) and entry["value"] == g["dW1"][1, 2]


def test_entry_of_dX_lists_a_row_of_dA1_and_a_row_of_W1(stepper):
    stepper.forward()
    stepper.backward()
    entry = stepper.entry("dX", 0, 3)
    assert [t["left"] for t in entry["terms"]] == [[0, 0], [0, 1], [0, 2]]  # row 0 of dA1
    assert [t["right"] for t in entry["terms"]] == [[3, 0], [3, 1], [3, 2]]  # row 3 of W1
    assert entry["sum"] == pytest.approx(entry["value"])


def test_entry_refuses_unknown_matrices_and_positions(stepper):
    stepper.forward()
    with pytest.raises(NetStepError) as before_backward:
        stepper.entry("dW1", 0, 0)
    assert before_backward.value.code == "backward_first"
    stepper.backward()
    with pytest.raises(NetStepError) as unknown:
        stepper.entry("db1", 0, 0)
    assert unknown.value.code == "unknown_matrix"
    with pytest.raises(NetStepError) as outside:
        stepper.entry("dW1", 4, 0)
    assert outside.value.params == {"name": "dW1", "shape": [4, 3], "row": "4", "col": "0"}


def test_sgd_step_written_out_by_hand():
    s = hand_picked()
    s.forward()
    g = arrays(s.backward())
    assert g["dA2"] == pytest.approx(np.array([[-SMALL, SMALL]]))
    assert g["dW2"] == pytest.approx(np.array([[-2 * SMALL, 2 * SMALL]]))  # Z1ᵀ·dA2, Z1 = 2
    assert g["dZ1"] == pytest.approx(np.array([[-2 * SMALL]]))  # dA2·W2ᵀ, W2 = [1, −1]
    assert g["dW1"] == pytest.approx(np.array([[-2 * SMALL]]))  # Xᵀ·dA1, x = 1, A1 > 0
    update = s.update("sgd", lr=0.1)  # W ← W − 0.1·dW
    after = {key: np.array(p["after"]["values"]) for key, p in update["params"].items()}
    assert after["W1"] == pytest.approx(np.array([[2.003597241992418]]))  # 2 − 0.1·(−2·SMALL)
    assert after["b1"] == pytest.approx(np.array([0.003597241992418312]))
    assert after["W2"] == pytest.approx(np.array([[1.003597241992418, -1.003597241992418]]))
    assert after["b2"] == pytest.approx(np.array([0.001798620996209156, -0.001798620996209156]))
    assert update["settings"] == {"lr": 0.1}


def test_update_reports_before_the_change_and_after(stepper):
    stepper.forward()
    stepper.backward()
    update = stepper.update("adagrad", lr=0.5)
    for p in update["params"].values():
        before, change, after = (np.array(p[k]["values"]) for k in ("before", "update", "after"))
        assert np.allclose(after, before + change)
    assert update["optimizer"] == "adagrad" and set(update["state"]) == {"h"}


def test_the_next_forward_pass_uses_the_updated_weights(stepper):
    stepper.forward()
    stepper.backward()
    after = stepper.update("sgd", lr=0.1)["params"]["W1"]["after"]
    assert stepper.forward()["matrices"]["W1"] == after


def test_momentum_carries_its_velocity_over_to_the_next_update(stepper):
    velocities = []
    for _ in range(2):
        stepper.forward()
        stepper.backward()
        state = stepper.update("momentum", lr=0.1)["state"]
        velocities.append(np.array(state["v"]["W1"]["values"]))
    first, second = velocities
    assert np.allclose(second, 0.9 * first - 0.1 * stepper.matrices["dW1"])  # v ← αv − η·dW


def test_phases_must_come_in_order(stepper):
    with pytest.raises(NetStepError) as no_forward:
        stepper.backward()
    assert no_forward.value.code == "forward_first"
    stepper.forward()
    with pytest.raises(NetStepError) as no_backward:
        stepper.update()
    assert no_backward.value.code == "backward_first"
    stepper.backward()
    stepper.update()
    with pytest.raises(NetStepError) as twice:
        stepper.update()
    assert twice.value.code == "backward_first"


@pytest.mark.parametrize(
    ("sizes", "params"),
    [
        ({"input_size": 9}, {"name": "input_size", "low": 1, "high": 8, "value": 9}),
        ({"output_size": 1}, {"name": "output_size", "low": 2, "high": 5, "value": 1}),
        ({"batch_size": 2.5}, {"name": "batch_size", "low": 1, "high": 8, "value": "2.5"}),
        ({"hidden_size": "3"}, {"name": "hidden_size", "low": 1, "high": 8, "value": "3"}),
    ],
)
def test_sizes_are_capped_so_every_matrix_fits(sizes, params):
    with pytest.raises(NetStepError) as error:
        NetStepper(**sizes)
    assert (error.value.code, error.value.params) == ("out_of_range", params)


def test_unknown_optimizers_and_bad_settings_are_refused_with_codes(stepper):
    stepper.forward()
    stepper.backward()
    with pytest.raises(NetStepError) as unknown:
        stepper.update("lbfgs")
    assert unknown.value.code == "unknown_optimizer"
    with pytest.raises(NetStepError) as bad:
        stepper.update("sgd", lr=-1)
    assert bad.value.code == "bad_optimizer_setting"
    assert bad.value.params == {
        "optimizer": "sgd",
        "detail": "learning rate must be a positive number, got -1.0",
    }


def test_a_seed_reproduces_the_network():
    assert NetStepper(seed=7).forward() == NetStepper(seed=7).forward()
    assert NetStepper(seed=7).forward() != NetStepper(seed=8).forward()


def test_every_phase_is_plain_json(stepper):
    for result in (stepper.forward(), stepper.backward(), stepper.entry("dW2", 0, 1)):
        assert json.loads(json.dumps(result, allow_nan=False)) == result
    update = stepper.update("adam")
    assert json.loads(json.dumps(update, allow_nan=False)) == update
