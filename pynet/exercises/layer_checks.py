"""Checks of the layers a student writes.

Forward is compared with pynet's own layer, and backward with the numerical gradient of
pynet's forward (central differences in float64), for a few random cases: a square one
first (where a forgotten transpose still has the right shape, so it shows as a number, not
as an exception), a batch of one, and a general one. A classic mistake is recognised by its
numbers: the student's result equals what that mistake would give.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import graph
from ..data import one_hot
from ..gradcheck import numerical_gradient, relative_error
from ..layers import Affine, BatchNormalization, Relu, Sigmoid, SoftmaxWithLoss
from .report import SEED, TOLERANCE, Report, as_array


@dataclass
class Case:
    """One set of random arrays and what pynet's layer makes of them.

    ``expected`` holds pynet's output ``"out"`` and the numerical gradients (``"dx"``,
    ``"dW"``, ...); ``reference`` is pynet's layer after a forward pass on these arrays.
    """

    arrays: dict[str, np.ndarray]
    dout: np.ndarray | int
    expected: dict[str, np.ndarray]
    reference: object

    def __getitem__(self, key: str) -> np.ndarray:
        return self.arrays[key]


@dataclass(frozen=True)
class KnownMistake:
    """A classic mistake: ``value(case)`` is what it gives for ``quantity`` (``"dx"``, ...)."""

    code: str
    quantity: str
    value: Callable[[Case], np.ndarray]


@dataclass(frozen=True)
class LayerSpec:
    """How to check one layer exercise.

    ``make(rng, *shape)`` draws the arrays of one case for each shape in ``shapes``.
    ``inputs`` are forward's arguments that backward returns gradients for, in order;
    ``params`` are the constructor's arrays, whose gradients backward stores as ``d`` +
    name. ``labels``: forward also takes ``t`` and returns a loss (backward gets dout = 1).
    ``train_flg``: forward is called with ``train_flg=True``. ``extra(cls, report)`` runs
    the exercise's own further checks.
    """

    reference: type
    make: Callable[..., dict[str, np.ndarray]]
    shapes: tuple[tuple[int, ...], ...]
    inputs: tuple[str, ...] = ("x",)
    params: tuple[str, ...] = ()
    labels: bool = False
    train_flg: bool = False
    forward_tolerance: float = TOLERANCE
    mistakes: tuple[KnownMistake, ...] = ()
    extra: Callable[[type, Report], None] | None = None

    def build(self, cls: type, arrays: dict[str, np.ndarray]):
        return cls(*[arrays[name] for name in self.params])

    def forward(self, layer, arrays: dict[str, np.ndarray]):
        args = [arrays[name] for name in self.inputs]
        if self.labels:
            args.append(arrays["t"])
        return layer.forward(*args, train_flg=True) if self.train_flg else layer.forward(*args)


# -- the random cases -------------------------------------------------------------------------
def _away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Normal numbers pushed 0.1 away from 0, so ReLU's kink stays out of the differences."""
    x = rng.standard_normal(shape)
    return x + 0.1 * np.sign(x)


def _units(rng, n, d):
    return {"x": _away_from_zero(rng, (n, d))}


def _pair(rng, n, d):
    return {"x": rng.standard_normal((n, d)), "y": rng.standard_normal((n, d))}


def _affine(rng, n, d_in, d_out):
    return {
        "x": rng.standard_normal((n, d_in)),
        "W": rng.standard_normal((d_in, d_out)),
        "b": rng.standard_normal(d_out),
    }


def _scores(rng, n, d):
    return {"x": rng.standard_normal((n, d)), "t": one_hot(rng.integers(d, size=n), d)}


def _batch(rng, n, d):
    return {
        "x": 0.5 * rng.standard_normal((n, d)),
        "gamma": 1.0 + 0.1 * rng.standard_normal(d),
        "beta": 0.1 * rng.standard_normal(d),
    }


def make_case(spec: LayerSpec, rng: np.random.Generator, shape: tuple[int, ...]) -> Case:
    """Draw one case's arrays and compute pynet's output and the numerical gradients."""
    arrays = {key: value.astype(np.float64) for key, value in spec.make(rng, *shape).items()}
    reference = spec.build(spec.reference, {key: value.copy() for key, value in arrays.items()})
    inputs = {**arrays, **{name: arrays[name].copy() for name in spec.inputs}}
    out = spec.forward(reference, inputs)
    dout = 1 if spec.labels else rng.standard_normal(np.shape(out))

    def loss(_) -> float:
        return float(np.sum(spec.forward(reference, inputs) * dout))

    expected = {"out": out}
    for name in spec.inputs:
        expected["d" + name] = numerical_gradient(loss, inputs[name])
    for name in spec.params:
        expected["d" + name] = numerical_gradient(loss, getattr(reference, name))
    spec.forward(reference, inputs)  # leave it as after one pass over these very arrays
    return Case(arrays, dout, expected, reference)


# -- the check --------------------------------------------------------------------------------
def check_layer(spec: LayerSpec, cls: type, report: Report) -> None:
    """Check the student's layer class ``cls`` on every case of ``spec``."""
    for i, shape in enumerate(spec.shapes):
        case = make_case(spec, np.random.default_rng([SEED, i]), shape)
        given = {key: value.copy() for key, value in case.arrays.items()}
        layer = spec.build(cls, given)
        results = {"out": spec.forward(layer, given)}
        forward = report.check("forward", spec.forward_tolerance)
        passed = {"out": forward.compare(results["out"], case.expected["out"])}
        for name in spec.inputs:
            report.unchanged(name, "forward", case[name], given[name])

        dout = case.dout if spec.labels else case.dout.copy()
        gradients = _gradients(spec, layer, layer.backward(dout), report)
        if not spec.labels:
            report.unchanged("dout", "backward", case.dout, dout)
        for name, value in gradients.items():
            expected = case.expected[name]
            passed[name] = report.check("gradient", name=name).compare(value, expected)
            report.add_diff(name, value, expected)
        _name_mistakes(spec.mistakes, case, {**results, **gradients}, passed, report)
    if spec.extra:
        spec.extra(cls, report)


def _gradients(spec: LayerSpec, layer, grads, report: Report) -> dict:
    """The student's gradients by name: backward's return value(s), then ``layer.dW``..."""
    names = ["d" + name for name in spec.inputs]
    if len(names) == 1:
        found = {names[0]: grads}
    elif isinstance(grads, (tuple, list)) and len(grads) == len(names):
        found = dict(zip(names, grads, strict=True))
    else:
        for name in names:
            report.check("gradient", name=name).fail(not_a_pair=True)
        found = {}
    for name in spec.params:
        found["d" + name] = getattr(layer, "d" + name, None)
    return found


def _name_mistakes(
    mistakes: tuple[KnownMistake, ...], case: Case, results: dict, passed: dict, report: Report
) -> None:
    """Name each known mistake whose result the student's wrong value equals."""
    for mistake in mistakes:
        if passed.get(mistake.quantity, True):
            continue
        got = as_array(results[mistake.quantity])
        try:
            wrong = np.asarray(mistake.value(case), dtype=np.float64)
        except ValueError:  # e.g. x·dout for a non-square case: that mistake cannot show here
            continue
        if (
            got is not None
            and got.shape == wrong.shape
            and np.all(np.isfinite(got))
            and relative_error(got, wrong) < TOLERANCE
        ):
            report.mistake(mistake.code, name=mistake.quantity)


# -- the exercises' own further checks --------------------------------------------------------
#: Figure 5-17's price and its gradients for dprice = 1, which both nodes must reproduce.
APPLE_ORANGE = {
    "price": 715.0,
    "dapple": 2.2,
    "dapple_num": 110.0,
    "dorange": 3.3,
    "dorange_num": 165.0,
    "dtax": 650.0,
}


def _apple_orange(node: str) -> Callable[[type, Report], None]:
    """The check of the student's class standing for ``graph``'s ``node`` in figure 5-17."""

    def check(cls: type, report: Report) -> None:
        # buy_apple_orange makes its nodes from the module's MulLayer and AddLayer: for
        # this one call, the student's class is the one it finds there.
        original = getattr(graph, node)
        setattr(graph, node, cls)
        try:
            values = graph.buy_apple_orange()
        finally:
            setattr(graph, node, original)
        check = report.check("apple_orange")
        for key, expected in APPLE_ORANGE.items():
            check.compare(values[key], expected)
        got = {key: as_array(values[key]) for key in APPLE_ORANGE}
        check.params["got"] = {
            key: float(value) if value is not None and value.size == 1 else None
            for key, value in got.items()
        }

    return check


def _batchnorm_test_mode(cls: type, report: Report) -> None:
    """After a training pass, forward(x, train_flg=False) uses the running averages."""
    arrays = _batch(np.random.default_rng([SEED, 99]), 4, 3)
    x_test = _batch(np.random.default_rng([SEED, 100]), 2, 3)["x"]
    reference = BatchNormalization(arrays["gamma"].copy(), arrays["beta"].copy())
    layer = cls(arrays["gamma"].copy(), arrays["beta"].copy())
    reference.forward(arrays["x"].copy(), train_flg=True)
    layer.forward(arrays["x"].copy(), train_flg=True)
    report.check("test_mode").compare(
        layer.forward(x_test.copy(), train_flg=False), reference.forward(x_test, train_flg=False)
    )


#: Shapes (batch, units): square first, then a batch of one, then a general one.
UNITS = ((3, 3), (1, 4), (4, 5))

#: How each layer exercise is checked.
LAYERS = {
    "mul_layer": LayerSpec(
        graph.MulLayer,
        _pair,
        UNITS,
        inputs=("x", "y"),
        mistakes=(
            KnownMistake("mul_same_input", "dx", lambda c: c.dout * c["x"]),
            KnownMistake("mul_same_input", "dy", lambda c: c.dout * c["y"]),
        ),
        extra=_apple_orange("MulLayer"),
    ),
    "add_layer": LayerSpec(
        graph.AddLayer, _pair, UNITS, inputs=("x", "y"), extra=_apple_orange("AddLayer")
    ),
    "relu": LayerSpec(Relu, _units, UNITS),
    "sigmoid": LayerSpec(
        Sigmoid,
        _units,
        UNITS,
        mistakes=(
            KnownMistake("sigmoid_uses_x", "dx", lambda c: c.dout * (1.0 - c["x"]) * c["x"]),
        ),
    ),
    "affine": LayerSpec(
        Affine,
        _affine,
        ((3, 3, 3), (1, 4, 2), (4, 5, 3)),
        params=("W", "b"),
        mistakes=(
            KnownMistake("missing_transpose", "dx", lambda c: c.dout @ c["W"]),
            KnownMistake("missing_transpose", "dW", lambda c: c["x"] @ c.dout),
            KnownMistake("missing_transpose", "dW", lambda c: c.dout.T @ c["x"]),
            KnownMistake("wrong_sum_axis", "db", lambda c: np.sum(c.dout, axis=1)),
            KnownMistake("wrong_sum_axis", "db", lambda c: np.sum(c.dout)),
        ),
    ),
    # The book's cross_entropy_error takes log(y + 1e-7), pynet the exact log-softmax: the
    # losses differ by about 1e-7/y, hence the looser forward tolerance. The gradients agree.
    "softmax_with_loss": LayerSpec(
        SoftmaxWithLoss,
        _scores,
        UNITS,
        labels=True,
        forward_tolerance=1e-5,
        mistakes=(
            KnownMistake("missing_batch_division", "dx", lambda c: len(c["x"]) * c.expected["dx"]),
        ),
    ),
    "batchnorm": LayerSpec(
        BatchNormalization,
        _batch,
        UNITS,
        params=("gamma", "beta"),
        train_flg=True,
        mistakes=(
            KnownMistake(
                "batchnorm_constant_stats",
                "dx",
                lambda c: c.dout * c["gamma"] / c.reference.std,
            ),
            KnownMistake(
                "wrong_sum_axis", "dgamma", lambda c: np.sum(c.reference.xn * c.dout, axis=1)
            ),
            KnownMistake("wrong_sum_axis", "dbeta", lambda c: np.sum(c.dout, axis=1)),
            KnownMistake(
                "batchnorm_book_eps",
                "out",
                lambda c: BatchNormalization(c["gamma"], c["beta"], eps=10e-7).forward(c["x"]),
            ),
        ),
        extra=_batchnorm_test_mode,
    ),
}


# -- dropout ----------------------------------------------------------------------------------
#: The ratio dropout is checked with; the drop rate seen must lie this close to it.
DROPOUT_RATIO = 0.3
DROP_RATE_SLACK = 0.03  # about 4.5 standard deviations for the 5,000 units below


def check_dropout(cls: type, report: Report) -> None:
    """Check inverted dropout by what its outputs must be, whatever random numbers it drew:
    every unit dropped or scaled by 1/(1 − p), about p of them dropped, backward through the
    same mask, and x itself at test time."""
    keep = 1.0 - DROPOUT_RATIO
    rng = np.random.default_rng(SEED)
    for shape in ((100, 50), (1, 8)):
        x = _away_from_zero(rng, shape)
        layer = cls(dropout_ratio=DROPOUT_RATIO, rng=np.random.default_rng(SEED))
        given = x.copy()
        out = layer.forward(given, train_flg=True)
        report.unchanged("x", "forward", x, given)
        forward = report.check("dropout_scale")
        scale = as_array(out)
        if scale is None or scale.shape != x.shape:
            forward.compare(out, x)  # records what was wrong with it
            continue
        scale = scale / x  # each unit's factor: 0 if dropped, 1/(1 - p) if kept
        if not forward.compare(scale, np.where(scale > 0.5 / keep, 1.0 / keep, 0.0)):
            unscaled = np.where(scale > 0.5, 1.0, 0.0)  # the book's mask: kept units as they were
            if 0 < unscaled.mean() < 1 and relative_error(scale, unscaled) < TOLERANCE:
                report.mistake("dropout_not_inverted")
        if x.size >= 1000:
            dropped = float(np.mean(np.abs(scale) < 0.5))
            report.check("drop_rate", expected=DROPOUT_RATIO).verify(
                abs(dropped - DROPOUT_RATIO) < DROP_RATE_SLACK, dropped=dropped
            )

        dout = rng.standard_normal(shape)
        given_dout = dout.copy()
        dx = layer.backward(given_dout)
        report.unchanged("dout", "backward", dout, given_dout)
        report.check("gradient", name="dx").compare(dx, dout * scale)
        report.add_diff("dx", dx, dout * scale)

        test_out = layer.forward(x.copy(), train_flg=False)
        if not report.check("test_mode").compare(test_out, x):
            test_array = as_array(test_out)
            if test_array is not None and test_array.shape == x.shape:
                if relative_error(test_array, keep * x) < TOLERANCE:
                    report.mistake("dropout_not_inverted")
