"""Weight initialisation by name (chapter 6.2)."""

import numpy as np

#: The names the page and the CLI offer, each with what it means.
INIT_NAMES = {
    "std": "Gaussian with std 0.01 (the book's first try: activations vanish in deep nets)",
    "xavier": "Xavier: std sqrt(1/n), suited to sigmoid and tanh",
    "he": "He: std sqrt(2/n), suited to ReLU",
    "zeros": "all zeros: every unit learns the same thing (the symmetry problem)",
}
_ALIASES = {"sigmoid": "xavier", "relu": "he"}


def init_std(weight_init_std: str | float, n_in: int) -> float:
    """The standard deviation for a weight matrix fed by ``n_in`` units.

    ``weight_init_std`` is ``"he"``/``"relu"`` (sqrt(2/n_in)), ``"xavier"``/``"sigmoid"``
    (sqrt(1/n_in)), ``"std"`` (0.01), ``"zeros"`` (0), or a non-negative number.
    """
    if isinstance(weight_init_std, str):
        name = _ALIASES.get(weight_init_std.lower(), weight_init_std.lower())
        if name == "he":
            return float(np.sqrt(2.0 / n_in))
        if name == "xavier":
            return float(np.sqrt(1.0 / n_in))
        if name == "std":
            return 0.01
        if name == "zeros":
            return 0.0
        names = ", ".join([*INIT_NAMES, *_ALIASES])
        raise ValueError(
            f"unknown weight init {weight_init_std!r}; choose one of {names}, or a number"
        )
    std = float(weight_init_std)
    if not np.isfinite(std) or std < 0:
        raise ValueError(f"weight init std must be a non-negative number, got {weight_init_std}")
    return std


def init_weight(
    weight_init_std: str | float,
    n_in: int,
    n_out: int,
    rng: np.random.Generator,
    dtype: np.dtype = np.float32,
) -> np.ndarray:
    """A (n_in, n_out) weight matrix drawn from N(0, std²) with the named std."""
    std = init_std(weight_init_std, n_in)
    return (std * rng.standard_normal((n_in, n_out))).astype(dtype)
