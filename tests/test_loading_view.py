"""The loading view's words for what is loading (web/page/loading.py), run natively."""

import sys
import types

import pytest

# What loading.py imports from the browser; part() needs none of it.
for name in ("js", "pyscript", "pyscript.ffi", "dom"):
    sys.modules.setdefault(name, types.ModuleType(name))
if not hasattr(sys.modules["pyscript.ffi"], "create_proxy"):
    sys.modules["pyscript.ffi"].create_proxy = lambda function: function
sys.modules["dom"].find = lambda testid: None
import loading  # noqa: E402


@pytest.mark.parametrize(
    ("file", "key"),
    [
        ("snapshot.bin", "loading_snapshot"),
        # A first visit reads the snapshot's recipe, never the snapshot: no "numpy imported".
        ("snapshot.json", "loading_python"),
        ("numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl", "loading_numpy"),
        ("pyodide.asm.wasm", "loading_python"),
        ("python_stdlib.zip", "loading_python"),
        ("bytecode.zip", "loading_pynet"),
        ("t10k-images-idx3-ubyte.gz", "loading_mnist"),
    ],
)
def test_the_loading_view_names_the_file_being_read(file, key):
    progress = loading.StartProgress.__new__(loading.StartProgress)  # no page to listen to
    progress.file = file
    assert progress.part() == key
