"""The "write it yourself" exercises: the catalog, and how a student's code is graded."""

import json

import numpy as np
import pytest

from pynet.exercises import ENGLISH, EXERCISES, check, explain, load_solution

NAMES = [
    "mul_layer",
    "add_layer",
    "relu",
    "sigmoid",
    "affine",
    "softmax_with_loss",
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "batchnorm",
    "weight_decay",
    "dropout",
]


def graded(name: str, source: str, first_line: int = 1) -> dict:
    """The report, after making sure it is strict JSON and every entry has English words."""
    report = check(name, source, first_line)
    json.dumps(report, allow_nan=False)
    for entry in [*report["checks"], *report["mistakes"], report["error"] or {"code": "forward"}]:
        assert explain(entry)
    return report


def edited(name: str, old: str, new: str) -> str:
    """The reference solution with one slip: ``old`` written as ``new``."""
    solution = EXERCISES[name].solution
    assert old in solution
    return solution.replace(old, new)


def codes(entries: list[dict]) -> list[tuple]:
    return [(entry["code"], entry["params"].get("name")) for entry in entries]


# -- the catalog ------------------------------------------------------------------------------
def test_catalog_holds_the_fifteen_exercises_in_the_books_order():
    assert list(EXERCISES) == NAMES
    assert [e.section for e in EXERCISES.values()] == [
        "5.4.1", "5.4.2", "5.5.1", "5.5.2", "5.6.2", "5.6.3",
        "6.1.2", "6.1.4", "6.1.4", "6.1.5", "6.1.5", "6.1.6", "6.3.1", "6.4.2", "6.4.3",
    ]  # fmt: skip
    assert [e.name for e in EXERCISES.values() if e.extra] == ["nesterov", "rmsprop"]


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_is_told_in_english_and_korean_with_a_formula(name):
    exercise = EXERCISES[name].as_dict()
    assert set(exercise["title"]) == set(exercise["statement"]) == {"en", "ko"}
    assert all(exercise["statement"].values()) and exercise["formula"]
    json.dumps(exercise)


def test_korean_statements_use_the_korean_editions_terms():
    korean = {name: e.statement["ko"] for name, e in EXERCISES.items()}
    assert "역전파" in korean["relu"] and "순전파" in korean["relu"]
    assert "기울기" in korean["mul_layer"] and "계층" in korean["mul_layer"]
    assert "매개변수" in korean["sgd"] and "갱신" in korean["sgd"]
    assert "배치 정규화" in korean["batchnorm"] and "미니배치" in korean["batchnorm"]
    assert "가중치 감소" in korean["weight_decay"]


def test_skeleton_keeps_init_and_leaves_the_methods_to_write():
    assert EXERCISES["relu"].skeleton == (
        "class Relu:\n"
        "    def __init__(self):\n"
        "        self.mask = None\n"
        "\n"
        "    def forward(self, x):\n"
        "        # TODO\n"
        "        raise NotImplementedError\n"
        "\n"
        "    def backward(self, dout):\n"
        "        # TODO\n"
        "        raise NotImplementedError\n"
    )
    batchnorm = EXERCISES["batchnorm"].skeleton
    assert "def forward(self, x, train_flg=True):\n        if self.running_mean" in batchnorm
    assert batchnorm.endswith(
        "def backward(self, dout):\n        # TODO\n        raise NotImplementedError\n"
    )


# -- reference solutions and skeletons --------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_every_reference_solution_passes_its_check(name):
    report = graded(name, EXERCISES[name].solution)
    assert report["passed"], report
    assert report["error"] is None and report["mistakes"] == []
    assert report["max_error"] < 1e-7


@pytest.mark.parametrize("name", NAMES)
def test_a_skeleton_is_reported_as_not_written_yet_at_its_line(name):
    exercise = EXERCISES[name]
    report = graded(name, exercise.skeleton)
    error = report["error"]
    assert not report["passed"]
    assert error["code"] == "not_written"
    assert error["params"]["function"] == exercise.todo[0]
    assert exercise.skeleton.splitlines()[error["line"] - 1].strip() == "raise NotImplementedError"


def test_report_sends_the_difference_matrices_of_the_last_case():
    report = graded("affine", EXERCISES["affine"].solution)
    assert {key: np.shape(value) for key, value in report["diff"].items()} == {
        "dx": (4, 5),
        "dW": (5, 3),
        "db": (3,),
    }
    assert np.max(np.abs(report["diff"]["dW"])) < 1e-9


def test_report_names_each_gradient_checked_for_a_layer():
    report = graded("batchnorm", EXERCISES["batchnorm"].solution)
    assert codes(report["checks"]) == [
        ("forward", None),
        ("unchanged", "x"),
        ("unchanged", "dout"),
        ("gradient", "dx"),
        ("gradient", "dgamma"),
        ("gradient", "dbeta"),
        ("test_mode", None),
    ]


def test_apple_orange_graph_gives_the_books_values_with_the_students_nodes():
    for name in ("mul_layer", "add_layer"):
        checks = graded(name, EXERCISES[name].solution)["checks"]
        (apple_orange,) = [c for c in checks if c["code"] == "apple_orange"]
        assert apple_orange["passed"]
        assert apple_orange["params"]["got"] == pytest.approx(
            {
                "price": 715,
                "dapple": 2.2,
                "dapple_num": 110,
                "dorange": 3.3,
                "dorange_num": 165,
                "dtax": 650,
            }
        )


def test_optimizer_solutions_take_the_steps_computed_by_hand():
    sgd = load_solution("sgd", EXERCISES["sgd"].solution)(lr=0.1)
    params = {"W": np.array([1.0])}
    sgd.update(params, {"W": np.array([0.5])})
    assert params["W"] == pytest.approx([0.95])

    momentum = load_solution("momentum", EXERCISES["momentum"].solution)(lr=0.1, momentum=0.9)
    params = {"W": np.array([1.0])}
    momentum.update(params, {"W": np.array([0.5])})  # v = -0.05
    momentum.update(params, {"W": np.array([0.5])})  # v = 0.9 * -0.05 - 0.05 = -0.095
    assert params["W"] == pytest.approx([0.855])

    # Adam's first step is lr in the direction against the gradient, whatever its size.
    adam = load_solution("adam", EXERCISES["adam"].solution)(lr=0.1)
    params = {"W": np.array([1.0, -2.0, 0.5])}
    adam.update(params, {"W": np.array([0.5, -3.0, 0.0])})
    assert params["W"] == pytest.approx([0.9, -1.9, 0.5], rel=1e-6)


# -- the classic mistakes, as a student writes them -------------------------------------------
BOOK_DROPOUT = """\
class Dropout:
    def __init__(self, dropout_ratio=0.5, rng=None):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio
            return x * self.mask
        else:
            return x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return dout * self.mask
"""

SIGMOID_WITH_X = """\
class Sigmoid:
    def __init__(self):
        self.x = None

    def forward(self, x):
        self.x = x
        return 1 / (1 + np.exp(-x))

    def backward(self, dout):
        return dout * (1.0 - self.x) * self.x
"""

BATCHNORM_CONSTANT_STATS = EXERCISES["batchnorm"].skeleton.replace(
    "        # TODO\n        raise NotImplementedError",
    "        self.dbeta = dout.sum(axis=0)\n"
    "        self.dgamma = np.sum(self.xn * dout, axis=0)\n"
    "        return dout * self.gamma / self.std",
)

MISTAKES = {
    "dx = dout·W": (
        "affine",
        edited("affine", "np.dot(dout, self.W.T)", "np.dot(dout, self.W)"),
        ("missing_transpose", "dx"),
    ),
    "dW = x·dout": (
        "affine",
        edited("affine", "np.dot(self.x.T, dout)", "np.dot(self.x, dout)"),
        ("missing_transpose", "dW"),
    ),
    "dW = doutᵀ·x": (
        "affine",
        edited("affine", "np.dot(self.x.T, dout)", "np.dot(dout.T, self.x)"),
        ("missing_transpose", "dW"),
    ),
    "db over axis 1": (
        "affine",
        edited("affine", "np.sum(dout, axis=0)", "np.sum(dout, axis=1)"),
        ("wrong_sum_axis", "db"),
    ),
    "db over everything": (
        "affine",
        edited("affine", "np.sum(dout, axis=0)", "np.sum(dout)"),
        ("wrong_sum_axis", "db"),
    ),
    "no / batch_size": (
        "softmax_with_loss",
        edited("softmax_with_loss", "(self.y - self.t) / batch_size", "self.y - self.t"),
        ("missing_batch_division", "dx"),
    ),
    "sigmoid from x": ("sigmoid", SIGMOID_WITH_X, ("sigmoid_uses_x", "dx")),
    "the book's in-place ReLU": (
        "relu",
        edited(
            "relu",
            "dx = dout.copy()  # 책과 달리 dout은 그대로 둔다.\n        dx[self.mask] = 0",
            "dout[self.mask] = 0\n        dx = dout",
        ),
        ("input_modified", "dout"),
    ),
    "ReLU forward into x": (
        "relu",
        edited(
            "relu",
            "out = x.copy()\n        out[self.mask] = 0",
            "x[self.mask] = 0\n        out = x",
        ),
        ("input_modified", "x"),
    ),
    "params rebound": (
        "sgd",
        edited("sgd", "params[key] -= ", "params[key] = params[key] - "),
        ("update_not_in_place", None),
    ),
    "AdaGrad without 1e-7": (
        "adagrad",
        edited("adagrad", "(np.sqrt(self.h[key]) + 1e-7)", "np.sqrt(self.h[key])"),
        ("missing_epsilon", None),
    ),
    "Adam without 1e-7": (
        "adam",
        edited("adam", "(np.sqrt(self.v[key]) + 1e-7)", "np.sqrt(self.v[key])"),
        ("missing_epsilon", None),
    ),
    "each input times itself": (
        "mul_layer",
        edited(
            "mul_layer",
            "dx = dout * self.y  # x와 y를 바꾼다.\n        dy = dout * self.x",
            "dx = dout * self.x\n        dy = dout * self.y",
        ),
        ("mul_same_input", "dx"),
    ),
    "batch norm with constant mean and variance": (
        "batchnorm",
        BATCHNORM_CONSTANT_STATS,
        ("batchnorm_constant_stats", "dx"),
    ),
    "dbeta over axis 1": (
        "batchnorm",
        edited("batchnorm", "dbeta = dout.sum(axis=0)", "dbeta = dout.sum(axis=1)"),
        ("wrong_sum_axis", "dbeta"),
    ),
    "the book's 10e-7": (
        "batchnorm",
        edited("batchnorm", "eps=1e-7):", "eps=10e-7):"),
        ("batchnorm_book_eps", "out"),
    ),
    "the book's dropout": ("dropout", BOOK_DROPOUT, ("dropout_not_inverted", None)),
    "penalty without ½": (
        "weight_decay",
        edited("weight_decay", "0.5 * self.weight_decay_lambda", "self.weight_decay_lambda"),
        ("missing_half", None),
    ),
    "biases decayed too": (
        "weight_decay",
        edited(
            "weight_decay",
            'if key.startswith("W"):\n                decayed',
            "if True:\n                decayed",
        ),
        ("decay_on_bias", None),
    ),
    "grads written into": (
        "weight_decay",
        edited(
            "weight_decay",
            "decayed[key] = grad + self.weight_decay_lambda * params[key]",
            "grad += self.weight_decay_lambda * params[key]\n                decayed[key] = grad",
        ),
        ("input_modified", "grads"),
    ),
}


@pytest.mark.parametrize("slip", MISTAKES)
def test_each_classic_mistake_fails_with_its_code(slip):
    name, source, mistake = MISTAKES[slip]
    report = graded(name, source)
    assert not report["passed"]
    assert mistake in codes(report["mistakes"])


def test_a_mistake_is_named_even_when_a_later_case_raises():
    report = graded("affine", MISTAKES["dx = dout·W"][1])
    assert codes(report["mistakes"]) == [("missing_transpose", "dx")]
    assert report["error"]["message"].startswith("ValueError: shapes (1,2) and (4,2) not aligned")
    assert report["error"]["params"]["function"] == "backward"
    assert report["error"]["line"] == 15  # dx = np.dot(dout, self.W)


def test_right_answers_are_not_called_mistakes_at_batch_size_one():
    # With N = 1, (y − t) without / N is right; the square case still catches it.
    report = graded("softmax_with_loss", MISTAKES["no / batch_size"][1])
    (gradient,) = [c for c in report["checks"] if c["code"] == "gradient"]
    assert gradient["max_error"] == pytest.approx(2 / 3, rel=0.2)  # (N − 1)/N at N = 3
    assert explain(report["mistakes"][0]) == (
        "dx is N times too large: divide (y − t) by the batch size N"
    )


def test_a_wrong_shape_is_reported_with_both_shapes():
    report = graded("affine", MISTAKES["db over everything"][1])
    (db,) = [c for c in report["checks"] if c["params"].get("name") == "db"]
    assert db["params"] == {"name": "db", "shape": [], "expected_shape": [3]}
    assert explain(db) == (
        "the gradient db matches the numerical gradient: failed, shape (), expected (3)"
    )


def test_adagrad_without_epsilon_reports_nan_as_not_finite_not_as_an_error():
    report = graded("adagrad", MISTAKES["AdaGrad without 1e-7"][1])
    (b1,) = [c for c in report["checks"] if c["params"].get("name") == "b1"]
    assert b1 == {
        "code": "update",
        "passed": False,
        "max_error": None,
        "params": {"name": "b1", "not_finite": True},
    }
    assert report["error"] is None


# -- errors in the student's code -------------------------------------------------------------
def test_syntax_error_reports_the_students_line():
    source = "class Relu:\n    def forward(self, x)\n        return x\n"
    report = graded("relu", source)
    assert report["error"] == {
        "code": "syntax_error",
        "params": {"column": 25},
        "message": "expected ':'",
        "line": 2,
    }
    assert explain(report["error"]) == "line 2: syntax error: expected ':'"


def test_runtime_error_reports_the_students_line_and_method():
    source = (
        "class Relu:\n"
        "    def forward(self, x):\n"
        "        return np.maximum(x, 0)\n"
        "\n"
        "    def backward(self, dout):\n"
        "        scale = 1 / 0\n"
        "        return dout\n"
    )
    report = graded("relu", source)
    assert report["error"]["line"] == 6
    assert explain(report["error"]) == "line 6, in backward: ZeroDivisionError: division by zero"
    forward = {"code": "forward", "passed": True, "max_error": 0.0, "params": {}}
    assert report["checks"][0] == forward


def test_lines_count_from_first_line_for_code_taken_from_a_file():
    report = graded("relu", "class Relu:\n    x = 1 +\n", first_line=40)
    assert report["error"]["line"] == 41


def test_code_that_calls_exit_is_reported_not_obeyed():
    report = graded("sgd", "import sys\nsys.exit(3)\n")
    assert report["error"]["code"] == "exception"
    assert report["error"]["message"] == "SystemExit: 3"
    assert report["error"]["line"] == 2


def test_a_source_too_long_is_refused_unread():
    report = graded("relu", "#" * 50_001)
    assert report["error"]["code"] == "too_long"
    assert explain(report["error"]) == "the code has 50001 characters; the limit is 50000"


def test_a_dropout_that_keeps_everything_is_not_called_the_books():
    source = edited("dropout", "return x * self.mask / (1.0 - self.dropout_ratio)", "return x")
    report = graded("dropout", source)
    assert not report["passed"] and report["mistakes"] == []
    (drop_rate,) = [c for c in report["checks"] if c["code"] == "drop_rate"]
    assert explain(drop_rate) == "forward drops about 30% of the units: failed, dropped 0.0%"


def test_a_missing_class_is_named():
    report = graded("affine", "class affine:\n    pass\n")
    assert report["error"]["code"] == "missing_class"
    assert explain(report["error"]) == "the code defines no class Affine"


def test_a_missing_method_is_an_error_without_a_student_line():
    report = graded("sigmoid", "class Sigmoid:\n    pass\n")
    assert report["error"]["line"] is None
    message = "AttributeError: 'Sigmoid' object has no attribute 'forward'"
    assert report["error"]["message"] == message


def test_what_the_student_prints_is_kept_in_the_report(capsys):
    source = EXERCISES["sgd"].solution.replace(
        "for key in params.keys():", "print('step');\n        for key in params.keys():"
    )
    report = graded("sgd", source)
    assert report["passed"] and report["output"] == "step\nstep\nstep\n"
    assert capsys.readouterr().out == ""


def test_an_unknown_exercise_is_refused_with_the_names():
    with pytest.raises(ValueError, match="unknown exercise 'lstm'; choose one of mul_layer"):
        check("lstm", "")


def test_every_code_has_english_words():
    documented = [
        "forward", "test_mode", "gradient", "unchanged", "update", "in_place", "dropout_scale",
        "drop_rate", "apple_orange", "penalty", "missing_transpose", "wrong_sum_axis",
        "missing_batch_division", "sigmoid_uses_x", "input_modified", "update_not_in_place",
        "missing_epsilon", "mul_same_input", "batchnorm_constant_stats", "batchnorm_book_eps",
        "dropout_not_inverted", "decay_on_bias", "missing_half", "syntax_error", "exception",
        "not_written", "missing_class", "too_long", "timeout",
    ]  # fmt: skip
    assert set(documented) <= set(ENGLISH)
