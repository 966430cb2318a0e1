"""The exercise worker's module (web/worker/exercise_tasks.py), run natively: its JSON
answers, and "Use it" training the student's classes beside pynet's.

Its browser-only imports (``js``, ``pyodide.http``, ``pyscript``) are stubbed; the tasks
themselves are plain pynet."""

import asyncio
import json
import sys
import types
from concurrent.futures import ThreadPoolExecutor

import pytest

for name in ("js", "pyodide", "pyodide.http", "pyscript"):
    sys.modules.setdefault(name, types.ModuleType(name))
sys.modules["pyodide.http"].pyfetch = None
if not hasattr(sys.modules["pyscript"], "sync"):
    sys.modules["pyscript"].sync = types.SimpleNamespace()
# As without SharedArrayBuffer, a report to the page gives a future, never a value.
sys.modules["pyscript"].sync.exercise_progress = lambda done, total: object()

import exercise_tasks  # noqa: E402

from pynet.exercises import EXERCISES, export_solutions  # noqa: E402


def solutions(*names):
    return {name: EXERCISES[name].solution for name in names}


@pytest.fixture(scope="module")
def data(mnist):
    (x_train, t_train), (x_test, t_test) = mnist
    return {"x_train": x_train, "t_train": t_train, "x_test": x_test, "t_test": t_test}


def test_check_answers_pynets_report_as_json():
    answer = json.loads(exercise_tasks.check("relu", EXERCISES["relu"].solution))
    assert answer["report"]["name"] == "relu" and answer["report"]["passed"]


def test_a_solutions_file_goes_out_and_comes_back_as_json():
    written = solutions("relu", "sgd")
    text = json.loads(exercise_tasks.export_file(json.dumps(written)))["text"]
    assert text == export_solutions(written)
    assert json.loads(exercise_tasks.import_file(text)) == {"solutions": written}


def test_a_file_that_cannot_be_read_answers_its_code_and_values():
    answer = json.loads(exercise_tasks.import_file("# === exercise: lstm ===\npass\n"))
    assert answer == {"error": {"code": "unknown_exercise", "params": {"name": "lstm", "line": 1}}}
    answer = json.loads(exercise_tasks.export_file(json.dumps({"lstm": "pass"})))
    assert answer == {"error": {"code": "unknown_exercise", "params": {"name": "lstm"}}}


@pytest.mark.parametrize(
    "focus, network, layers, optimizer",
    [
        ("affine", {"activation": "relu"}, ["affine", "relu", "softmax_with_loss"], "sgd"),
        ("sigmoid", {"activation": "sigmoid"}, ["affine", "sigmoid", "softmax_with_loss"], "sgd"),
        (
            "dropout",
            {"use_dropout": True},
            ["affine", "relu", "dropout", "softmax_with_loss"],
            "sgd",
        ),
        (
            "batchnorm",
            {"use_batchnorm": True},
            ["affine", "relu", "batchnorm", "softmax_with_loss"],
            "sgd",
        ),
        ("adam", {"activation": "relu"}, ["affine", "relu", "softmax_with_loss"], "adam"),
    ],
)
def test_use_it_puts_in_every_passing_layer_and_what_the_open_exercise_changes(
    focus, network, layers, optimizer
):
    passing = ["affine", "relu", "sigmoid", "softmax_with_loss", "dropout", "batchnorm", "adam"]
    options, used, chosen = exercise_tasks.plan(passing, focus)
    assert used == layers and chosen == optimizer
    assert options.items() >= network.items()


def test_use_it_leaves_out_what_has_not_passed():
    options, used, optimizer = exercise_tasks.plan(["relu"], "relu")
    assert used == ["relu"] and optimizer == "sgd" and options["activation"] == "relu"


def test_the_students_layers_and_optimizer_train_exactly_as_pynets_own(data):
    names = ("affine", "relu", "softmax_with_loss", "momentum")
    steps = []
    result = exercise_tasks.train_side_by_side(
        data, solutions(*names), "momentum", lambda done, total: steps.append((done, total))
    )
    assert result["classes"] == ["Affine", "Relu", "SoftmaxWithLoss", "Momentum"]
    assert result["students_optimizer"] and result["optimizer_class"] == "Momentum"
    student, pynet = result["runs"]["student"], result["runs"]["pynet"]
    assert len(student["losses"]) == len(pynet["losses"]) == 20  # 2,000 images, batch 100
    assert student["accuracy"] == pynet["accuracy"] > 0.6
    assert result["max_weight_difference"] < 1e-12
    assert steps[-1] == (40, 40)  # both runs, step by step
    valley = result["valley"]
    assert valley["student"]["x"] == pytest.approx(valley["pynet"]["x"], rel=1e-12)


def test_a_wrong_layer_trains_differently_from_pynets(data):
    # a ReLU that lets half the gradient through where the input was negative
    wrong = EXERCISES["relu"].solution.replace("dx[self.mask] = 0", "dx[self.mask] = 0.5")
    result = exercise_tasks.train_side_by_side(data, {"relu": wrong}, "relu")
    assert result["max_weight_difference"] > 1e-3


def test_a_class_that_fails_in_training_answers_the_students_line(data, monkeypatch):
    # whatever the checks said, a class can still raise in training: say where
    async def mnist(base_url):
        return data

    monkeypatch.setattr(exercise_tasks.site_data, "mnist", mnist)
    wrong = EXERCISES["affine"].solution.replace("np.dot(dout, self.W.T)", "np.dot(dout, self.W)")
    use = exercise_tasks.use(json.dumps({"affine": wrong}), "", "affine")
    with ThreadPoolExecutor(1) as pool:  # its own event loop, beside the browser tests'
        answer = json.loads(pool.submit(asyncio.run, use).result())
    assert answer["error"]["line"] == 15 and answer["error"]["params"]["function"] == "backward"
