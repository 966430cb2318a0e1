"""Chapter 5 stepped through, in headless Chromium: the graph stepper walks the book's
graphs and a typed formula back to their inputs, each gradient checked numerically, and the
tiny network's backward pass gives the gradients central differences give."""

import json
import math

import numpy as np
from actions import sel

#: σ(1)(1 − σ(1)): dy/dx of the sigmoid at x = 1 (5.5.2).
SIGMOID_SLOPE_AT_1 = math.exp(-1) / (1 + math.exp(-1)) ** 2


def data(page, testid, key):
    return json.loads(page.get_attribute(sel(testid), f"data-{key}"))


def wait_graph(page):
    """Wait for the graph the fields describe to be on the page."""
    page.wait_for_selector(f'{sel("graph-svg")}[data-ready="true"]')


def changed(page, action):
    """Do ``action`` (which makes the graph be computed again) and wait for the new graph."""
    page.eval_on_selector(sel("graph-svg"), "box => box.dataset.ready = 'waiting'")
    action()
    wait_graph(page)


def step_back_to_the_inputs(page):
    """Press Step backward until every input has its gradient; the number of presses."""
    presses = 0
    while page.is_enabled(sel("graph-step-back")):
        page.click(sel("graph-step-back"))
        presses += 1
    return presses


def sigmoid_at_1_steps_back_to_sigma_times_one_minus_sigma(page):
    changed(page, lambda: page.select_option(sel("graph-preset"), "sigmoid"))
    changed(page, lambda: page.fill(sel("graph-value-x"), "1"))
    assert data(page, "graph-node-n6", "value") == 1 / (1 + math.exp(-1))  # y = σ(1)
    for _ in range(3):  # ÷, +1 and exp: the gradient has not reached x yet
        page.click(sel("graph-step-back"))
    assert page.get_attribute(sel("graph-input-x"), "data-grad") is None
    assert step_back_to_the_inputs(page) == 1  # the ×(−1) node, the book's fourth
    grad = data(page, "graph-input-x", "grad")
    numeric = data(page, "graph-input-x", "numeric-grad")
    assert abs(grad - SIGMOID_SLOPE_AT_1) < 1e-12 and round(grad, 5) == 0.19661
    assert abs(numeric - grad) < 1e-6


def a_typed_formula_steps_back_to_its_four_gradients(page):
    changed(page, lambda: page.fill(sel("graph-expression"), "(a*b + c)*d"))
    for name, value in zip("abcd", "2345", strict=True):
        changed(page, lambda name=name, value=value: page.fill(sel(f"graph-value-{name}"), value))
    assert step_back_to_the_inputs(page) == 3  # ×, + and ×: one step per operation
    grads = {name: data(page, f"graph-input-{name}", "grad") for name in "abcd"}
    assert grads == {"a": 15, "b": 10, "c": 5, "d": 10}
    for name, grad in grads.items():
        assert abs(data(page, f"graph-input-{name}", "numeric-grad") - grad) < 1e-6


def a_refused_formula_is_explained_in_korean(page):
    page.select_option(sel("lang"), "ko")
    changed(page, lambda: page.fill(sel("graph-expression"), "__import__('os')"))
    message = page.text_content(sel("graph-message"))
    assert message.startswith("__import__(이)라는 함수는 없습니다.")
    assert "exp, log, sigmoid, tanh, relu, sqrt" in message
    assert page.is_disabled(sel("graph-step-back"))


def test_the_graph_stepper_walks_graphs_back_to_their_inputs_and_refuses_code(page):
    # (one page for the three, as a student would go: a page takes seconds to start)
    wait_graph(page)  # drawn on load, before any button: the book's apples and oranges
    assert data(page, "graph-node-n8", "value") == 715.0000000000001
    assert page.get_attribute(sel("graph-node-n8"), "data-grad") is None
    sigmoid_at_1_steps_back_to_sigma_times_one_minus_sigma(page)
    a_typed_formula_steps_back_to_its_four_gradients(page)
    a_refused_formula_is_explained_in_korean(page)


def loss(W1, b1, W2, b2, X, t):
    """The tiny network's loss, written out here: Affine, ReLU, Affine, softmax, mean
    cross-entropy."""
    A2 = np.maximum(X @ W1 + b1, 0) @ W2 + b2
    Y = np.exp(A2 - A2.max(axis=1, keepdims=True))
    Y /= Y.sum(axis=1, keepdims=True)
    return -np.sum(t * np.log(Y)) / len(X)


def matrices(page, *names):
    return {name: np.array(data(page, f"netstep-matrix-{name}", "values")) for name in names}


def test_the_tiny_network_steps_backward_to_the_numerical_dW1_and_updates(page):
    page.wait_for_selector(f'{sel("netstep")}[data-phase="forward"]')  # on load
    page.click(sel("netstep-backward"))
    page.wait_for_selector(f'{sel("netstep")}[data-phase="backward"]')
    m = matrices(page, "X", "W1", "b1", "W2", "b2", "t", "dW1")
    h, numeric = 1e-5, np.zeros_like(m["W1"])
    for i in np.ndindex(m["W1"].shape):
        step = np.zeros_like(m["W1"])
        step[i] = h
        plus = loss(m["W1"] + step, m["b1"], m["W2"], m["b2"], m["X"], m["t"])
        minus = loss(m["W1"] - step, m["b1"], m["W2"], m["b2"], m["X"], m["t"])
        numeric[i] = (plus - minus) / (2 * h)
    assert m["dW1"].shape == (4, 3)
    np.testing.assert_allclose(m["dW1"], numeric, rtol=0, atol=1e-7)
    shown = np.array(data(page, "netstep-numeric-dW1", "values"))  # the page's own check
    np.testing.assert_allclose(shown, numeric, rtol=0, atol=1e-7)

    # dW1 = Xᵀ·dA1: an entry picked from the keyboard outlines the batch's column of X
    page.focus(f'{sel("netstep-matrix-dW1")} td[data-row="2"][data-col="1"]')
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelector('{sel('netstep-entry')}').textContent.includes('dW1')"
    )
    outlined = page.eval_on_selector_all(
        f"{sel('netstep-matrix-X')} td.term", "cells => cells.map(c => +c.dataset.col)"
    )
    assert outlined == [2, 2]  # column 2 of X, one entry per example of the batch

    page.click(sel("netstep-update"))  # SGD, η = 0.1 as the page starts
    page.wait_for_selector(f'{sel("netstep")}[data-phase="update"]')
    after = np.array(data(page, "netstep-matrix-W1-after", "values"))
    np.testing.assert_allclose(after, m["W1"] - 0.1 * m["dW1"], rtol=0, atol=1e-12)
