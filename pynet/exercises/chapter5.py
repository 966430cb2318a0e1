"""The exercises of chapter 5 (오차역전파법): the graph's nodes and the network's layers.

Each solution is the book's class as the student would write it, with pynet's two
departures: no ``backward`` writes into ``dout``, and losses are checked in float64.
"""

from .exercise import Exercise

MUL_LAYER = Exercise(
    name="mul_layer",
    class_name="MulLayer",
    section="5.4.1",
    title={"en": "Multiplication layer", "ko": "곱셈 계층"},
    statement={
        "en": (
            "Write the multiplication node of a computational graph. forward(x, y) returns "
            "x·y and remembers both inputs; backward(dout) returns (dx, dy), where each "
            "input's gradient is dout times the other input. With your node, the book's "
            "apple and orange example (figure 5-17) must give the price 715 and the "
            "gradients 2.2 (apple), 110 (number of apples), 3.3 (orange), 165 (number of "
            "oranges) and 650 (tax)."
        ),
        "ko": (
            "계산 그래프의 곱셈 노드를 구현하세요. forward(x, y)는 x·y를 반환하고 두 입력을 "
            "기억합니다. backward(dout)는 (dx, dy)를 반환하는데, 각 입력의 기울기는 상류에서 "
            "전해진 미분 dout에 다른 쪽 입력을 곱한 값입니다. 여러분의 곱셈 계층으로 사과와 "
            "귤 쇼핑 예(그림 5-17)를 계산하면 가격 715와 기울기 2.2(사과), 110(사과 개수), "
            "3.3(귤), 165(귤 개수), 650(소비세)이 나와야 합니다."
        ),
    },
    formula=(
        r"z = xy,\quad \frac{\partial L}{\partial x} = \frac{\partial L}{\partial z}\,y,"
        r"\quad \frac{\partial L}{\partial y} = \frac{\partial L}{\partial z}\,x"
    ),
    solution="""\
class MulLayer:
    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        out = x * y
        return out

    def backward(self, dout):
        dx = dout * self.y  # x와 y를 바꾼다.
        dy = dout * self.x
        return dx, dy
""",
    todo=("forward", "backward"),
)

ADD_LAYER = Exercise(
    name="add_layer",
    class_name="AddLayer",
    section="5.4.2",
    title={"en": "Addition layer", "ko": "덧셈 계층"},
    statement={
        "en": (
            "Write the addition node. forward(x, y) returns x + y; backward(dout) returns "
            "(dx, dy), and an addition passes the upstream gradient on to both inputs "
            "unchanged. The apple and orange example must again give 715, 2.2, 110, 3.3, "
            "165 and 650."
        ),
        "ko": (
            "덧셈 노드를 구현하세요. forward(x, y)는 x + y를 반환하고, backward(dout)는 "
            "(dx, dy)를 반환합니다. 덧셈 노드의 역전파는 상류의 값을 그대로 두 입력 쪽으로 "
            "흘려보냅니다. 사과와 귤 쇼핑 예에서 다시 715, 2.2, 110, 3.3, 165, 650이 나와야 "
            "합니다."
        ),
    },
    formula=(
        r"z = x + y,\quad \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}"
        r" = \frac{\partial L}{\partial z}"
    ),
    solution="""\
class AddLayer:
    def __init__(self):
        pass

    def forward(self, x, y):
        out = x + y
        return out

    def backward(self, dout):
        dx = dout * 1
        dy = dout * 1
        return dx, dy
""",
    todo=("forward", "backward"),
)

RELU = Exercise(
    name="relu",
    class_name="Relu",
    section="5.5.1",
    title={"en": "ReLU layer", "ko": "ReLU 계층"},
    statement={
        "en": (
            "Write the ReLU layer. forward(x) outputs x where x > 0 and 0 elsewhere, and "
            "remembers where the input was not positive in self.mask. backward(dout) lets "
            "dout through where the input was positive and sends 0 elsewhere. Leave dout as "
            "it is (the book's dout[self.mask] = 0 writes into it): start from a copy, "
            "dx = dout.copy()."
        ),
        "ko": (
            "ReLU 계층을 구현하세요. 순전파 forward(x)는 x > 0인 원소는 그대로, 나머지는 0을 "
            "출력하고, 입력이 0 이하였던 위치를 self.mask에 기억합니다. 역전파 backward(dout)는 "
            "순전파 때 입력이 양수였던 곳으로만 dout을 흘려보내고 나머지는 0으로 합니다. "
            "책의 dout[self.mask] = 0처럼 dout을 직접 고치지 말고 복사본에서 시작하세요: "
            "dx = dout.copy()."
        ),
    },
    formula=(
        r"y = \begin{cases} x & (x > 0) \\ 0 & (x \le 0) \end{cases},\quad "
        r"\frac{\partial y}{\partial x} = \begin{cases} 1 & (x > 0) \\ 0 & (x \le 0) \end{cases}"
    ),
    solution="""\
class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()  # 책과 달리 dout은 그대로 둔다.
        dx[self.mask] = 0
        return dx
""",
    todo=("forward", "backward"),
)

SIGMOID = Exercise(
    name="sigmoid",
    class_name="Sigmoid",
    section="5.5.2",
    title={"en": "Sigmoid layer", "ko": "Sigmoid 계층"},
    statement={
        "en": (
            "Write the Sigmoid layer. forward(x) returns y = 1 / (1 + exp(−x)) and keeps y "
            "in self.out; backward(dout) returns dout·y·(1 − y), computed from the stored "
            "output y alone."
        ),
        "ko": (
            "Sigmoid 계층을 구현하세요. forward(x)는 y = 1 / (1 + exp(−x))를 반환하고 y를 "
            "self.out에 보관합니다. backward(dout)는 순전파의 출력 y만으로 dout·y·(1 − y)를 "
            "계산해 반환합니다."
        ),
    },
    formula=(
        r"y = \frac{1}{1 + \exp(-x)},\quad "
        r"\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\,y(1 - y)"
    ),
    solution="""\
class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout):
        dx = dout * (1.0 - self.out) * self.out
        return dx
""",
    todo=("forward", "backward"),
)

AFFINE = Exercise(
    name="affine",
    class_name="Affine",
    section="5.6.2",
    title={"en": "Affine layer", "ko": "Affine 계층"},
    statement={
        "en": (
            "Write the Affine layer for a mini-batch. forward(x) returns x·W + b for x of "
            "shape (N, input size) and keeps x. backward(dout) returns dx = dout·Wᵀ and "
            "stores dW = xᵀ·dout and db, dout summed over the batch (axis 0). Mind the "
            "shapes: dx has the shape of x, dW that of W, db that of b."
        ),
        "ko": (
            "미니배치용 Affine 계층을 구현하세요. forward(x)는 형상이 (N, 입력 크기)인 x에 "
            "대해 x·W + b를 반환하고 x를 보관합니다. backward(dout)는 dx = dout·Wᵀ를 "
            "반환하고, dW = xᵀ·dout과 db(dout을 배치 방향, 즉 0번째 축으로 더한 값)를 "
            "저장합니다. 형상에 주의하세요: dx는 x와, dW는 W와, db는 b와 형상이 같습니다."
        ),
    },
    formula=(
        r"\mathbf{Y} = \mathbf{X}\cdot\mathbf{W} + \mathbf{B},\quad "
        r"\frac{\partial L}{\partial \mathbf{X}} = "
        r"\frac{\partial L}{\partial \mathbf{Y}}\cdot\mathbf{W}^{\mathsf{T}},\quad "
        r"\frac{\partial L}{\partial \mathbf{W}} = "
        r"\mathbf{X}^{\mathsf{T}}\cdot\frac{\partial L}{\partial \mathbf{Y}},\quad "
        r"\frac{\partial L}{\partial \mathbf{B}} = \sum_{n=1}^{N}"
        r"\frac{\partial L}{\partial \mathbf{Y}_n}"
    ),
    solution="""\
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.x = x
        out = np.dot(x, self.W) + self.b
        return out

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx
""",
    todo=("forward", "backward"),
)

SOFTMAX_WITH_LOSS = Exercise(
    name="softmax_with_loss",
    class_name="SoftmaxWithLoss",
    section="5.6.3",
    title={"en": "Softmax-with-Loss layer", "ko": "Softmax-with-Loss 계층"},
    statement={
        "en": (
            "Write the Softmax-with-Loss layer. forward(x, t) applies softmax to the scores "
            "x, keeps the result y and the one-hot labels t, and returns the cross-entropy "
            "error (the functions softmax and cross_entropy_error are there to use). "
            "backward(dout=1) returns (y − t) / N, where N is the batch size."
        ),
        "ko": (
            "Softmax-with-Loss 계층을 구현하세요. forward(x, t)는 점수 x에 소프트맥스 함수를 "
            "적용해 그 결과 y와 원-핫 인코딩된 정답 레이블 t를 보관하고, 교차 엔트로피 "
            "오차를 반환합니다(softmax와 cross_entropy_error 함수를 쓸 수 있습니다). "
            "backward(dout=1)은 (y − t) / N을 반환합니다. N은 배치 크기입니다."
        ),
    },
    formula=(
        r"y_k = \frac{\exp(a_k)}{\sum_i \exp(a_i)},\quad "
        r"L = -\frac{1}{N}\sum_n \sum_k t_{nk}\log y_{nk},\quad "
        r"\frac{\partial L}{\partial a_{nk}} = \frac{y_{nk} - t_{nk}}{N}"
    ),
    solution="""\
class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None  # 손실
        self.y = None  # softmax의 출력
        self.t = None  # 정답 레이블(원-핫 벡터)

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        dx = (self.y - self.t) / batch_size
        return dx
""",
    todo=("forward", "backward"),
)

#: Chapter 5's exercises in the book's order.
EXERCISES = (MUL_LAYER, ADD_LAYER, RELU, SIGMOID, AFFINE, SOFTMAX_WITH_LOSS)
