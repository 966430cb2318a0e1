"""Write it yourself, in a worker of its own: check a student's class, read and write
solutions files, and train MNIST with the student's classes beside pynet's own.

The student's code runs only here, never on the page's thread. A check that does not come
back (``while True: pass``) is stopped by the page, which ends this worker and starts a new
one for the next check: nothing here needs to watch the clock. Every function answers JSON
text; codes and values, which the page words in the student's language. Training reports
``sync.exercise_progress(done, total)`` and never waits for an answer.
"""

import json
import time

import numpy as np
import site_data
from pyscript import sync

from pynet import exercises, experiments
from pynet.data import as_float, one_hot
from pynet.exercises.student_code import error_from
from pynet.exercises.use_it import HIDDEN_LAYERS
from pynet.network import MultiLayerNet
from pynet.optimizers import OPTIMIZERS
from pynet.trainer import Trainer

#: The network "Use it" trains, small so both runs take a second or two; float64, so that
#: a correct class gives pynet's numbers to rounding (no float32 kernel in between).
NETWORK = {"input_size": 784, "hidden_size_list": [50], "output_size": 10, "dtype": "float64"}
#: One epoch over the first TRAIN_SAMPLES training images; accuracy on TEST_SAMPLES.
TRAIN_SAMPLES, TEST_SAMPLES, BATCH_SIZE, SEED = 2000, 2000, 100, 0
#: The trainer's accuracy after the epoch (not shown) is measured on this few.
EVALUATE_SAMPLES = 100
#: The learning rate of each optimizer for that one short epoch (pynet's SGD when the
#: student's exercise is not an optimizer).
LEARNING_RATES = {
    "sgd": 0.2,
    "momentum": 0.05,
    "nesterov": 0.05,
    "adagrad": 0.01,
    "rmsprop": 0.001,
    "adam": 0.005,
}
#: The exercises whose class "Use it" can put into the network.
LAYERS = (*HIDDEN_LAYERS, "softmax_with_loss")
#: Steps down x²/20 + y² for an optimizer (the optimizers lab's quick default).
VALLEY_STEPS = 30


def _answer(**value) -> str:
    return json.dumps(value)


def check(name, source) -> str:
    """The report of ``pynet.exercises.check`` for the student's ``source``."""
    return _answer(report=exercises.check(str(name), str(source)))


def export_file(solutions_json) -> str:
    """``{"text": solutions file}`` for ``{name: source}``, or ``{"error": {code, params}}``."""
    try:
        return _answer(text=exercises.export_solutions(json.loads(str(solutions_json))))
    except exercises.SolutionsFileError as exc:
        return _answer(error={"code": exc.code, "params": exc.params})


def import_file(text) -> str:
    """``{"solutions": {name: source}}`` read from a solutions file (nothing of it runs),
    or ``{"error": {code, params}}``."""
    try:
        return _answer(solutions=exercises.import_solutions(str(text)))
    except exercises.SolutionsFileError as exc:
        return _answer(error={"code": exc.code, "params": exc.params})


# -- use it ----------------------------------------------------------------------------------
def plan(names: list[str], focus: str) -> tuple[dict, list[str], str]:
    """The network's options, the student's layers it uses and the optimizer, when the
    student's passing classes are ``names`` and ``focus`` is the exercise open on the page.

    Affine, ReLU and Softmax-with-Loss go in whenever they pass; sigmoid, dropout and batch
    norm change the network, so only when they are the open exercise; an optimizer is the
    student's when it is the open exercise (else pynet's SGD).
    """
    options = {**NETWORK, "seed": SEED}
    activation = "sigmoid" if focus == "sigmoid" else "relu"
    options["activation"] = activation
    if focus == "dropout":
        options.update(use_dropout=True, dropout_ratio=0.2)
    if focus == "batchnorm":
        options["use_batchnorm"] = True
    used = [
        name
        for name in LAYERS
        if name in names and (name in ("affine", "softmax_with_loss", activation) or name == focus)
    ]
    optimizer = focus if focus in OPTIMIZERS else "sgd"
    return options, used, optimizer


def train_side_by_side(data: dict, sources: dict, focus: str, on_step=None) -> dict:
    """Train pynet's network and the same one with the student's classes, on the same seed
    and data; ``sources`` are the passing solutions ``{name: source}``. The losses per step,
    the test accuracy of each and the largest difference between the two loss curves."""
    options, used, optimizer = plan(list(sources), focus)
    classes = {name: exercises.load_solution(name, sources[name]) for name in used}
    students_optimizer = optimizer == focus and focus in sources
    if students_optimizer:
        classes[optimizer] = exercises.load_solution(optimizer, sources[optimizer])
    x = as_float(data["x_train"][:TRAIN_SAMPLES], np.float64)
    t = one_hot(data["t_train"][:TRAIN_SAMPLES])  # the book's SoftmaxWithLoss wants one-hot
    x_test = as_float(data["x_test"][:TEST_SAMPLES], np.float64)
    t_test = data["t_test"][:TEST_SAMPLES]
    total = 2 * -(-TRAIN_SAMPLES // BATCH_SIZE)
    runs, networks = {}, {}
    for side in ("pynet", "student"):
        if side == "student":
            network = exercises.student_network({n: classes[n] for n in used}, **options)
        else:
            network = MultiLayerNet(**options)
        settings = {
            "epochs": 1,
            "mini_batch_size": BATCH_SIZE,
            "optimizer": optimizer,
            "optimizer_param": {"lr": LEARNING_RATES[optimizer]},
            "evaluate_sample_num_per_epoch": EVALUATE_SAMPLES,
            "seed": SEED,
        }
        if side == "student" and students_optimizer:
            with exercises.optimizer_in_use(optimizer, classes[optimizer]):
                trainer = Trainer(network, x, t, x_test, t_test, **settings)
        else:
            trainer = Trainer(network, x, t, x_test, t_test, **settings)
        start = time.perf_counter()
        steps = trainer.steps()
        while True:
            try:
                info = next(steps)
            except StopIteration as done:
                result = done.value
                break
            if on_step:
                on_step(info.step + (total // 2 if side == "student" else 0), total)
        networks[side] = network
        runs[side] = {
            "losses": trainer.train_loss_list,
            "accuracy": result.final_test_acc,
            "reason": result.reason,
            "seconds": time.perf_counter() - start,
        }
    a, b = np.array(runs["student"]["losses"]), np.array(runs["pynet"]["losses"])
    difference = float(np.max(np.abs(a - b))) if a.shape == b.shape and a.size else None
    return {
        "max_weight_difference": weight_difference(networks["student"], networks["pynet"]),
        "classes": [exercises.EXERCISES[name].class_name for name in classes],
        "optimizer": optimizer,
        "optimizer_class": OPTIMIZERS[optimizer].__name__,
        "lr": LEARNING_RATES[optimizer],
        "students_optimizer": students_optimizer,
        "runs": runs,
        "max_loss_difference": difference,
        "train_samples": TRAIN_SAMPLES,
        "test_samples": TEST_SAMPLES,
        "valley": valley(optimizer, classes[optimizer]) if students_optimizer else None,
    }


def weight_difference(network: MultiLayerNet, reference: MultiLayerNet) -> float:
    """How far apart two networks' parameters are: the largest of max|Δ| / max|W| over the
    parameter arrays (0 when the trainings were the same to the last bit)."""
    return max(
        float(np.max(np.abs(network.params[key] - value)))
        / max(float(np.max(np.abs(value))), 1e-300)
        for key, value in reference.params.items()
    )


def valley(name: str, cls: type) -> dict:
    """The student's optimizer and pynet's walking down x²/20 + y² from (−7, 2)."""
    lrs = {name: experiments.BOOK_PATH_LRS[name]}
    pynets = experiments.optimizer_paths(steps=VALLEY_STEPS, lrs=lrs)[name]
    with exercises.optimizer_in_use(name, cls):
        students = experiments.optimizer_paths(steps=VALLEY_STEPS, lrs=lrs)[name]
    return {"student": students, "pynet": pynets, "contours": experiments.bowl_contours()}


async def use(sources_json, base_url, focus) -> str:
    """Train with the student's passing classes (``{name: source}``): ``{"result": ...}``,
    ``{"error": entry}`` when the student's code fails in training (at the student's line),
    or ``{"failure": ...}`` when MNIST cannot be fetched."""
    try:
        data = await site_data.mnist(str(base_url))
    except site_data.SiteFileError as exc:
        return _answer(failure=exc.as_failure())
    sources = json.loads(str(sources_json))
    try:
        result = train_side_by_side(data, sources, str(focus), sync.exercise_progress)
    except Exception as exc:  # the student's class fails where the checks did not look
        return _answer(error=error_from(exc))
    return _answer(result=result)


def ping():
    """Answer the page's watchdog: this worker is alive."""
    return True


__all__ = ["check", "export_file", "import_file", "ping", "use"]
