"""The benchmark's Pyodide worker: pynet and the book's step, timed by
``benchmarks/step_time.measure``, the same function the native benchmark uses."""

import json

import site_data
from step_time import measure


async def run(base_url, steps, rounds):
    data = await site_data.mnist(base_url)
    rows = [
        measure(data["x_train"], data["t_train"], hidden, steps=int(steps), rounds=int(rounds))
        for hidden in ((50,), (100, 100))
    ]
    return json.dumps(rows)


__all__ = ["run"]
