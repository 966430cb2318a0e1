"""The benchmark's Pyodide worker: pynet and the book's step, timed by
``benchmarks/step_time.measure``, the same function the native benchmark uses."""

import json

import js
from pyodide.http import pyfetch
from step_time import measure

from pynet.data import parse_idx


async def run(base_url, steps, rounds):
    async def fetch(path):
        response = await pyfetch(str(js.URL.new(path, str(base_url)).href))
        return await response.bytes()

    images = parse_idx(await fetch("data/train-images-idx3-ubyte.gz")).reshape(-1, 784)
    labels = parse_idx(await fetch("data/train-labels-idx1-ubyte.gz"))
    rows = [
        measure(images, labels, hidden, steps=int(steps), rounds=int(rounds))
        for hidden in ((50,), (100, 100))
    ]
    return json.dumps(rows)
