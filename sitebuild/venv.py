"""The Python environment the build runs in: .venv/ with what the command needs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .steps import ROOT, VENV, run


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def ensure_venv(with_tests: bool) -> None:
    """Re-run this script inside .venv/, first creating it with what the command needs."""
    project = _pyproject()
    wanted = [*project["dependencies"], "build>=1.2", "setuptools>=77", "wheel"]
    if with_tests:
        wanted += project["optional-dependencies"]["test"]
    marker = VENV / "installed.json"
    python = VENV / "bin" / "python"
    installed = json.loads(marker.read_text()) if marker.exists() else []
    if not set(wanted) <= set(installed):
        print(f"Setting up {VENV.name}/ with: {', '.join(wanted)}", flush=True)
        if not python.exists():
            run([sys.executable, "-m", "venv", str(VENV)])
        run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted]
        )
        marker.write_text(json.dumps(sorted(set(installed) | set(wanted))))
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), str(ROOT / "build.py"), *sys.argv[1:]])
