"""The benchmark page's main thread: measures every engine in turn, round after round, and
writes one JSON result.

Rounds alternate the engines (pynet and the book's step in the Pyodide worker, then
TensorFlow.js cpu and wasm on this thread), so a slow spell of the machine hits them all
alike; each engine's figure is its median round.
"""

import asyncio
import json

import js
from pyscript import document, window, workers

#: The site's root (this page lives in its bench/ folder): where the workers fetch MNIST.
SITE_URL = str(js.URL.new("../", window.location.href).href)
NETWORKS = ([50], [100, 100])
BACKENDS = ("cpu", "wasm")


def param(name, default):
    value = js.URLSearchParams.new(window.location.search).get(name)
    return int(value) if value else default


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def name_of(hidden):
    return "-".join(str(n) for n in [784] + hidden + [10])


def combine(pyodide_rounds, tfjs_rounds):
    """One row per network (and backend) with the median of its rounds."""
    pyodide = []
    # One network's rows, one per round. (MicroPython's zip takes no strict=.)
    for rounds in zip(*pyodide_rounds):  # noqa: B905
        row = dict(rounds[0])
        for key in ("pynet_ms", "pynet_numpy_ms", "book_ms"):
            if key in row:
                row[key] = median([r[key] for r in rounds])
        if "book_ms" in row:
            row["speedup"] = row["book_ms"] / row["pynet_ms"]
        pyodide.append(row)
    tfjs = [dict(runs[0], ms=median([r["ms"] for r in runs])) for runs in tfjs_rounds.values()]
    return pyodide, tfjs


async def main():
    steps, rounds = param("steps", 50), param("rounds", 5)
    status = document.querySelector('[data-testid="bench-status"]')
    bench = await workers["bench"]
    pyodide_rounds, tfjs_rounds = [], {}
    for r in range(1, rounds + 1):
        status.textContent = f"round {r} of {rounds}: pynet and the book's step in Pyodide…"
        pyodide_rounds.append(json.loads(await bench.run(SITE_URL, steps, 1)))
        for hidden in NETWORKS:
            for backend in BACKENDS:
                status.textContent = f"round {r} of {rounds}: TensorFlow.js {backend} {hidden}…"
                raw = await window.tfjsBench(backend, js.Array.of(*hidden), steps)
                row = dict(json.loads(raw), backend=backend, network=name_of(hidden))
                tfjs_rounds.setdefault((row["network"], backend), []).append(row)
    pyodide, tfjs = combine(pyodide_rounds, tfjs_rounds)
    status.textContent = "matrix products: the SIMD kernel and numpy…"
    products = json.loads(await bench.products(rounds))
    result = {
        "steps": steps,
        "rounds": rounds,
        "pyodide": pyodide,
        "tfjs": tfjs,
        "products": products,
        "cross_origin_isolated": bool(window.crossOriginIsolated),
    }
    node = document.querySelector('[data-testid="bench-result"]')
    node.textContent = json.dumps(result)
    node.setAttribute("data-done", "true")
    status.textContent = "done"


asyncio.create_task(main())
