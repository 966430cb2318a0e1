"""The training form, read and checked: raw field values in, a training plan or errors out.

Runs in the page's worker. Every rule comes from pynet itself (the network's, the
optimizer's and the trainer's own checks), so the page never disagrees with the engine;
this module only adds the limits of a browser tab and says which field each error is for.
Errors are keyed by the field's ``data-testid``.
"""

import inspect

from pynet.initializers import init_std
from pynet.network import ACTIVATIONS, MultiLayerNet
from pynet.optimizers import OPTIMIZERS, make_optimizer

TRAIN_SIZE_RANGE = (300, 60000)
MAX_EPOCHS = 100
#: A bigger network still trains, but a student would wait minutes per epoch.
MAX_WEIGHTS = 3_000_000
#: The page's init names, mapped to pynet's (``std`` is the book's 0.01).
INITS = {"std": 0.01, "xavier": "xavier", "he": "he", "zeros": "zeros"}


def choices() -> dict:
    """What the form's menus offer, from pynet's own lists: names and default learning rates."""
    return {
        "optimizers": {
            name: {"label": cls.__name__, "lr": cls().lr, "params": optimizer_params_text(cls)}
            for name, cls in OPTIMIZERS.items()
        },
        "activations": list(ACTIVATIONS),
        "inits": list(INITS),
    }


def optimizer_params_text(cls) -> str:
    """An optimizer's parameters besides the learning rate, with the book's defaults, as the
    form shows them: ``"beta1=0.9, beta2=0.999"``."""
    defaults = [(p.name, p.default) for p in inspect.signature(cls).parameters.values()]
    return ", ".join(f"{name}={value}" for name, value in defaults if name != "lr")


def _optimizer_params(text: str) -> dict[str, float]:
    params = {}
    for part in (p.strip() for p in str(text).split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError(part)
            params[name.strip()] = float(value)
        except ValueError:
            raise ValueError(
                f"write optimizer parameters as name=value, like momentum=0.9; got {part!r}"
            ) from None
    return params


def _number(raw: dict, field: str, what: str, cast=float):
    text = str(raw.get(field, "")).strip()
    try:
        value = cast(text)
    except ValueError:
        kind = "a whole number" if cast is int else "a number"
        raise ValueError(f"{what} must be {kind}, got {text!r}") from None
    return value


def _hidden(text: str) -> list[int]:
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        raise ValueError(
            f"hidden layers must be sizes separated by commas, like 100,50; got {text!r}"
        ) from None
    weights = sum(a * b for a, b in zip([784, *sizes], [*sizes, 10], strict=False))
    if weights > MAX_WEIGHTS:
        raise ValueError(
            f"that network has {weights:,} weights; keep it under {MAX_WEIGHTS:,} in the browser"
        )
    MultiLayerNet(1, sizes, 2)  # pynet's own check of each size
    return sizes


def _init(name: str) -> str | float:
    if name not in INITS:
        raise ValueError(f"unknown weight init {name!r}; choose one of {', '.join(INITS)}")
    init_std(INITS[name], 1)  # pynet's own check
    return INITS[name]


def parse(raw: dict) -> tuple[dict | None, dict[str, str]]:
    """``(plan, {})`` for a valid form, else ``(None, {field: sentence})``."""
    errors: dict[str, str] = {}
    plan: dict = {}

    def check(field, fn):
        try:
            return fn()
        except ValueError as exc:
            errors[field] = str(exc)

    hidden = check("hidden-layers", lambda: _hidden(raw.get("hidden-layers", "")))
    activation = check(
        "activation",
        lambda: MultiLayerNet(1, [], 2, activation=raw.get("activation")).config["activation"],
    )
    init = check("init", lambda: _init(raw.get("init")))
    optimizer = str(raw.get("optimizer", ""))
    lr = check("learning-rate", lambda: _number(raw, "learning-rate", "learning rate"))
    extra = check("optimizer-params", lambda: _optimizer_params(raw.get("optimizer-params", "")))
    if "learning-rate" not in errors and "optimizer-params" not in errors:
        if optimizer not in OPTIMIZERS:
            check("optimizer", lambda: make_optimizer(optimizer))
        else:
            check("learning-rate", lambda: make_optimizer(optimizer, lr=lr))
            if "learning-rate" not in errors:
                check("optimizer-params", lambda: make_optimizer(optimizer, lr=lr, **extra))
    decay = check(
        "weight-decay",
        lambda: (
            MultiLayerNet(
                1, [], 2, weight_decay_lambda=_number(raw, "weight-decay", "weight decay")
            ).weight_decay_lambda
        ),
    )
    dropout = check(
        "dropout",
        lambda: MultiLayerNet(
            1, [], 2, use_dropout=True, dropout_ratio=_number(raw, "dropout", "dropout ratio")
        ).config["dropout_ratio"],
    )

    def ranged(field, what, low, high):
        value = _number(raw, field, what, int)
        if not low <= value <= high:
            raise ValueError(f"{what} must be from {low:,} to {high:,}, got {value:,}")
        return value

    epochs = check("epochs", lambda: ranged("epochs", "epochs", 1, MAX_EPOCHS))
    train_size = check(
        "train-size", lambda: ranged("train-size", "training samples", *TRAIN_SIZE_RANGE)
    )
    batch = check(
        "batch-size",
        lambda: ranged("batch-size", "batch size", 1, train_size or TRAIN_SIZE_RANGE[1]),
    )
    seed = check("seed", lambda: ranged("seed", "seed", 0, 2**31 - 1))
    if errors:
        return None, errors
    plan["network"] = {
        "input_size": 784,
        "hidden_size_list": hidden,
        "output_size": 10,
        "activation": activation,
        "weight_init_std": init,
        "weight_decay_lambda": decay,
        "use_dropout": dropout > 0,
        "dropout_ratio": dropout if dropout > 0 else 0.5,
        "use_batchnorm": bool(raw.get("batchnorm")),
        "seed": seed,
    }
    plan.update(
        optimizer=optimizer,
        optimizer_param={"lr": lr, **extra},
        epochs=epochs,
        mini_batch_size=batch,
        train_size=train_size,
        seed=seed,
    )
    return plan, {}
