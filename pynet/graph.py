"""Chapter 5.4: backprop on a computational graph, with the book's shopping examples."""


class MulLayer:
    """A multiplication node: out = x * y."""

    def __init__(self) -> None:
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        """d(xy)/dx = y and d(xy)/dy = x: each input gets dout times the *other* input."""
        return dout * self.y, dout * self.x


class AddLayer:
    """An addition node: out = x + y."""

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        """Addition passes the upstream gradient unchanged to both inputs."""
        return dout, dout


def buy_apple(apple: float = 100, apple_num: float = 2, tax: float = 1.1) -> dict[str, float]:
    """Figure 5-16: price = apple * apple_num * tax, with every backward value (dprice = 1)."""
    mul_apple = MulLayer()
    mul_tax = MulLayer()
    apple_price = mul_apple.forward(apple, apple_num)
    price = mul_tax.forward(apple_price, tax)

    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return {
        "apple": apple,
        "apple_num": apple_num,
        "tax": tax,
        "apple_price": apple_price,
        "price": price,
        "dprice": 1,
        "dapple_price": dapple_price,
        "dtax": dtax,
        "dapple": dapple,
        "dapple_num": dapple_num,
    }


def buy_apple_orange(
    apple: float = 100,
    apple_num: float = 2,
    orange: float = 150,
    orange_num: float = 3,
    tax: float = 1.1,
) -> dict[str, float]:
    """Figure 5-17: apples and oranges, summed, then taxed; every forward and backward value."""
    mul_apple = MulLayer()
    mul_orange = MulLayer()
    add_fruit = AddLayer()
    mul_tax = MulLayer()

    apple_price = mul_apple.forward(apple, apple_num)
    orange_price = mul_orange.forward(orange, orange_num)
    all_price = add_fruit.forward(apple_price, orange_price)
    price = mul_tax.forward(all_price, tax)

    dall_price, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add_fruit.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return {
        "apple": apple,
        "apple_num": apple_num,
        "orange": orange,
        "orange_num": orange_num,
        "tax": tax,
        "apple_price": apple_price,
        "orange_price": orange_price,
        "all_price": all_price,
        "price": price,
        "dprice": 1,
        "dall_price": dall_price,
        "dtax": dtax,
        "dapple_price": dapple_price,
        "dorange_price": dorange_price,
        "dapple": dapple,
        "dapple_num": dapple_num,
        "dorange": dorange,
        "dorange_num": dorange_num,
    }
