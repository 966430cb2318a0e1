"""What the page's loading view needs from the build: the size of an engine start."""

from __future__ import annotations

from pathlib import Path

#: What the engine worker reads as it starts (runtime/start_pyodide.mjs counts it for the
#: loading view; pyodide-lock.json is read twice, by numpy's check and by Pyodide).
START_FILES = (
    "pyodide/pyodide.asm.wasm",
    "pyodide/python_stdlib.zip",
    "pyodide/pyodide-lock.json",
    "pyodide/pyodide-lock.json",
    "pyodide/snapshot.bin",
    "pyodide/numpy-*.whl",
    "pyodide/bytecode.zip",
    "worker/*.py",
    "wheels/*/pynet-*.whl",
    "runtime/matmul_simd.wasm",
    "models/default.npz",
)


def mark_start_size(folder: Path) -> str:
    """Write the MB an engine start reads into index.html's status line (``data-start-mb``),
    so the loading view can say "12.3 of 52.8 MB"."""
    total = sum(p.stat().st_size for pattern in START_FILES for p in folder.glob(pattern))
    page = folder / "index.html"
    marked = f'data-testid="app-status" data-start-mb="{total / 1e6:.1f}"'
    page.write_text(page.read_text().replace('data-testid="app-status"', marked, 1))
    return f"an engine start reads {total / 1e6:.1f} MB"
