"""A tiny network the page steps through, forward, backward and update, every matrix shown.

::

    X ─Affine1─▶ A1 ─Relu1─▶ Z1 ─Affine2─▶ A2 ─SoftmaxWithLoss(t)─▶ Y, loss

The book's two-layer network (5.7) at a size that fits on a page: by default 4 inputs,
3 hidden units, 2 classes and a batch of 2, drawn from a seed. It is made of pynet's own
``Affine``, ``Relu`` and ``SoftmaxWithLoss`` layers, so what the page shows is what training
computes. The phases are separate calls, in this order: ``forward()``, ``backward()``,
``update()``; then ``forward()`` again for the next step.

JSON
----
A matrix is ``{"shape": [2, 3], "values": nested lists}`` (``inspection.matrix_json``).
A step is ``{"layer": "Affine2", "computes": ["dW2", "db2", "dZ1"], "latex": str}``.

``forward()``
    ``{"phase": "forward", "sizes": {...}, "loss": float, "matrices": {name: matrix},
    "steps": [step, ...]}`` with the matrices X, W1, b1, A1 = X·W1 + b1, mask, Z1, W2, b2,
    A2 = Z1·W2 + b2, Y = softmax(A2) and t (one-hot labels). ``mask`` is the ReLU layer's
    own, as in the book: true where A1 ≤ 0, the entries ReLU sets to 0 and blocks on the
    way back.
``backward()``
    ``{"phase": "backward", "matrices": {...}, "numeric": {...}, "errors": {...},
    "steps": [...]}``, the matrices in the order they are made: dA2 = (Y − t)/N,
    dW2 = Z1ᵀ·dA2, db2, dZ1 = dA2·W2ᵀ, dA1 (dZ1 where the mask is false), dW1 = Xᵀ·dA1, db1,
    dX = dA1·W1ᵀ. ``numeric`` holds dW1, db1, dW2, db2 and dX again by central differences,
    ``errors`` the relative error of each (about 1e-10: everything is float64).
``entry(name, row, col)``
    Where one entry of a product of the backward pass (``PRODUCTS``: dW1, dW2, dZ1, dX) comes
    from: ``{"matrix": "dW1", "row": i, "col": j, "value": float, "formula": "dW1 = Xᵀ·dA1",
    "left": "X", "right": "dA1", "terms": [term, ...], "sum": float}``. The term for each k
    is ``{"left": [r, c], "right": [r, c], "left_value", "right_value", "product"}``, the
    positions in the matrices *as the forward and backward JSON hold them* (X, not Xᵀ), so
    the page can highlight them there: for dW1[i, j], column i of X and column j of dA1.
``update(optimizer="sgd", **settings)``
    One step of ``pynet.optimizers.make_optimizer(optimizer, **settings)``:
    ``{"phase": "update", "optimizer": "sgd", "settings": {"lr": 0.01},
    "params": {"W1": {"before": matrix, "update": matrix, "after": matrix}, ...},
    "state": {...}}``; ``update`` is after − before, and ``state`` the optimizer's own
    (Momentum's v, AdaGrad's h, Adam's m, v and iter), which carries over to the next
    update while the optimizer and its settings stay the same.

Errors are ``NetStepError`` with a ``code`` and ``params`` (``NetStepError.MESSAGES``).
"""

import inspect

import numpy as np

from .errors import PynetError
from .gradcheck import numerical_gradient, relative_error
from .initializers import init_weight
from .inspection import matrix_json
from .layers import Affine, Relu, SoftmaxWithLoss
from .optimizers import OPTIMIZERS, make_optimizer


class NetStepError(PynetError):
    """The stepper cannot do what was asked; ``code`` says why."""

    MESSAGES = {
        "out_of_range": "{name} must be a whole number from {low} to {high}, got {value}",
        "forward_first": "run the forward pass first",
        "backward_first": "run the backward pass first",
        "unknown_matrix": "{name} is not one of the products {choices}",
        "entry_out_of_range": "{name} has shape {shape}: it has no entry ({row}, {col})",
        "unknown_optimizer": "there is no optimizer {name}; choose one of {choices}",
        "bad_optimizer_setting": "{optimizer}: {detail}",
    }


#: The sizes a student may choose, each (smallest, largest): every matrix must fit on a page.
LIMITS = {
    "input_size": (1, 8),
    "hidden_size": (1, 8),
    "output_size": (2, 5),
    "batch_size": (1, 8),
    "seed": (0, 2**32 - 1),
}

#: The name each layer's output has on the page.
OUTPUTS = {"Affine1": "A1", "Relu1": "Z1", "Affine2": "A2"}

#: The products of the backward pass that ``entry`` explains: C = left · right, each factor
#: a matrix by its name and whether it is transposed.
PRODUCTS = {
    "dW1": (("X", True), ("dA1", False)),
    "dW2": (("Z1", True), ("dA2", False)),
    "dZ1": (("dA2", False), ("W2", True)),
    "dX": (("dA1", False), ("W1", True)),
}

FORWARD_STEPS = (
    ("Affine1", ("A1",), r"A_1 = X \cdot W_1 + b_1"),
    ("Relu1", ("mask", "Z1"), r"Z_1 = \max(0, A_1),\quad \mathrm{mask} = (A_1 \le 0)"),
    ("Affine2", ("A2",), r"A_2 = Z_1 \cdot W_2 + b_2"),
    (
        "SoftmaxWithLoss",
        ("Y", "loss"),
        r"Y = \operatorname{softmax}(A_2),\quad L = -\frac{1}{N} \sum_{n,k} t_{nk} \log Y_{nk}",
    ),
)

BACKWARD_STEPS = (
    ("SoftmaxWithLoss", ("dA2",), r"\frac{\partial L}{\partial A_2} = \frac{Y - t}{N}"),
    (
        "Affine2",
        ("dW2", "db2", "dZ1"),
        r"\frac{\partial L}{\partial W_2} = Z_1^{\mathsf{T}} \cdot \frac{\partial L}{\partial A_2},"
        r"\quad \frac{\partial L}{\partial b_2} = \sum_{n} \frac{\partial L}{\partial A_2},"
        r"\quad \frac{\partial L}{\partial Z_1} = "
        r"\frac{\partial L}{\partial A_2} \cdot W_2^{\mathsf{T}}",
    ),
    (
        "Relu1",
        ("dA1",),
        r"\frac{\partial L}{\partial A_1} = \begin{cases} \frac{\partial L}{\partial Z_1} "
        r"& A_1 > 0 \\ 0 & \mathrm{mask} \end{cases}",
    ),
    (
        "Affine1",
        ("dW1", "db1", "dX"),
        r"\frac{\partial L}{\partial W_1} = X^{\mathsf{T}} \cdot \frac{\partial L}{\partial A_1},"
        r"\quad \frac{\partial L}{\partial b_1} = \sum_{n} \frac{\partial L}{\partial A_1},"
        r"\quad \frac{\partial L}{\partial X} = "
        r"\frac{\partial L}{\partial A_1} \cdot W_1^{\mathsf{T}}",
    ),
)


def _steps_json(steps: tuple) -> list[dict]:
    return [
        {"layer": layer, "computes": list(computes), "latex": latex}
        for layer, computes, latex in steps
    ]


def _whole(name: str, value) -> int:
    """``value`` as a whole number within ``LIMITS[name]``."""
    low, high = LIMITS[name]
    number = isinstance(value, (int, np.integer, float)) and not isinstance(value, bool)
    whole = number and np.isfinite(value) and value == int(value)
    if not whole or not low <= value <= high:
        shown = value if whole else str(value)[:20]
        raise NetStepError("out_of_range", name=name, low=low, high=high, value=shown)
    return int(value)


class NetStepper:
    """The tiny network and the last values it computed, for the page to show.

    Parameters
    ----------
    input_size, hidden_size, output_size, batch_size
        The network's sizes and how many examples it reads at once (see ``LIMITS``).
    seed
        Draws the weights (He initialisation, biases 0, as ``MultiLayerNet`` does), the
        inputs X (standard normal) and the labels t, so a run reproduces.
    """

    def __init__(
        self,
        input_size: int = 4,
        hidden_size: int = 3,
        output_size: int = 2,
        batch_size: int = 2,
        seed: int = 0,
    ) -> None:
        self.sizes = {
            "input_size": _whole("input_size", input_size),
            "hidden_size": _whole("hidden_size", hidden_size),
            "output_size": _whole("output_size", output_size),
            "batch_size": _whole("batch_size", batch_size),
        }
        n_in, n_hidden, n_out, n = self.sizes.values()
        rng = np.random.default_rng(_whole("seed", seed))
        self.params = {
            "W1": init_weight("he", n_in, n_hidden, rng, np.float64),
            "b1": np.zeros(n_hidden),
            "W2": init_weight("he", n_hidden, n_out, rng, np.float64),
            "b2": np.zeros(n_out),
        }
        self.x = rng.standard_normal((n, n_in))
        self.t = np.eye(n_out)[rng.integers(0, n_out, n)]
        self.layers = self._layers()
        self.last_layer = SoftmaxWithLoss()
        #: Every matrix computed so far, by its name on the page.
        self.matrices: dict[str, np.ndarray] = {}
        self.loss: float | None = None
        self.phase: str | None = None
        self.optimizer = None
        self._optimizer_key = None

    def _layers(self) -> dict:
        """The book's layers over this network's parameters (they hold the very arrays)."""
        return {
            "Affine1": Affine(self.params["W1"], self.params["b1"]),
            "Relu1": Relu(),
            "Affine2": Affine(self.params["W2"], self.params["b2"]),
        }

    def _run(self, layers: dict, last_layer: SoftmaxWithLoss) -> tuple[dict, float]:
        """Forward through ``layers``: each output by its name (A1, Z1, A2), and the loss."""
        outputs, out = {}, self.x
        for name, layer in layers.items():
            out = layer.forward(out)
            outputs[OUTPUTS[name]] = out
        return outputs, last_layer.forward(out, self.t)

    # -- the three phases --------------------------------------------------------------------
    def forward(self) -> dict:
        """Run the batch forward and keep every matrix it makes."""
        outputs, loss = self._run(self.layers, self.last_layer)
        params = {key: value.copy() for key, value in self.params.items()}  # update changes them
        self.matrices = {
            "X": self.x,
            "W1": params["W1"],
            "b1": params["b1"],
            "A1": outputs["A1"],
            "mask": self.layers["Relu1"].mask,
            "Z1": outputs["Z1"],
            "W2": params["W2"],
            "b2": params["b2"],
            "A2": outputs["A2"],
            "Y": self.last_layer.y,
            "t": self.t,
        }
        self.loss = loss
        self.phase = "forward"
        return {
            "phase": "forward",
            "sizes": dict(self.sizes),
            "loss": loss,
            "matrices": {name: matrix_json(value) for name, value in self.matrices.items()},
            "steps": _steps_json(FORWARD_STEPS),
        }

    def backward(self) -> dict:
        """Backprop layer by layer, from the loss down to dX, checked against numerical
        gradients."""
        if self.phase not in ("forward", "backward"):
            raise NetStepError("forward_first")
        dA2 = self.last_layer.backward(1)
        dZ1 = self.layers["Affine2"].backward(dA2)
        dA1 = self.layers["Relu1"].backward(dZ1)
        dX = self.layers["Affine1"].backward(dA1)
        grads = {
            "dA2": dA2,
            "dW2": self.layers["Affine2"].dW,
            "db2": self.layers["Affine2"].db,
            "dZ1": dZ1,
            "dA1": dA1,
            "dW1": self.layers["Affine1"].dW,
            "db1": self.layers["Affine1"].db,
            "dX": dX,
        }
        self.matrices.update(grads)
        self.phase = "backward"
        numeric = self.numerical_gradients()
        return {
            "phase": "backward",
            "matrices": {name: matrix_json(value) for name, value in grads.items()},
            "numeric": {name: matrix_json(value) for name, value in numeric.items()},
            "errors": {name: relative_error(grads[name], value) for name, value in numeric.items()},
            "steps": _steps_json(BACKWARD_STEPS),
        }

    def update(self, optimizer: str = "sgd", **settings: float) -> dict:
        """One step of ``optimizer`` with the gradients of the last backward pass."""
        if self.phase != "backward":
            raise NetStepError("backward_first")
        rule = self._optimizer(optimizer, settings)
        before = {key: value.copy() for key, value in self.params.items()}
        rule.update(self.params, {key: self.matrices[f"d{key}"] for key in self.params})
        self.phase = "update"
        names = list(inspect.signature(type(rule)).parameters)
        state = {}
        for attr, value in vars(rule).items():
            if isinstance(value, dict):
                state[attr] = {key: matrix_json(v) for key, v in value.items()}
            elif attr not in names:
                state[attr] = value  # Adam's step count
        return {
            "phase": "update",
            "optimizer": self._optimizer_key[0],
            "settings": {name: float(getattr(rule, name)) for name in names},
            "params": {
                key: {
                    "before": matrix_json(before[key]),
                    "update": matrix_json(self.params[key] - before[key]),
                    "after": matrix_json(self.params[key]),
                }
                for key in self.params
            },
            "state": state,
        }

    def _optimizer(self, name: str, settings: dict):
        """The optimizer asked for: the one kept from the last update if nothing changed, so
        that momentum and Adam's moments carry over."""
        key = (str(name).lower(), tuple(sorted(settings.items())))
        if key != self._optimizer_key:
            if key[0] not in OPTIMIZERS:
                raise NetStepError("unknown_optimizer", name=str(name), choices=list(OPTIMIZERS))
            try:
                self.optimizer = make_optimizer(key[0], **settings)
            except (TypeError, ValueError) as exc:
                raise NetStepError(
                    "bad_optimizer_setting", optimizer=key[0], detail=str(exc)
                ) from None
            self._optimizer_key = key
        return self.optimizer

    # -- looking closer ----------------------------------------------------------------------
    def numerical_gradients(self) -> dict[str, np.ndarray]:
        """dW1, db1, dW2, db2 and dX by central differences (``pynet.gradcheck``).

        The loss is computed through fresh layers on the same arrays, so the stepper's own
        layers keep what their backward needs.
        """

        def loss(_) -> float:
            return self._run(self._layers(), SoftmaxWithLoss())[1]

        numeric = {f"d{key}": numerical_gradient(loss, value) for key, value in self.params.items()}
        numeric["dX"] = numerical_gradient(loss, self.x)
        return numeric

    def entry(self, name: str, row: int, col: int) -> dict:
        """Which entries, multiplied and summed, made ``name[row, col]`` (see the module
        docstring): for dW1[i, j], column i of X (row i of Xᵀ) against column j of dA1."""
        if name not in PRODUCTS:
            raise NetStepError("unknown_matrix", name=str(name), choices=list(PRODUCTS))
        if name not in self.matrices:
            raise NetStepError("backward_first")
        product = self.matrices[name]
        rows, cols = product.shape
        inside = all(isinstance(v, (int, np.integer)) for v in (row, col))
        if not inside or not (0 <= row < rows and 0 <= col < cols):
            raise NetStepError(
                "entry_out_of_range", name=name, shape=[rows, cols], row=str(row), col=str(col)
            )
        (left_name, left_t), (right_name, right_t) = PRODUCTS[name]
        left, right = self.matrices[left_name], self.matrices[right_name]
        terms = []
        for k in range(left.shape[0] if left_t else left.shape[1]):
            at_left = (k, row) if left_t else (row, k)
            at_right = (col, k) if right_t else (k, col)
            terms.append(
                {
                    "left": list(at_left),
                    "right": list(at_right),
                    "left_value": float(left[at_left]),
                    "right_value": float(right[at_right]),
                    "product": float(left[at_left] * right[at_right]),
                }
            )
        left_text = left_name + ("ᵀ" if left_t else "")
        right_text = right_name + ("ᵀ" if right_t else "")
        return {
            "matrix": name,
            "row": int(row),
            "col": int(col),
            "value": float(product[row, col]),
            "formula": f"{name} = {left_text}·{right_text}",
            "left": left_name,
            "right": right_name,
            "terms": terms,
            "sum": float(sum(term["product"] for term in terms)),
        }
