"""The activation and loss functions of chapters 3 to 5."""

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)).

    exp(-x) overflows to inf for very negative x, which correctly gives 0; the warning is noise.
    """
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x), element-wise."""
    return np.maximum(0, x)


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; subtracting the row maximum keeps exp from overflowing."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(x: np.ndarray) -> np.ndarray:
    """log(softmax(x)) over the last axis, exact even where softmax underflows to 0."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def class_indices(t: np.ndarray, num_classes: int) -> np.ndarray:
    """Labels as a 1-D array of class indices, whether given one-hot or as indices."""
    t = np.asarray(t)
    if t.ndim == 2 and t.shape[1] == num_classes:
        return t.argmax(axis=1)
    return t.reshape(-1)


def cross_entropy_error(y: np.ndarray, t: np.ndarray) -> float:
    """Mean cross-entropy of predicted probabilities ``y`` against labels ``t``.

    ``t`` may be one-hot (same shape as ``y``) or class indices. The tiny 1e-7 keeps log(0)
    finite, as in the book.
    """
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, y.size)
        t = t.reshape(1, t.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    t = t.reshape(-1)
    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size)
