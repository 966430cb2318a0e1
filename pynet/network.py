"""``MultiLayerNet``: the book's fully connected network (``MultiLayerNetExtend``).

Layers are kept in order in ``layers`` (Affine1, BatchNorm1, Relu1, Dropout1, ...,
AffineN) with ``last_layer`` = SoftmaxWithLoss, exactly the structure of chapter 5.7 and 6.
"""

import inspect
from typing import Any

import numpy as np

from .data import as_float
from .errors import (
    PynetError,
    check_flag,
    check_fraction,
    check_number,
    check_positive_int,
    is_whole,
)
from .gradcheck import numerical_gradient
from .initializers import INIT_NAMES, init_std, init_weight
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

#: Seeds are whole numbers from 0 to this (``None`` draws a fresh one).
MAX_SEED = 2**32 - 1


class NetworkConfigError(PynetError):
    """A network setting is of the wrong kind or out of range; the sentence says which."""


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
        #: Everything needed to build this network again (``pynet.serialize`` stores it).
        self.config = check_config(
            {
                "input_size": input_size,
                "hidden_size_list": hidden_size_list,
                "output_size": output_size,
                "activation": activation,
                "weight_init_std": weight_init_std,
                "weight_decay_lambda": weight_decay_lambda,
                "use_dropout": use_dropout,
                "dropout_ratio": dropout_ratio,
                "use_batchnorm": use_batchnorm,
                "dtype": dtype,
                "seed": seed,
            }
        )
        config = self.config
        self.dtype = DTYPES[config["dtype"]]
        self.weight_decay_lambda = config["weight_decay_lambda"]
        self.hidden_layer_num = len(config["hidden_size_list"])
        rng = np.random.default_rng(config["seed"])

        sizes, init = layer_sizes(config), config["weight_init_std"]
        self.params: dict[str, np.ndarray] = {}
        for idx in range(1, len(sizes)):
            n_in, n_out = sizes[idx - 1], sizes[idx]
            self.params[f"W{idx}"] = init_weight(init, n_in, n_out, rng, self.dtype)
            self.params[f"b{idx}"] = np.zeros(n_out, dtype=self.dtype)

        def affine(idx: int) -> Affine:
            # The first layer reads the data itself: see InputAffine for what that saves.
            cls = InputAffine if idx == 1 else Affine
            return cls(self.params[f"W{idx}"], self.params[f"b{idx}"])

        self.layers: dict[str, object] = {}
        activation_cls = ACTIVATIONS[config["activation"]]
        for idx in range(1, self.hidden_layer_num + 1):
            self.layers[f"Affine{idx}"] = affine(idx)
            if config["use_batchnorm"]:
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
            if config["use_dropout"]:
                self.layers[f"Dropout{idx}"] = Dropout(config["dropout_ratio"], rng)
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


# -- configs: checked, measured and laid out without building anything ----------------------
def check_config(config: dict) -> dict:
    """A network config (keyword arguments of ``MultiLayerNet``) checked and filled in.

    This is the one place a network's settings are checked; ``MultiLayerNet`` calls it, and
    ``pynet.serialize`` calls it on a model file's config before building anything.

    Parameters
    ----------
    config
        ``MultiLayerNet``'s keyword arguments; the missing optional ones take its defaults.

    Returns
    -------
    dict
        Every setting, in ``MultiLayerNet``'s order, as plain Python values (what
        ``network.config`` holds).

    Raises
    ------
    NetworkConfigError
        For an unknown or missing setting, or a value of the wrong kind or out of range.
    """
    params = list(inspect.signature(MultiLayerNet.__init__).parameters.values())[1:]
    names = [p.name for p in params]
    unknown = sorted(str(key) for key in config if key not in names)
    if unknown:
        raise NetworkConfigError("config_unknown_keys", keys=unknown)
    missing = [p.name for p in params if p.default is p.empty and p.name not in config]
    if missing:
        raise NetworkConfigError("config_missing_keys", keys=missing)
    given = {p.name: config.get(p.name, p.default) for p in params}

    hidden = given["hidden_size_list"]
    if not isinstance(hidden, (list, tuple)):
        raise NetworkConfigError("hidden_sizes_not_list", value=hidden)
    activation = given["activation"]
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise NetworkConfigError("unknown_activation", value=activation, choices=list(ACTIVATIONS))
    weight_decay = check_number(
        "weight_decay_lambda", given["weight_decay_lambda"], NetworkConfigError
    )
    if not np.isfinite(weight_decay) or weight_decay < 0:
        raise NetworkConfigError("weight_decay_invalid", value=weight_decay)
    return {
        "input_size": check_positive_int("input_size", given["input_size"], NetworkConfigError),
        "hidden_size_list": [
            check_positive_int("hidden_size", n, NetworkConfigError) for n in hidden
        ],
        "output_size": check_positive_int("output_size", given["output_size"], NetworkConfigError),
        "activation": activation,
        "weight_init_std": _check_init(given["weight_init_std"]),
        "weight_decay_lambda": weight_decay,
        "use_dropout": check_flag("use_dropout", given["use_dropout"], NetworkConfigError),
        "dropout_ratio": check_fraction(
            "dropout_ratio", given["dropout_ratio"], NetworkConfigError
        ),
        "use_batchnorm": check_flag("use_batchnorm", given["use_batchnorm"], NetworkConfigError),
        "dtype": _check_dtype(given["dtype"]),
        "seed": _check_seed(given["seed"]),
    }


def _check_init(value: Any) -> str | float:
    if not isinstance(value, str):
        value = check_number("weight_init_std", value, NetworkConfigError)
    try:
        init_std(value, 1)
    except ValueError:
        if isinstance(value, str):
            raise NetworkConfigError(
                "unknown_init", value=value, choices=list(INIT_NAMES)
            ) from None
        raise NetworkConfigError("init_std_invalid", value=value) from None
    return value


def _check_dtype(value: Any) -> str:
    name = np.dtype(value).name if isinstance(value, (type, np.dtype)) else value
    if not isinstance(name, str) or name not in DTYPES:
        raise NetworkConfigError("unknown_dtype", value=name)
    return name


def _check_seed(value: Any) -> int | None:
    if value is not None and not (is_whole(value) and 0 <= value <= MAX_SEED):
        raise NetworkConfigError("seed_invalid", value=value, high=MAX_SEED)
    return None if value is None else int(value)


def layer_sizes(config: dict) -> list[int]:
    """Units in every layer of a checked config, input to output: ``[784, 100, 10]``."""
    return [config["input_size"], *config["hidden_size_list"], config["output_size"]]


def weight_count(sizes: list[int]) -> int:
    """How many weights (not biases) the Affine layers between ``sizes`` hold."""
    return sum(n_in * n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False))


def state_shapes(config: dict) -> dict[str, tuple[int, ...]]:
    """The shape of every array ``get_state()`` returns for a network built from ``config``
    (a checked one), known without building it."""
    sizes = layer_sizes(config)
    shapes = {}
    for idx in range(1, len(sizes)):
        shapes[f"W{idx}"], shapes[f"b{idx}"] = (sizes[idx - 1], sizes[idx]), (sizes[idx],)
    if config["use_batchnorm"]:
        for idx in range(1, len(sizes) - 1):
            for key in ("gamma", "beta", "running_mean", "running_var"):
                shapes[f"{key}{idx}"] = (sizes[idx],)
    return shapes
