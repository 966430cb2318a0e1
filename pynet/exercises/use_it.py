"""Use it: a student's classes at work, as the layers of a real ``MultiLayerNet`` and as
the optimizer that ``Trainer`` and the chapter 6 labs build."""

from collections.abc import Iterator
from contextlib import contextmanager

from ..layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss
from ..network import MultiLayerNet
from ..optimizers import OPTIMIZERS

#: The hidden layers a student's class can replace, by exercise name: pynet's class, and
#: how to build the student's copy of one of its layers (on the very same arrays).
HIDDEN_LAYERS = {
    "affine": (Affine, lambda cls, layer: cls(layer.W, layer.b)),
    "relu": (Relu, lambda cls, layer: cls()),
    "sigmoid": (Sigmoid, lambda cls, layer: cls()),
    "dropout": (Dropout, lambda cls, layer: cls(layer.dropout_ratio, layer.rng)),
    "batchnorm": (
        BatchNormalization,
        lambda cls, layer: cls(
            layer.gamma, layer.beta, layer.momentum, layer.running_mean, layer.running_var
        ),
    ),
}


def standing_in(cls: type, base: type) -> type:
    """The student's ``cls`` as a subclass of pynet's ``base``, with its own methods first.

    ``MultiLayerNet`` tells its layers apart with ``isinstance`` (dropout and batch norm get
    ``train_flg``; ``backward_trace`` records an Affine's dW): this way the student's layer
    is treated as the one it replaces, while everything it does is the student's code.
    """
    return type(cls.__name__, (cls, base), {"__module__": cls.__module__})


def student_network(classes: dict[str, type], **options) -> MultiLayerNet:
    """A ``MultiLayerNet(**options)`` whose layers are instances of the student's classes.

    ``classes`` maps exercise names (``"affine"``, ``"relu"``, ``"sigmoid"``, ``"dropout"``,
    ``"batchnorm"``, ``"softmax_with_loss"``) to the student's classes (see
    ``load_solution``); the other layers stay pynet's. Every student layer holds the
    network's own parameter arrays, so optimizers, ``get_state`` and ``set_state`` work as
    ever. The book's SoftmaxWithLoss takes one-hot labels: train a network with the
    student's one on ``pynet.data.one_hot(t)``.
    """
    unknown = sorted(set(classes) - set(HIDDEN_LAYERS) - {"softmax_with_loss"})
    if unknown:
        raise ValueError(
            f"a network has no layer for {', '.join(unknown)}; it can use "
            f"{', '.join([*HIDDEN_LAYERS, 'softmax_with_loss'])}"
        )
    network = MultiLayerNet(**options)
    for key, layer in list(network.layers.items()):
        for name, (base, build) in HIDDEN_LAYERS.items():
            if name in classes and isinstance(layer, base):
                network.layers[key] = build(standing_in(classes[name], base), layer)
    if "softmax_with_loss" in classes:
        network.last_layer = standing_in(classes["softmax_with_loss"], SoftmaxWithLoss)()
    return network


@contextmanager
def optimizer_in_use(name: str, cls: type) -> Iterator[None]:
    """While the ``with`` block runs, the optimizer ``name`` is the student's class ``cls``.

    ``make_optimizer`` finds optimizers in ``pynet.optimizers.OPTIMIZERS``, so a ``Trainer``
    made inside the block (``Trainer(..., optimizer="adam")``) and the chapter 6 labs
    (``experiments.optimizer_paths``, ``compare_optimizers``) update with the student's
    code. pynet's own class is back when the block ends, whatever happened in it.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    original = OPTIMIZERS[name]
    OPTIMIZERS[name] = cls
    try:
        yield
    finally:
        OPTIMIZERS[name] = original
