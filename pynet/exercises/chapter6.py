"""The exercises of chapter 6 (학습 관련 기술들): the update rules, batch norm and the
regularisers.

The optimizers are the book's (``common/optimizer.py``), which pynet's match step for step;
dropout is the inverted form pynet uses, and batch norm takes ε = 1e-7 as pynet does.
"""

from .exercise import Exercise

_IN_PLACE_EN = "Change the arrays in params in place (params[key] -= ...): the layers hold them."
_IN_PLACE_KO = (
    "params의 배열을 제자리에서 갱신하세요(params[key] -= ...). 계층들이 바로 그 배열을 "
    "가지고 있습니다."
)

SGD = Exercise(
    name="sgd",
    class_name="SGD",
    section="6.1.2",
    title={"en": "SGD", "ko": "확률적 경사 하강법(SGD)"},
    statement={
        "en": (
            "Write SGD. update(params, grads) moves every parameter against its gradient, "
            "W ← W − η·∂L/∂W, for every key of params. " + _IN_PLACE_EN
        ),
        "ko": (
            "SGD를 구현하세요. update(params, grads)는 params의 모든 키에 대해 매개변수를 "
            "기울기의 반대 방향으로 갱신합니다: W ← W − η·∂L/∂W. " + _IN_PLACE_KO
        ),
    },
    formula=r"\mathbf{W} \leftarrow \mathbf{W} - \eta\frac{\partial L}{\partial \mathbf{W}}",
    solution="""\
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]
""",
    todo=("update",),
)

MOMENTUM = Exercise(
    name="momentum",
    class_name="Momentum",
    section="6.1.4",
    title={"en": "Momentum", "ko": "모멘텀"},
    statement={
        "en": (
            "Write Momentum. Keep a velocity v for every parameter (zeros shaped like it, "
            "made at the first update), then v ← αv − η·∂L/∂W and W ← W + v. " + _IN_PLACE_EN
        ),
        "ko": (
            "모멘텀을 구현하세요. 매개변수마다 속도 v를 두고(처음 갱신할 때 매개변수와 같은 "
            "형상의 0으로 만듭니다) v ← αv − η·∂L/∂W, W ← W + v로 갱신합니다. " + _IN_PLACE_KO
        ),
    },
    formula=(
        r"\mathbf{v} \leftarrow \alpha\mathbf{v} - \eta\frac{\partial L}{\partial \mathbf{W}},"
        r"\quad \mathbf{W} \leftarrow \mathbf{W} + \mathbf{v}"
    ),
    solution="""\
class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)

        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]
""",
    todo=("update",),
)

NESTEROV = Exercise(
    name="nesterov",
    class_name="Nesterov",
    section="6.1.4",
    title={"en": "Nesterov's accelerated gradient", "ko": "네스테로프 가속 경사(NAG)"},
    statement={
        "en": (
            "Write Nesterov's accelerated gradient as the book's common/optimizer.py has it: "
            "v ← αv − η·g, then W ← W + α²v − (1 + α)η·g. It looks ahead along the "
            "velocity before it steps. " + _IN_PLACE_EN
        ),
        "ko": (
            "책의 common/optimizer.py에 있는 네스테로프 가속 경사를 구현하세요: v ← αv − η·g, "
            "그다음 W ← W + α²v − (1 + α)η·g. 속도 방향으로 한발 앞을 내다본 뒤 이동하는 "
            "방법입니다. " + _IN_PLACE_KO
        ),
    },
    formula=(
        r"\mathbf{v} \leftarrow \alpha\mathbf{v} - \eta\mathbf{g},\quad "
        r"\mathbf{W} \leftarrow \mathbf{W} + \alpha^2\mathbf{v} - (1 + \alpha)\eta\mathbf{g}"
    ),
    solution="""\
class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)

        for key in params.keys():
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]
""",
    todo=("update",),
    extra=True,
)

ADAGRAD = Exercise(
    name="adagrad",
    class_name="AdaGrad",
    section="6.1.5",
    title={"en": "AdaGrad", "ko": "AdaGrad"},
    statement={
        "en": (
            "Write AdaGrad. Keep h, the sum of squared gradients, for every parameter: "
            "h ← h + g⊙g, then W ← W − η·g / (√h + 1e-7). The 1e-7 keeps a parameter whose "
            "gradient has always been 0 from a division by zero. " + _IN_PLACE_EN
        ),
        "ko": (
            "AdaGrad를 구현하세요. 매개변수마다 기울기 제곱의 합 h를 두고 h ← h + g⊙g, 그다음 "
            "W ← W − η·g / (√h + 1e-7)로 갱신합니다. 1e-7은 기울기가 줄곧 0이었던 매개변수에서 "
            "0으로 나누는 것을 막아 줍니다. " + _IN_PLACE_KO
        ),
    },
    formula=(
        r"\mathbf{h} \leftarrow \mathbf{h} + \frac{\partial L}{\partial \mathbf{W}} \odot "
        r"\frac{\partial L}{\partial \mathbf{W}},\quad "
        r"\mathbf{W} \leftarrow \mathbf{W} - \eta\frac{1}{\sqrt{\mathbf{h}} + 10^{-7}}"
        r"\frac{\partial L}{\partial \mathbf{W}}"
    ),
    solution="""\
class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)

        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
""",
    todo=("update",),
)

RMSPROP = Exercise(
    name="rmsprop",
    class_name="RMSprop",
    section="6.1.5",
    title={"en": "RMSProp", "ko": "RMSProp"},
    statement={
        "en": (
            "Write RMSProp: AdaGrad with h as an exponential moving average, so that old "
            "gradients fade: h ← ρh + (1 − ρ)g⊙g, then W ← W − η·g / (√h + 1e-7), where ρ is "
            "decay_rate. " + _IN_PLACE_EN
        ),
        "ko": (
            "RMSProp를 구현하세요. h를 지수이동평균으로 두어 오래된 기울기가 서서히 잊히는 "
            "AdaGrad입니다: h ← ρh + (1 − ρ)g⊙g, 그다음 W ← W − η·g / (√h + 1e-7). ρ는 "
            "decay_rate입니다. " + _IN_PLACE_KO
        ),
    },
    formula=(
        r"\mathbf{h} \leftarrow \rho\mathbf{h} + (1 - \rho)\,\mathbf{g}\odot\mathbf{g},\quad "
        r"\mathbf{W} \leftarrow \mathbf{W} - \eta\frac{\mathbf{g}}{\sqrt{\mathbf{h}} + 10^{-7}}"
    ),
    solution="""\
class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)

        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
""",
    todo=("update",),
    extra=True,
)

ADAM = Exercise(
    name="adam",
    class_name="Adam",
    section="6.1.6",
    title={"en": "Adam", "ko": "Adam"},
    statement={
        "en": (
            "Write Adam in the book's form. Count the updates in self.iter; with t = iter, the "
            "step size with its bias correction is η_t = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ). For every "
            "parameter, m ← m + (1 − β₁)(g − m) and v ← v + (1 − β₂)(g⊙g − v), then "
            "W ← W − η_t·m / (√v + 1e-7). " + _IN_PLACE_EN
        ),
        "ko": (
            "책의 방식대로 Adam을 구현하세요. 갱신 횟수를 self.iter에 세고, t = iter일 때 편향 "
            "보정을 넣은 학습률은 η_t = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)입니다. 매개변수마다 "
            "m ← m + (1 − β₁)(g − m), v ← v + (1 − β₂)(g⊙g − v), 그다음 "
            "W ← W − η_t·m / (√v + 1e-7)로 갱신합니다. " + _IN_PLACE_KO
        ),
    },
    formula=(
        r"\eta_t = \eta\frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t},\quad "
        r"\mathbf{m} \leftarrow \mathbf{m} + (1 - \beta_1)(\mathbf{g} - \mathbf{m}),\quad "
        r"\mathbf{v} \leftarrow \mathbf{v} + (1 - \beta_2)(\mathbf{g}\odot\mathbf{g} - "
        r"\mathbf{v}),\quad "
        r"\mathbf{W} \leftarrow \mathbf{W} - \eta_t\frac{\mathbf{m}}{\sqrt{\mathbf{v}} + 10^{-7}}"
    ),
    solution="""\
class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)

        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)

        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)
""",
    todo=("update",),
)

BATCHNORM = Exercise(
    name="batchnorm",
    class_name="BatchNormalization",
    section="6.3.1",
    title={"en": "Batch normalization: backward", "ko": "배치 정규화: 역전파"},
    statement={
        "en": (
            "Write the backward pass of batch normalization; forward is given and keeps "
            "xc = x − μ, xn = x̂, std = √(σ² + ε) and the batch size. backward(dout) stores "
            "dbeta = Σ dout and dgamma = Σ x̂·dout (sums over the batch) and returns dx. The "
            "mini-batch's mean and variance depend on every x of the batch: follow the "
            "computational graph back through them, or use the compact formula."
        ),
        "ko": (
            "배치 정규화의 역전파를 구현하세요. 순전파는 주어져 있고 xc = x − μ, xn = x̂, "
            "std = √(σ² + ε)와 배치 크기를 보관합니다. backward(dout)는 dbeta = Σ dout과 "
            "dgamma = Σ x̂·dout(배치 방향의 합)을 저장하고 dx를 반환합니다. 미니배치의 평균과 "
            "분산은 배치 안의 모든 x에 의존합니다. 계산 그래프를 따라 평균과 분산을 거슬러 "
            "올라가거나, 정리된 식을 쓰세요."
        ),
    },
    formula=(
        r"\mu_B = \frac{1}{m}\sum_{i=1}^{m} x_i,\quad "
        r"\sigma_B^2 = \frac{1}{m}\sum_{i=1}^{m} (x_i - \mu_B)^2,\quad "
        r"\hat{x}_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}},\quad "
        r"y_i = \gamma\hat{x}_i + \beta;\qquad "
        r"\frac{\partial L}{\partial x_i} = \frac{1}{\sqrt{\sigma_B^2 + \varepsilon}}\left("
        r"\frac{\partial L}{\partial \hat{x}_i} - \frac{1}{m}\sum_{j}"
        r"\frac{\partial L}{\partial \hat{x}_j} - \hat{x}_i\,\frac{1}{m}\sum_{j}"
        r"\frac{\partial L}{\partial \hat{x}_j}\hat{x}_j\right)"
    ),
    solution="""\
class BatchNormalization:
    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-7):
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.running_mean = running_mean  # 시험할 때 사용할 평균과 분산
        self.running_var = running_var
        self.eps = eps  # 책은 10e-7을 쓰지만 pynet은 1e-7이다.
        self.batch_size = None
        self.xc = None
        self.xn = None
        self.std = None
        self.dgamma = None
        self.dbeta = None

    def forward(self, x, train_flg=True):
        if self.running_mean is None:
            D = x.shape[1]
            self.running_mean = np.zeros(D)
            self.running_var = np.zeros(D)

        if train_flg:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc**2, axis=0)
            std = np.sqrt(var + self.eps)
            xn = xc / std

            self.batch_size = x.shape[0]
            self.xc = xc
            self.xn = xn
            self.std = std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            xc = x - self.running_mean
            xn = xc / np.sqrt(self.running_var + self.eps)

        out = self.gamma * xn + self.beta
        return out

    def backward(self, dout):
        dbeta = dout.sum(axis=0)
        dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        dxc = dxn / self.std
        dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc += (2.0 / self.batch_size) * self.xc * dvar
        dmu = np.sum(dxc, axis=0)
        dx = dxc - dmu / self.batch_size

        self.dgamma = dgamma
        self.dbeta = dbeta
        return dx
""",
    todo=("backward",),
)

WEIGHT_DECAY = Exercise(
    name="weight_decay",
    class_name="WeightDecay",
    section="6.4.2",
    title={"en": "Weight decay", "ko": "가중치 감소"},
    statement={
        "en": (
            "Write weight decay as a small class. loss(params) returns the penalty ½λΣW² "
            "summed over the weights: the keys that start with W (biases are not decayed). "
            "gradient(params, grads) returns a new dict of gradients in which every weight's "
            "gradient has λW added; the biases' gradients stay as they are, and grads itself "
            "is left unchanged."
        ),
        "ko": (
            "가중치 감소를 작은 클래스로 구현하세요. loss(params)는 가중치(키가 W로 시작하는 "
            "것; 편향은 감소시키지 않습니다)에 대한 벌칙 ½λΣW²을 반환합니다. "
            "gradient(params, grads)는 각 가중치의 기울기에 λW를 더한 새 딕셔너리를 "
            "반환합니다. 편향의 기울기는 그대로 두고, grads 자체는 수정하지 않습니다."
        ),
    },
    formula=(
        r"L' = L + \frac{1}{2}\lambda\sum_{l}\lVert\mathbf{W}_l\rVert^2,\quad "
        r"\frac{\partial L'}{\partial \mathbf{W}_l} = \frac{\partial L}{\partial \mathbf{W}_l}"
        r" + \lambda\mathbf{W}_l"
    ),
    solution="""\
class WeightDecay:
    def __init__(self, weight_decay_lambda=0.1):
        self.weight_decay_lambda = weight_decay_lambda

    def loss(self, params):
        weight_decay = 0
        for key, W in params.items():
            if key.startswith("W"):
                weight_decay += 0.5 * self.weight_decay_lambda * np.sum(W**2)
        return weight_decay

    def gradient(self, params, grads):
        decayed = {}
        for key, grad in grads.items():
            if key.startswith("W"):
                decayed[key] = grad + self.weight_decay_lambda * params[key]
            else:
                decayed[key] = grad
        return decayed
""",
    todo=("loss", "gradient"),
)

DROPOUT = Exercise(
    name="dropout",
    class_name="Dropout",
    section="6.4.3",
    title={"en": "Dropout", "ko": "드롭아웃"},
    statement={
        "en": (
            "Write dropout in its inverted form. While training (train_flg=True), keep every "
            "unit with probability 1 − dropout_ratio (draw with self.rng.random(x.shape) < "
            "1 − dropout_ratio), divide the kept ones by 1 − dropout_ratio and remember the "
            "mask; at test time return x unchanged. backward(dout) lets dout through the same "
            "mask with the same scale. (The book multiplies by 1 − dropout_ratio at test time "
            "instead; dividing while training gives the same expected output and a test pass "
            "with nothing to do.)"
        ),
        "ko": (
            "드롭아웃을 역(inverted) 드롭아웃 방식으로 구현하세요. 훈련 때(train_flg=True)는 "
            "각 뉴런을 1 − dropout_ratio의 확률로 남기고(self.rng.random(x.shape) < "
            "1 − dropout_ratio로 뽑습니다) 남긴 값을 1 − dropout_ratio로 나누며 마스크를 "
            "기억합니다. 시험 때는 x를 그대로 반환합니다. backward(dout)는 같은 마스크, 같은 "
            "배율로 dout을 흘려보냅니다. (책은 시험 때 1 − dropout_ratio를 곱합니다. 훈련 때 "
            "나누어 두면 출력의 기댓값은 같고 시험 때는 할 일이 없습니다.)"
        ),
    },
    formula=(
        r"\mathbf{y} = \frac{\mathbf{m}\odot\mathbf{x}}{1 - p},\ "
        r"m_i \sim \mathrm{Bernoulli}(1 - p),\quad "
        r"\frac{\partial L}{\partial \mathbf{x}} = \frac{\mathbf{m}}{1 - p}\odot"
        r"\frac{\partial L}{\partial \mathbf{y}};\qquad \text{test: } \mathbf{y} = \mathbf{x}"
    ),
    solution="""\
class Dropout:
    def __init__(self, dropout_ratio=0.5, rng=None):
        self.dropout_ratio = dropout_ratio
        self.rng = rng if rng is not None else np.random.default_rng()
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = self.rng.random(x.shape) < 1.0 - self.dropout_ratio
            return x * self.mask / (1.0 - self.dropout_ratio)
        return x

    def backward(self, dout):
        return dout * self.mask / (1.0 - self.dropout_ratio)
""",
    todo=("forward", "backward"),
)

#: Chapter 6's exercises in the book's order.
EXERCISES = (SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, BATCHNORM, WEIGHT_DECAY, DROPOUT)
