"""The bytecode the build ships so that a worker starting without the snapshot (a first visit)
compiles nothing it imports at start-up: the standard library's start-up modules, inside
python_stdlib.zip, and pynet's and numpy's, in bytecode.zip (sitebuild/snapshot.py).

The Node.js check (test_numpy_snapshot.py) starts Pyodide from dist/'s runtime and imports
from this standard library; here, what the files hold.
"""

import zipfile

import pytest

from sitebuild import steps

#: Python 3.12's .pyc magic number (3531), Pyodide 0.27.7's Python.
MAGIC_312 = (3531).to_bytes(2, "little") + b"\r\n"
#: PEP 552 flags: hash-based (bit 0), checked against the source when imported (bit 1).
UNCHECKED, CHECKED = 0b01, 0b11


def _built(name: str) -> zipfile.ZipFile:
    path = steps.DIST / "pyodide" / name
    if not path.exists():
        pytest.fail("dist/ is not built: run `python3 build.py` first")
    return zipfile.ZipFile(path)


def _flags(pyc: bytes) -> int:
    assert pyc[:4] == MAGIC_312
    return int.from_bytes(pyc[4:8], "little")


def test_the_standard_library_is_the_releases_with_the_start_up_modules_compiled():
    release = zipfile.ZipFile(steps.NODE_MODULES / "pyodide" / "python_stdlib.zip")
    built = _built("python_stdlib.zip")
    compiled = set()
    pairs = zip(release.infolist(), built.infolist(), strict=True)  # same entries, same order
    for ours, theirs in ((b, a) for a, b in pairs):
        if ours.filename == theirs.filename:
            assert built.read(ours) == release.read(theirs), ours.filename
        else:
            assert ours.filename == theirs.filename.removesuffix(".py") + ".pyc"
            assert _flags(built.read(ours)) == UNCHECKED  # no source beside it to check
            compiled.add(theirs.filename)
    # What Pyodide's own start-up, PyScript's and the workers' imports need ...
    for module in ("encodings/__init__.py", "_pyodide/_base.py", "asyncio/base_events.py"):
        assert module in compiled
    assert {"json/decoder.py", "tarfile.py", "hashlib.py"} <= compiled
    # ... and nothing else: the rest stays source, compiled if a student's code imports it.
    assert {"doctest.py", "xml/dom/minidom.py", "unittest/case.py"}.isdisjoint(compiled)
    assert 120 < len(compiled) < 250


def test_the_bytecode_holds_pynet_and_the_numpy_modules_a_start_imports():
    bytecode = _built("bytecode.zip")
    names = bytecode.namelist()
    numpy = "lib/python3.12/site-packages/numpy/"
    assert "home/pyodide/pynet/__pycache__/layers.cpython-312.pyc" in names
    assert f"{numpy}__pycache__/__init__.cpython-312.pyc" in names
    assert f"{numpy}random/__pycache__/__init__.cpython-312.pyc" in names
    assert not any(name.startswith(f"{numpy}f2py/") for name in names)  # never imported
    for name in names:
        # Checked against the source's hash when imported: a stale one is ignored, never run.
        assert _flags(bytecode.read(name)) == CHECKED, name
