"""A colour scale for numbers (main thread, MicroPython): viridis, which reads the same to
every kind of colour vision and in gray, from dark purple (low) to yellow (high), and the
legend that says what its colours mean."""

from chart_text import number

#: Viridis at 0, 1/8, ..., 1 (matplotlib's values).
VIRIDIS = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
]


def colour(t):
    """The viridis colour at ``t`` in 0..1, as CSS."""
    t = min(max(float(t), 0.0), 1.0) * (len(VIRIDIS) - 1)
    i = min(int(t), len(VIRIDIS) - 2)
    f = t - i
    rgb = [round(a + (b - a) * f) for a, b in zip(VIRIDIS[i], VIRIDIS[i + 1])]  # noqa: B905
    return f"rgb({rgb[0]}, {rgb[1]}, {rgb[2]})"


def position(value, low, high):
    """Where ``value`` lies between ``low`` and ``high``, as 0..1."""
    return 0.5 if high <= low else (value - low) / (high - low)


def points(xy, values):
    """A Chart.js scatter dataset of the points ``xy`` ({x, y}) whose ``values`` show as
    colour on the scale and as size (bigger is higher), each with a dark outline."""
    low, high = min(values), max(values)
    where = [position(value, low, high) for value in values]
    return {
        "label": "",
        "data": xy,
        "backgroundColor": [colour(t) for t in where],
        "borderColor": "#1d2433",
        "borderWidth": 1,
        "pointRadius": [3 + 5 * t for t in where],
        "showLine": False,
    }


def legend(node, title, low, high):
    """Show the scale from ``low`` to ``high`` in ``node``: its title, the two ends' numbers
    and the gradient between them."""
    stops = ", ".join(colour(i / 8) for i in range(9))
    node.innerHTML = (
        f'<span class="title"></span><span class="low">{number(low)}</span>'
        f'<span class="bar" style="background: linear-gradient(to right, {stops})"></span>'
        f'<span class="high">{number(high)}</span>'
    )
    node.querySelector(".title").textContent = title
    node.hidden = False
