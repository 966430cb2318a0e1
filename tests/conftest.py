"""Shared fixtures: MNIST when build.py has fetched it."""

import sys
from pathlib import Path

import pytest

from pynet.data import default_data_dir, load_mnist


@pytest.fixture(scope="session")
def mnist():
    """MNIST as uint8 images (60000×784) and index labels; built by `python3 build.py`."""
    if not (default_data_dir() / "t10k-labels-idx1-ubyte").exists():
        pytest.fail(f"MNIST is not in {default_data_dir()}: run `python3 build.py` first")
    return load_mnist(normalize=False)


# The workers' modules (web/worker/plan.py, labs.py) are plain Python over pynet, and some of
# the page's (web/page/state.py) plain Python with a little ``js``: test them natively too.
WEB = Path(__file__).resolve().parents[1] / "web"
sys.path[:0] = [str(WEB / "worker"), str(WEB / "page")]
