"""The English sentence for every code a report (or a solutions file error) can hold.

The command line prints these; the page words the same codes and params in its own
strings, in English or Korean.
"""

ENGLISH = {
    # checks: what was verified
    "forward": "forward gives pynet's output",
    "dropout_scale": "forward drops each unit or divides it by 1 − dropout_ratio",
    "test_mode": "forward(x, train_flg=False) gives pynet's output",
    "gradient": "the gradient {name} matches the numerical gradient",
    "unchanged": "{name} is left as it was",
    "update": "update moves {name} as pynet's optimizer does, step after step",
    "in_place": "update changes the arrays in params in place",
    "drop_rate": "forward drops about {expected:.0%} of the units",
    "apple_orange": "the apple and orange graph gives 715, 2.2, 110, 3.3, 165 and 650",
    "penalty": "loss gives ½λΣW² over the weights",
    # mistakes: what went wrong, in plain words
    "missing_transpose": "{name} is missing a transpose: dx = dout·Wᵀ and dW = xᵀ·dout",
    "wrong_sum_axis": (
        "{name} is summed over the wrong axis: sum over the batch (axis=0), one value per unit"
    ),
    "missing_batch_division": "dx is N times too large: divide (y − t) by the batch size N",
    "sigmoid_uses_x": (
        "backward uses the input x; the sigmoid's gradient is dout·y·(1 − y) with the output y "
        "kept in self.out"
    ),
    "input_modified": (
        "{method} wrote into its argument {name}; leave it as it was and make new arrays "
        "instead ({name}.copy(), or a + b rather than a += b)"
    ),
    "update_not_in_place": (
        "update put new arrays into params instead of changing the old ones, which the layers "
        "still hold, so nothing would learn: write params[key] -= ..."
    ),
    "missing_epsilon": (
        "a parameter whose gradient was always 0 became NaN (0/0): add 1e-7 to the square root "
        "before dividing"
    ),
    "mul_same_input": (
        "{name} multiplies dout by its own input; each input's gradient is dout times the other "
        "input: dx = dout·y, dy = dout·x"
    ),
    "batchnorm_constant_stats": (
        "dx treats the batch mean and variance as constants; they depend on every x of the "
        "batch, which adds two more terms"
    ),
    "batchnorm_book_eps": (
        "ε is the book's 10e-7 (that is 1e-6); pynet's batch normalization uses self.eps = 1e-7"
    ),
    "dropout_not_inverted": (
        "this is the book's dropout, scaled at test time; here, divide the kept units by "
        "1 − dropout_ratio while training and return x unchanged when train_flg is False"
    ),
    "decay_on_bias": "λb was added to the biases' gradients; only the weights W decay",
    "missing_half": "the penalty is λΣW², twice too large: it is ½λΣW², whose gradient is λW",
    # errors: why the code could not be checked (to the end)
    "syntax_error": "syntax error: {message}",
    "exception": "{message}",
    "not_written": "{function} is not written yet (it raises NotImplementedError)",
    "missing_class": "the code defines no class {class_name}",
    "too_long": "the code has {chars} characters; the limit is {limit}",
    "timeout": "no result after {seconds:g} s: does a loop never end?",
    # solutions files
    "file_too_large": "the file has {chars} characters; the limit is {limit}",
    "unknown_exercise": "there is no exercise called {name}",
    "duplicate_exercise": "the exercise {name} comes a second time",
    "no_exercises": "no exercise found: each starts with a line like '# === exercise: relu ==='",
    "marker_in_source": "the code for {name} contains an exercise marker line",
}

#: What a failed check adds about its first failure, by the detail it recorded.
FAILURE_DETAILS = {
    "returned": "got {returned}, not an array of numbers",
    "shape": "shape {shape}, expected {expected_shape}",
    "not_finite": "it holds inf or NaN",
    "not_a_pair": "backward must return the pair (dx, dy)",
    "dropped": "dropped {dropped:.1%}",
    "got": "got {got}",
}


def _plain(value) -> str:
    """Lists and dicts in params as short text: (3, 2) and "price 715, dtax 650"."""
    if isinstance(value, dict):
        return ", ".join(
            f"{key} {'?' if item is None else f'{item:g}'}" for key, item in value.items()
        )
    return "(" + ", ".join(map(str, value)) + ")"


def explain(entry: dict) -> str:
    """The English sentence for one entry of a report: a check, a mistake or the error.

    A failed check adds what went wrong; an error starts with its line and function.
    """
    params = {
        key: _plain(value) if isinstance(value, (list, dict)) else value
        for key, value in (entry.get("params") or {}).items()
    }
    text = ENGLISH[entry["code"]].format(message=entry.get("message"), **params)
    if "passed" in entry:
        if entry["passed"]:
            return text
        detail = next((key for key in FAILURE_DETAILS if key in params), None)
        if detail:
            return f"{text}: failed, " + FAILURE_DETAILS[detail].format(**params)
        if entry["max_error"] is not None:
            return f"{text}: failed, max relative error {entry['max_error']:.1e}"
        return f"{text}: failed"
    if "message" in entry:
        where = [f"line {entry['line']}"] if entry.get("line") else []
        function = params.get("function")
        if entry["code"] == "exception" and function and function != "<module>":
            where.append(f"in {function}")
        return ", ".join(where) + ": " + text if where else text
    return text
