from pynet.graph import AddLayer, MulLayer, buy_apple, buy_apple_orange


def test_buy_apple_gives_the_books_forward_and_backward_values():
    r = buy_apple()
    assert r["price"] == 220.00000000000003  # 100 × 2 × 1.1 in floating point
    assert r["dapple"] == 2.2
    assert r["dapple_num"] == 110.00000000000001
    assert r["dtax"] == 200


def test_buy_apple_orange_gives_the_books_forward_and_backward_values():
    r = buy_apple_orange()
    assert round(r["price"], 6) == 715
    assert round(r["dapple"], 6) == 2.2
    assert round(r["dapple_num"], 6) == 110
    assert round(r["dorange"], 6) == 3.3
    assert round(r["dorange_num"], 6) == 165
    assert r["dtax"] == 650


def test_shopping_inputs_can_be_overridden():
    r = buy_apple_orange(apple=200, orange_num=1, tax=1.0)
    assert r["price"] == 200 * 2 + 150 * 1
    assert r["dapple"] == 2.0
    assert r["dorange_num"] == 150


def test_mul_layer_swaps_inputs_and_add_layer_passes_through():
    mul, add = MulLayer(), AddLayer()
    assert mul.forward(3, 4) == 12
    assert mul.backward(2) == (8, 6)
    assert add.forward(3, 4) == 7
    assert add.backward(2) == (2, 2)
