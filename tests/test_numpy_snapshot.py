"""Pyodide's memory snapshot with numpy in it (web/runtime/numpy_snapshot.mjs), in Node.js.

Every worker of the page starts from this snapshot; the browser tests prove the whole page
on it. Here it is restored twice in one process and computes with numpy: products, a library
no module had opened before the snapshot (numpy.fft's), one opened again (so Python's handle
from before the snapshot must be known to the linker), linalg, saving and loading, numpy's
own error messages, and random numbers that differ between the two starts. A snapshot whose
libraries would land elsewhere is refused. A start without the snapshot loads numpy's
libraries the same way, and in the same engine they land where pyodide/snapshot.json says
(a browser where they do not makes a snapshot of its own). numpy's files may arrive after
Pyodide's own (the page downloads them side by side): the runtime waits for them.
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"


def test_numpy_works_in_every_pyodide_restored_from_the_snapshot():
    if not (DIST / "pyodide" / "snapshot.bin").exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    check = ROOT / "tests" / "numpy_snapshot_check.mjs"
    run = subprocess.run(["node", str(check), str(DIST)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    checked = json.loads(run.stdout)
    first, second = checked["started"]
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    for result in (first, second):
        assert result["imported"]  # numpy was in the snapshot: nothing to install or import
        assert result["reopened"]
        assert result["product"] == (x @ x.T).tolist()
        assert result["fft"] == [4.0, 0.0, 0.0, 0.0]
        assert result["inverse"] == [[0.5, 0.0], [0.0, 0.25]]
        assert result["loaded"] == x.tolist()
        assert "could not be broadcast together" in result["error"]
    # Python's random, numpy's global RandomState and a new Generator: all reseeded.
    assert all(a != b for a, b in zip(first["draws"], second["draws"], strict=True))
    # A snapshot whose libraries would land elsewhere is refused (the page then starts
    # without it) rather than let numpy call into the wrong code.
    assert "not where the snapshot has them" in checked["refused"]
    # Started without the snapshot, numpy's libraries loaded the same way: numpy works, and
    # an engine like Node's (V8: Chromium) finds where they landed in snapshot.json, so it
    # restores the build's snapshot later and never makes one of its own (start_pyodide.mjs).
    ordinary = checked["ordinary"]
    assert ordinary["numpy"] and not ordinary["imported"] and ordinary["reopened"]
    assert ordinary["stdlib"] == "pyc"  # the start-up modules come compiled (test_bytecode.py)
    assert ordinary["product"] == (x @ x.T).tolist() and ordinary["fft"] == [4.0, 0.0, 0.0, 0.0]
    recipe = json.loads((DIST / "pyodide" / "snapshot.json").read_text())
    assert ordinary["layout"] == recipe["layout"]
    assert "numpy.random" in recipe["imports"]
    # Without numpy's wheel Pyodide still starts, without numpy, and says so (the page's
    # loader then installs numpy the ordinary way).
    assert checked["without"] == {"numpy": False, "found": False}
