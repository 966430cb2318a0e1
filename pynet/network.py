"""``MultiLayerNet``: the book's fully connected network (``MultiLayerNetExtend``).

Layers are kept in order in ``layers`` (Affine1, BatchNorm1, Relu1, Dropout1, ...,
AffineN) with ``last_layer`` = SoftmaxWithLoss, exactly the structure of chapter 5.7 and 6.
"""

import numpy as np

from .data import as_float
from .gradcheck import numerical_gradient
from .initializers import init_std, init_weight
from .layers import (
    Affine,
    BatchNormalization,
    Dropout,
    InputAffine,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
)

#: Hidden-layer activations by name.
ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}

#: The float types a network may compute in: float32 to train fast, float64 to check gradients.
DTYPES = {"float32": np.float32, "float64": np.float64}


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


class MultiLayerNet:
    """A fully connected network with optional weight decay, dropout and batch norm.

    Parameters
    ----------
    input_size, hidden_size_list, output_size
        Units in the input, in each hidden layer (in order), and in the output.
    activation
        ``"relu"``, ``"sigmoid"`` or ``"tanh"``.
    weight_init_std
        ``"he"``/``"relu"``, ``"xavier"``/``"sigmoid"``, ``"std"`` (0.01), ``"zeros"`` or a
        number (see ``pynet.initializers``).
    weight_decay_lambda
        λ of the L2 penalty ½λΣW² added to the loss (and λW to each dW).
    use_dropout, dropout_ratio
        Dropout after every hidden activation, dropping this fraction of units.
    use_batchnorm
        Batch normalization between every hidden Affine and its activation.
    dtype
        ``"float32"`` (default: twice as fast in the browser) or ``"float64"``.
    seed
        Seed for the weights and the dropout masks, so runs reproduce.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: str | float = "relu",
        weight_decay_lambda: float = 0,
        use_dropout: bool = False,
        dropout_ratio: float = 0.5,
        use_batchnorm: bool = False,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None:
        input_size = _positive_int("input size", input_size)
        hidden_size_list = [_positive_int("hidden layer size", n) for n in hidden_size_list]
        output_size = _positive_int("output size", output_size)
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
            )
        dtype = np.dtype(dtype).name
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        weight_decay_lambda = float(weight_decay_lambda)
        if not np.isfinite(weight_decay_lambda) or weight_decay_lambda < 0:
            raise ValueError(
                f"weight decay must be 0 or a positive number, got {weight_decay_lambda}"
            )
        if use_dropout and not 0 <= float(dropout_ratio) < 1:
            raise ValueError(f"dropout ratio must be at least 0 and below 1, got {dropout_ratio}")
        init_std(weight_init_std, input_size)  # fail early on a bad init name

        #: Everything needed to build this network again (``pynet.serialize`` stores it).
        self.config = {
            "input_size": input_size,
            "hidden_size_list": hidden_size_list,
            "output_size": output_size,
            "activation": activation,
            "weight_init_std": weight_init_std,
            "weight_decay_lambda": weight_decay_lambda,
            "use_dropout": bool(use_dropout),
            "dropout_ratio": float(dropout_ratio),
            "use_batchnorm": bool(use_batchnorm),
            "dtype": dtype,
            "seed": seed,
        }
        self.dtype = DTYPES[dtype]
        self.weight_decay_lambda = weight_decay_lambda
        self.hidden_layer_num = len(hidden_size_list)
        rng = np.random.default_rng(seed)

        sizes = [input_size, *hidden_size_list, output_size]
        self.params: dict[str, np.ndarray] = {}
        for idx in range(1, len(sizes)):
            n_in, n_out = sizes[idx - 1], sizes[idx]
            self.params[f"W{idx}"] = init_weight(weight_init_std, n_in, n_out, rng, self.dtype)
            self.params[f"b{idx}"] = np.zeros(n_out, dtype=self.dtype)

        def affine(idx: int) -> Affine:
            # The first layer reads the data itself: see InputAffine for what that saves.
            cls = InputAffine if idx == 1 else Affine
            return cls(self.params[f"W{idx}"], self.params[f"b{idx}"])

        self.layers: dict[str, object] = {}
        activation_cls = ACTIVATIONS[activation]
        for idx in range(1, self.hidden_layer_num + 1):
            self.layers[f"Affine{idx}"] = affine(idx)
            if use_batchnorm:
                n = sizes[idx]
                self.params[f"gamma{idx}"] = np.ones(n, dtype=self.dtype)
                self.params[f"beta{idx}"] = np.zeros(n, dtype=self.dtype)
                self.layers[f"BatchNorm{idx}"] = BatchNormalization(
                    self.params[f"gamma{idx}"],
                    self.params[f"beta{idx}"],
                    running_mean=np.zeros(n, dtype=self.dtype),
                    running_var=np.zeros(n, dtype=self.dtype),
                )
            self.layers[f"{activation_cls.__name__}{idx}"] = activation_cls()
            if use_dropout:
                self.layers[f"Dropout{idx}"] = Dropout(dropout_ratio, rng)
        last = self.hidden_layer_num + 1
        self.layers[f"Affine{last}"] = affine(last)
        self.last_layer = SoftmaxWithLoss()

    # -- forward ---------------------------------------------------------------------------
    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """The scores (before softmax) for a batch ``x``; ``train_flg`` turns on dropout and
        batch statistics. ``x`` may be floats or uint8 pixels (see ``pynet.data.as_float``)."""
        x = as_float(x, self.dtype)
        for layer in self.layers.values():
            if isinstance(layer, (Dropout, BatchNormalization)):
                x = layer.forward(x, train_flg)
            else:
                x = layer.forward(x)
        return x

    def _weight_decay(self) -> float:
        if self.weight_decay_lambda == 0:
            return 0.0
        sum_sq = sum(
            float(np.sum(self.params[f"W{i}"] ** 2)) for i in range(1, self.hidden_layer_num + 2)
        )
        return 0.5 * self.weight_decay_lambda * sum_sq

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """Cross-entropy loss plus the weight-decay penalty ½λΣW²."""
        y = self.predict(x, train_flg)
        return self.last_layer.forward(y, t) + self._weight_decay()

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int = 1000) -> float:
        """Fraction of ``x`` classified as ``t`` (indices or one-hot), in chunks to save memory."""
        t = np.asarray(t)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        if len(t) == 0:
            return float("nan")
        correct = 0
        for start in range(0, len(t), batch_size):
            y = self.predict(x[start : start + batch_size])
            correct += int(np.sum(np.argmax(y, axis=1) == t[start : start + batch_size]))
        return correct / len(t)

    # -- backward --------------------------------------------------------------------------
    def _param_grads(self) -> dict[str, np.ndarray]:
        grads = {}
        lam = self.weight_decay_lambda
        for idx in range(1, self.hidden_layer_num + 2):
            affine = self.layers[f"Affine{idx}"]
            grads[f"W{idx}"] = affine.dW + lam * self.params[f"W{idx}"] if lam else affine.dW
            grads[f"b{idx}"] = affine.db
            if f"BatchNorm{idx}" in self.layers:
                grads[f"gamma{idx}"] = self.layers[f"BatchNorm{idx}"].dgamma
                grads[f"beta{idx}"] = self.layers[f"BatchNorm{idx}"].dbeta
        return grads

    def loss_and_gradient(self, x: np.ndarray, t: np.ndarray) -> tuple[float, dict]:
        """One training forward pass and backprop: the loss and every parameter's gradient."""
        loss = self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return loss, self._param_grads()

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of the loss for every parameter by backprop (the book's ``gradient``)."""
        return self.loss_and_gradient(x, t)[1]

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients by central differences: slow, but the truth backprop is checked against."""
        return {
            key: numerical_gradient(lambda _: self.loss(x, t, train_flg=True), param)
            for key, param in self.params.items()
        }

    def backward_trace(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> dict:
        """Everything that flows forward and backward through each layer, for one batch.

        Returns ``{"loss": float, "layers": [record, ...]}`` with one record per layer in
        order, SoftmaxWithLoss last. A record holds ``name``, ``output`` (the forward output)
        and ``grad_input`` (dL/d(input), what backward sends to the layer below), plus
        ``dW``/``db`` or ``dgamma``/``dbeta`` where the layer has them (the gradient of the
        data loss alone, before weight decay). The first Affine's ``grad_input`` is dL/dx of
        the input itself.
        """
        x = as_float(x, self.dtype)
        records = []
        out = x
        for name, layer in self.layers.items():
            if isinstance(layer, (Dropout, BatchNormalization)):
                out = layer.forward(out, train_flg)
            else:
                out = layer.forward(out)
            records.append({"name": name, "output": out})
        loss = self.last_layer.forward(out, t) + self._weight_decay()
        records.append({"name": "SoftmaxWithLoss", "output": self.last_layer.y})

        first = self.layers["Affine1"]
        first.compute_dx = True
        try:
            dout = self.last_layer.backward(1)
            records[-1]["grad_input"] = dout
            for record, layer in zip(
                reversed(records[:-1]), reversed(self.layers.values()), strict=True
            ):
                dout = layer.backward(dout)
                record["grad_input"] = dout
                if isinstance(layer, Affine):
                    record["dW"], record["db"] = layer.dW, layer.db
                elif isinstance(layer, BatchNormalization):
                    record["dgamma"], record["dbeta"] = layer.dgamma, layer.dbeta
        finally:
            first.compute_dx = False
        return {"loss": float(loss), "layers": records}

    # -- state -----------------------------------------------------------------------------
    def get_state(self) -> dict[str, np.ndarray]:
        """A copy of every learned array: the parameters and batch norm's running averages."""
        state = {key: value.copy() for key, value in self.params.items()}
        for name, layer in self.layers.items():
            if isinstance(layer, BatchNormalization):
                idx = name.removeprefix("BatchNorm")
                state[f"running_mean{idx}"] = layer.running_mean.copy()
                state[f"running_var{idx}"] = layer.running_var.copy()
        return state

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        """Copy arrays from ``get_state()`` (same keys and shapes) back into this network."""
        expected = self.get_state()
        if set(state) != set(expected):
            missing = sorted(set(expected) - set(state))
            extra = sorted(set(state) - set(expected))
            raise ValueError(
                f"state does not fit this network: missing {missing}, unexpected {extra}"
            )
        for key, value in state.items():
            if np.shape(value) != expected[key].shape:
                raise ValueError(
                    f"{key} has shape {np.shape(value)}, this network needs {expected[key].shape}"
                )
        for key, value in state.items():
            if key in self.params:
                self.params[key][...] = value  # in place: the layers hold these very arrays
            else:
                stat, idx = key.rstrip("0123456789"), key[len(key.rstrip("0123456789")) :]
                setattr(self.layers[f"BatchNorm{idx}"], stat, np.array(value, dtype=self.dtype))
