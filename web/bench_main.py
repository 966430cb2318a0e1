"""The benchmark page's main thread: runs each measurement in turn and writes one JSON result."""

import asyncio
import json

import js
from pyscript import document, window, workers


def param(name, default):
    value = js.URLSearchParams.new(window.location.search).get(name)
    return int(value) if value else default


async def main():
    steps, rounds = param("steps", 50), param("rounds", 5)
    status = document.querySelector('[data-testid="bench-status"]')
    status.textContent = "pynet and the book's step in Pyodide…"
    bench = await workers["bench"]
    rows = await bench.run(str(window.location.href), steps, rounds)
    result = {
        "steps": steps,
        "rounds": rounds,
        "pyodide": json.loads(rows),
        "tfjs": [],
        "cross_origin_isolated": bool(window.crossOriginIsolated),
    }
    for hidden in ([50], [100, 100]):
        for backend in ("cpu", "wasm"):
            status.textContent = f"TensorFlow.js {backend} {hidden}…"
            row = json.loads(await window.tfjsBench(backend, js.Array.of(*hidden), steps, rounds))
            row.update(backend=backend, network="-".join(str(n) for n in [784] + hidden + [10]))
            result["tfjs"].append(row)
    node = document.querySelector('[data-testid="bench-result"]')
    node.textContent = json.dumps(result)
    node.setAttribute("data-done", "true")
    status.textContent = "done"


asyncio.create_task(main())
