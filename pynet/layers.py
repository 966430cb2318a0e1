"""The layers of chapters 5 and 6, each with ``forward`` and ``backward(dout)``.

Every ``backward`` returns dL/d(input) and stores parameter gradients (``dW``, ``db``,
``dgamma``, ``dbeta``) on the layer. Unlike the book, no ``backward`` ever writes into
``dout``: the page shows these arrays, so they must stay as they were computed.
"""

import numpy as np

from .functions import class_indices, log_softmax, sigmoid
from .kernels import dot


class Relu:
    """ReLU: passes x where x > 0, else 0; backward passes dout only where x > 0."""

    def __init__(self) -> None:
        self.mask = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        return np.where(self.mask, 0, x).astype(x.dtype, copy=False)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return np.where(self.mask, 0, dout).astype(dout.dtype, copy=False)


class Sigmoid:
    """Sigmoid: y = 1 / (1 + exp(-x)); backward dx = dout * y * (1 - y)."""

    def __init__(self) -> None:
        self.out = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (1.0 - self.out) * self.out


class Tanh:
    """tanh (not a layer in the book, but on the page): backward dx = dout * (1 - y²)."""

    def __init__(self) -> None:
        self.out = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (1.0 - self.out**2)


class Affine:
    """Fully connected layer: Y = X·W + b.

    Backward: dX = dY·Wᵀ, dW = Xᵀ·dY, db = Σ dY over the batch.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return dot(self.x, self.W) + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self.dW = dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dot(dout, self.W.T).reshape(self.original_x_shape)


class InputAffine(Affine):
    """The first Affine layer, fed by the data itself (``MultiLayerNet`` uses it as Affine1).

    It computes what ``Affine`` computes, with two shortcuts only the first layer can take:

    - Nothing lies below it, so training needs no dX: backward computes dX only when
      ``compute_dx`` is set (the page's inspector and saliency map set it, to show dL/dx).
    - Pixels that are 0 in every image of the batch add nothing to X·W and get a zero row in
      dW, so both products skip them. In a batch of 100 MNIST images that is about a third
      of the 784 pixels, and a quarter of a training step in the browser.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        super().__init__(W, b)
        self.compute_dx = False
        self.active = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.active = np.flatnonzero(x.any(axis=0))  # the input columns that are not all 0
        self.x = x[:, self.active]
        return dot(self.x, self.W[self.active]) + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        self.dW = np.zeros_like(self.W)
        self.dW[self.active] = dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        if not self.compute_dx:
            return None
        return dot(dout, self.W.T).reshape(self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax followed by cross-entropy; backward is the famous (y − t) / N.

    ``t`` may be one-hot or class indices. The book computes −log(y + 1e-7); we take the
    log-softmax directly, which is exact, so the loss is precisely the function whose
    gradient is (y − t) / N and gradient checks agree to 1e-9 rather than 1e-5.
    """

    def __init__(self) -> None:
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        self.t = class_indices(t, x.shape[-1])
        log_y = log_softmax(x)
        self.y = np.exp(log_y)
        self.loss = float(-np.mean(log_y[np.arange(len(self.t)), self.t]))
        return self.loss

    def backward(self, dout: float = 1) -> np.ndarray:
        batch_size = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        return dx * self.y.dtype.type(dout / batch_size)


class Dropout:
    """Dropout (chapter 6.4.3), in its *inverted* form.

    The book keeps units with probability 1 - p while training and multiplies by (1 - p) at
    test time. We instead divide the kept units by (1 - p) while training, so prediction is
    the plain forward pass: the same expected activations, and nothing to remember at test
    time. Backward passes dout through the same mask and scale.
    """

    def __init__(self, dropout_ratio: float = 0.5, rng: np.random.Generator | None = None) -> None:
        if not 0 <= dropout_ratio < 1:
            raise ValueError(f"dropout ratio must be at least 0 and below 1, got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = rng if rng is not None else np.random.default_rng()
        self.mask = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        if not train_flg:
            self.mask = None
            return x
        keep = 1.0 - self.dropout_ratio
        self.mask = (self.rng.random(x.shape, dtype=x.dtype) < keep) / x.dtype.type(keep)
        return x * self.mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout if self.mask is None else dout * self.mask


class BatchNormalization:
    """Batch normalization (chapter 6.3): normalise each unit over the batch, then γx̂ + β.

    In training mode it uses the batch's mean and variance and updates the running averages
    (``running_mean = momentum·running_mean + (1 - momentum)·mean``); in test mode it uses
    the running averages, which makes it a fixed affine map whose backward is dout·γ/σ.
    """

    def __init__(
        self,
        gamma: np.ndarray,
        beta: np.ndarray,
        momentum: float = 0.9,
        running_mean: np.ndarray | None = None,
        running_var: np.ndarray | None = None,
        eps: float = 1e-7,
    ) -> None:
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.eps = eps
        self.running_mean = running_mean
        self.running_var = running_var
        self.xn = None
        self.std = None
        self.train_flg = None
        self.dgamma = None
        self.dbeta = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        if self.running_mean is None:
            self.running_mean = np.zeros(x.shape[1], dtype=x.dtype)
            self.running_var = np.zeros(x.shape[1], dtype=x.dtype)
        self.train_flg = train_flg
        if train_flg:
            mu = x.mean(axis=0)
            var = x.var(axis=0)
            m = self.momentum
            self.running_mean = (m * self.running_mean + (1 - m) * mu).astype(x.dtype)
            self.running_var = (m * self.running_var + (1 - m) * var).astype(x.dtype)
        else:
            mu, var = self.running_mean, self.running_var
        self.std = np.sqrt(var + self.eps)
        self.xn = (x - mu) / self.std
        return self.gamma * self.xn + self.beta

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(self.xn * dout, axis=0)
        dxn = dout * self.gamma
        if not self.train_flg:
            return dxn / self.std
        # The batch mean and variance depend on every x, which adds the two mean terms.
        return (dxn - dxn.mean(axis=0) - self.xn * np.mean(dxn * self.xn, axis=0)) / self.std
