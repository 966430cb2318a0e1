"""What the page's loading view needs from the build: the size of an engine start."""

from __future__ import annotations

from pathlib import Path

#: What the engine worker reads as it starts the ordinary way (a first visit);
#: runtime/start_pyodide.mjs counts it for the loading view.
START_FILES = (
    "pyodide/pyodide.asm.wasm",
    "pyodide/python_stdlib.zip",
    "pyodide/pyodide-lock.json",
    "pyodide/numpy-*.whl",
    "pyodide/bytecode.zip",
    "worker/*.py",
    "wheels/*/pynet-*.whl",
    "runtime/matmul_simd.wasm",
    "models/default.npz",
)
#: What a start from the memory snapshot reads besides (pyodide-lock.json a second time, for
#: the check of numpy's wheel).
SNAPSHOT_FILES = ("pyodide/snapshot.bin", "pyodide/pyodide-lock.json")


def _megabytes(folder: Path, patterns: tuple[str, ...]) -> str:
    return (
        f"{sum(p.stat().st_size for pattern in patterns for p in folder.glob(pattern)) / 1e6:.1f}"
    )


def mark_start_size(folder: Path) -> str:
    """Write the MB an engine start reads into index.html's status line (``data-start-mb``,
    and ``data-snapshot-mb`` more from the snapshot), so the loading view can say
    "12.3 of 16.4 MB"."""
    plain, snapshot = _megabytes(folder, START_FILES), _megabytes(folder, SNAPSHOT_FILES)
    page = folder / "index.html"
    marked = f'data-testid="app-status" data-start-mb="{plain}" data-snapshot-mb="{snapshot}"'
    page.write_text(page.read_text().replace('data-testid="app-status"', marked, 1))
    return f"an engine start reads {plain} MB, {snapshot} MB more from the snapshot"
