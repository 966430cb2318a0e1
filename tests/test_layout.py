"""web/ is laid out by where code runs: these tests keep each folder's code runnable there.

web/page/ runs on the main thread in MicroPython, which has neither numpy nor pynet (nor
most of the standard library); web/worker/ runs in Pyodide workers, which have no page DOM.
"""

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[1] / "web"
PAGE_MODULES = sorted((WEB / "page").glob("*.py"))
WORKER_MODULES = sorted((WEB / "worker").glob("*.py"))
#: What the main thread can import: MicroPython's own modules, PyScript's, and the page's.
MAIN_THREAD_IMPORTS = {"array", "asyncio", "js", "json", "math", "pyscript", "struct", "time"} | {
    p.stem for p in PAGE_MODULES
}


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports, anywhere in the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imported_modules_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import js\ndef f():\n    from numpy import ones\n")
    assert imported_modules(source) == {"js", "numpy"}


@pytest.mark.parametrize("path", PAGE_MODULES, ids=lambda p: p.name)
def test_a_main_thread_module_imports_only_what_micropython_has(path):
    assert imported_modules(path) <= MAIN_THREAD_IMPORTS


@pytest.mark.parametrize("path", WORKER_MODULES, ids=lambda p: p.name)
def test_a_worker_module_imports_no_main_thread_module(path):
    page_only = {p.stem for p in PAGE_MODULES}
    assert not imported_modules(path) & page_only


def test_the_page_the_workers_and_the_runtime_each_have_a_folder():
    assert {p.name for p in WEB.iterdir() if p.is_dir()} >= {"page", "worker", "runtime"}
    assert not list(WEB.glob("*.py")), "Python modules belong in web/page/ or web/worker/"


def defined_names(path: Path) -> set[str]:
    """What a module defines or imports at its top level."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("path", PAGE_MODULES, ids=lambda p: p.name)
def test_a_main_thread_module_imports_only_names_its_neighbours_define(path):
    # MicroPython finds a missing name only in the browser, and then the page never starts.
    modules = {p.stem: p for p in PAGE_MODULES}
    missing = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module in modules
        for alias in node.names
        if alias.name not in defined_names(modules[node.module])
    ]
    assert missing == []
