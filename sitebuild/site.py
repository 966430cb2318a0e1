"""Assembling dist/: the runtime, the snapshot, pynet, MNIST, the default model and the page
(``web/`` as it is laid out, plus the PyScript configs written from its folders), then the
offline list and the check that nothing refers to another host."""

from __future__ import annotations

import gzip
import json
import shutil
import time
import zipfile
from pathlib import Path

from .data import mnist, pynet_data_dir
from .exercises import codemirror_module, exercise_catalog
from .loading import mark_start_size
from .model import default_model, pynet_wheel, write_quick_model
from .runtime import (
    BENCH_VENDOR_FILES,
    FFLATE,
    LOCAL_HOSTS,
    PYODIDE_CORE_FILES,
    PYODIDE_VERSION,
    URL_PATTERN,
    VENDOR_FILES,
    XML_NAMESPACES,
    copy_vendor,
    npm_install,
    pyodide_wheels,
)
from .serve import ISOLATION_HEADERS
from .snapshot import (
    BYTECODE_SCRIPT,
    SNAPSHOT_IMPORTS,
    SNAPSHOT_SCRIPT,
    STDLIB_SCRIPT,
    snapshot_recipe,
)
from .steps import CACHE, DIST, NODE_MODULES, ROOT, BuildError, made_by_node, sha256_of, step

WEB = ROOT / "web"
#: The main thread's MicroPython: main.py is the page's script, the rest of web/page/ its
#: modules (written into dist/main.json, so a new view needs no config edit).
MAIN_CONFIG = "main.json"
#: Every Pyodide worker of the page gets every module of web/worker/ (a few KB), pynet's
#: wheel unpacked into its files, and the SIMD kernel's JavaScript glue.
WORKER_CONFIG = "worker.json"
#: The benchmark page, built into dist/bench/ only for `bench` (and `test`, which runs it).
BENCH = ROOT / "benchmarks"

#: Node.js script: compile a WebAssembly text file (with SIMD) to its binary, with the pinned
#: wabt package (web/matmul_simd.wat -> matmul_simd.wasm).
WAT_SCRIPT = """
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [target, source, wabtPath] = process.argv.slice(1);
const wabt = await (await import(pathToFileURL(wabtPath).href)).default();
const module = wabt.parseWat(source, readFileSync(source, "utf8"), { simd: true });
writeFileSync(target, module.toBinary({}).buffer);
"""


def worker_config(wheel: Path, up: str = "") -> dict:
    """A Pyodide worker's PyScript config, for a page ``up`` folders below dist/.

    ``interpreter`` resolves against the page's address, ``files`` and ``js_modules``
    against the config's; the workers unpack pynet's wheel (in its content-named folder)
    and start with numpy from the snapshot, so there are no "packages" and no micropip.
    """
    top = up or "./"
    files = {f"{top}worker/{p.name}": f"./{p.name}" for p in sorted((WEB / "worker").glob("*.py"))}
    return {
        "interpreter": f"{top}runtime/start_pyodide.mjs",
        "files": {**files, f"{top}wheels/{wheel.parent.name}/{wheel.name}": "./*"},
        "js_modules": {"worker": {f"{top}runtime/matmul_simd.js": "matmul_simd_js"}},
    }


def copy_tree(folder: Path, target: Path, skip: tuple[str, ...] = (".wat",)) -> None:
    """Copy ``folder``'s files into ``target`` (no caches, no sources the build compiles)."""
    for path in folder.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in skip:
            out = target / path.relative_to(folder)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out)


def assemble_bench(wheel: Path) -> str:
    """dist/bench/: the benchmark page, its worker and the step it times (not the shipped site)."""
    out = DIST / "bench"
    copy_tree(BENCH / "page", out)
    for src, dst in BENCH_VENDOR_FILES:
        copy_vendor(NODE_MODULES / src, DIST / dst)
    for name in ("step_time.py", "book_two_layer_net.py"):
        shutil.copy2(BENCH / name, out / name)
    config = worker_config(wheel, up="../")
    own = ["bench_worker.py", "step_time.py", "book_two_layer_net.py"]
    config["files"].update({f"./{name}": f"./{name}" for name in own})
    (out / "bench_worker.json").write_text(json.dumps(config, indent=1))
    return f"{sum(1 for p in out.rglob('*') if p.is_file())} files in dist/bench/"


def assemble(pyodide_dist: Path | None, with_bench: bool = False) -> None:
    # Start from an empty dist/ but for the compressed MNIST, which takes seconds to redo.
    for path in DIST.glob("*") if DIST.exists() else []:
        if path.name != "data":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    with step("npm packages") as s:
        s["result"] = npm_install()
    with step("Pyodide runtime") as s:
        out = DIST / "pyodide"
        out.mkdir(parents=True, exist_ok=True)
        for name in PYODIDE_CORE_FILES:
            copy_vendor(NODE_MODULES / "pyodide" / name, out / name)
        wheels = pyodide_wheels(pyodide_dist)
        for wheel in wheels:
            shutil.copy2(wheel, out / wheel.name)
        names = ", ".join(w.name for w in wheels)
        s["result"] = f"Pyodide {PYODIDE_VERSION} core + {names} (sha256 verified)"
    with step("standard library") as s:
        stdlib = out / "python_stdlib.zip"
        args = [str(out), ", ".join(SNAPSHOT_IMPORTS)]
        inputs = [out / name for name in PYODIDE_CORE_FILES] + [out / w.name for w in wheels]
        compiled = made_by_node(STDLIB_SCRIPT, args, inputs, "python_stdlib.zip")
        shutil.copy2(compiled, stdlib)  # before the snapshot, which must be made with it
        with zipfile.ZipFile(stdlib) as zipped:
            count = sum(name.endswith(".pyc") for name in zipped.namelist())
        s["result"] = f"pyodide/python_stdlib.zip: {count} modules compiled for Python 3.12"
    with step("Pyodide snapshot") as s:
        core = [out / name for name in PYODIDE_CORE_FILES]
        numpy = next(w for w in wheels if w.name.startswith("numpy-"))
        helpers = [NODE_MODULES / FFLATE, WEB / "runtime" / "numpy_snapshot.mjs"]
        args = [str(out), str(numpy), *map(str, helpers), ", ".join(SNAPSHOT_IMPORTS)]
        inputs = [*core, numpy, *helpers]
        snapshot = made_by_node(SNAPSHOT_SCRIPT, args, inputs, "snapshot.bin.gz")
        # Both: the worker reads snapshot.bin, which the server sends as its gzipped twin
        # (the browser inflates it off the worker's thread and keeps it inflated offline).
        shutil.copy2(snapshot, out / "snapshot.bin.gz")
        memory = gzip.decompress(snapshot.read_bytes())
        (out / "snapshot.bin").write_bytes(memory)
        (out / "snapshot.json").write_text(json.dumps(snapshot_recipe(memory)))
        size = snapshot.stat().st_size / 1e6
        s["result"] = f"pyodide/snapshot.bin ({size:.1f} MB gzipped, numpy imported)"
    with step("pynet wheel") as s:
        wheel = pynet_wheel()
        out = DIST / "wheels"
        shutil.rmtree(out, ignore_errors=True)
        # The folder name changes with the wheel's contents, so a browser never runs a stale copy.
        target = out / wheel.parent.name / wheel.name
        target.parent.mkdir(parents=True)
        shutil.copy2(wheel, target)
        s["result"] = str(target.relative_to(DIST))
    with step("bytecode") as s:
        args = [str(DIST / "pyodide"), str(wheel), ", ".join(SNAPSHOT_IMPORTS)]
        bytecode = made_by_node(BYTECODE_SCRIPT, args, [*core, numpy, wheel], "bytecode.zip")
        shutil.copy2(bytecode, DIST / "pyodide" / "bytecode.zip")
        with zipfile.ZipFile(bytecode) as zipped:
            count = sum("/numpy/" in name for name in zipped.namelist())
        s["result"] = f"pyodide/bytecode.zip: pynet and {count} numpy modules compiled"
    data_dir = pynet_data_dir()
    with step("MNIST") as s:
        s["result"] = mnist(data_dir)
    with step("default model") as s:
        s["result"] = default_model(data_dir)
        s["result"] += "; " + write_quick_model(
            DIST / "models/default.npz", DIST / "models/default.f32"
        )
    with step("web page") as s:
        for src, dst in VENDOR_FILES:
            copy_vendor(NODE_MODULES / src, DIST / dst)
        copy_tree(ROOT / "static", DIST)
        copy_tree(WEB, DIST)
        modules = sorted(p.name for p in (WEB / "page").glob("*.py") if p.name != "main.py")
        main = {
            "interpreter": "./micropython/micropython.mjs",
            "files": {f"./page/{name}": f"./{name}" for name in modules},
        }
        (DIST / MAIN_CONFIG).write_text(json.dumps(main, indent=1))
        (DIST / WORKER_CONFIG).write_text(json.dumps(worker_config(wheel), indent=1))
        s["result"] = f"{sum(1 for p in DIST.rglob('*') if p.is_file())} files in dist/"
    with step("exercises") as s:
        editor = codemirror_module(
            DIST / "pyscript", DIST / "runtime" / "codemirror.mjs", "../pyscript/"
        )
        s["result"] = f"{exercise_catalog(DIST / 'exercises.json')}; {editor}"
    with step("SIMD kernel") as s:
        source, wabt = WEB / "runtime" / "matmul_simd.wat", NODE_MODULES / "wabt" / "index.js"
        args = [str(source), str(wabt)]
        binary = made_by_node(WAT_SCRIPT, args, [source, wabt], "matmul_simd.wasm")
        shutil.copy2(binary, DIST / "runtime" / "matmul_simd.wasm")
        s["result"] = f"runtime/matmul_simd.wasm ({binary.stat().st_size} bytes)"
    with step("loading view") as s:
        s["result"] = mark_start_size(DIST)
    if with_bench:
        with step("benchmark page") as s:
            s["result"] = assemble_bench(wheel)
    with step("gzip twins") as s:
        s["result"] = write_gzip_twins(DIST)
    with step("offline copy") as s:
        s["result"] = write_offline_files(DIST)
    write_headers_file(DIST)  # after the offline list: the hosts that read it never serve it
    with step("offline check") as s:
        violations = offline_violations(DIST)
        if violations:
            raise BuildError("dist/ refers to other hosts:\n  " + "\n  ".join(violations[:20]))
        s["result"] = "no file in dist/ refers to another host"


#: Files worth sending compressed: text and WebAssembly (zip, whl and .gz already are).
COMPRESSIBLE = {".wasm", ".js", ".mjs", ".css", ".json", ".html", ".py", ".svg", ".ttf"}
#: Smaller files are not worth a twin (a request's headers cost about as much).
MIN_TWIN_BYTES = 8192


def write_gzip_twins(folder: Path) -> str:
    """Write X.gz beside every large compressible X (kept in .cache/ by content, so a rebuild
    costs nothing): ``serve`` sends the twin with Content-Encoding: gzip to browsers that
    accept it, as nginx's gzip_static does. Returns a summary."""
    before = after = 0
    for path in sorted(folder.rglob("*")):
        if path.suffix not in COMPRESSIBLE or not path.is_file():
            continue
        size = path.stat().st_size
        twin = path.with_name(path.name + ".gz")
        if size < MIN_TWIN_BYTES or twin.exists():
            continue
        cached = CACHE / "gzip" / f"{sha256_of(path)[:24]}.gz"
        if not cached.exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
        if cached.stat().st_size < 0.9 * size:
            shutil.copy2(cached, twin)
            before, after = before + size, after + cached.stat().st_size
    return f"{before / 1e6:.1f} MB of text and wasm go out as {after / 1e6:.1f} MB"


#: What the service worker (web/sw.js) does not keep for offline use: the benchmark page,
#: the Pyodide wheels no page loads, the service worker's own files.
OFFLINE_SKIP = (
    "bench",
    "pyodide/micropip-",
    "pyodide/packaging-",
    "sw.js",
    "offline-files.js",
)


def write_offline_files(folder: Path) -> str:
    """Write offline-files.js: every file the page may need, with a version that changes
    with any file's contents (so browsers install the new set). Returns a summary."""
    every_file = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    # X.gz beside X is how the server sends X (SiteHandler); the browser keeps X.
    twins = {p + ".gz" for p in every_file}
    paths = sorted(p for p in every_file - twins if not p.startswith(OFFLINE_SKIP))
    version = sha256_of("".join(p + sha256_of(folder / p) for p in paths).encode())[:16]
    files = ["./", *(f"./{p}" for p in paths)]
    (folder / "offline-files.js").write_text(
        "// Written by build.py: what web/sw.js keeps for offline use.\n"
        f"self.OFFLINE = {json.dumps({'version': version, 'files': files}, indent=1)};\n"
    )
    size = sum((folder / p).stat().st_size for p in paths)
    return f"{len(paths)} files, {size / 1e6:.0f} MB, version {version}"


def write_headers_file(folder: Path) -> None:
    """Write _headers: the isolation headers our server sends, for the static hosts that take
    a site's headers from such a file (Netlify, Cloudflare Pages). They read it and do not
    serve it, so it must stay out of the offline list; anywhere else it is a file no page asks
    for. Without these headers the page still works, without SharedArrayBuffer (README)."""
    lines = [f"  {name}: {value}" for name, value in ISOLATION_HEADERS.items()]
    text = "# Written by build.py: what a PyScript worker needs (cross-origin isolation).\n/*\n"
    (folder / "_headers").write_text(text + "\n".join(lines) + "\n")


def offline_violations(folder: Path) -> list[str]:
    """Every reference in ``folder`` to a host other than the page's own origin."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix in {
            ".bin",
            ".wasm",
            ".whl",
            ".zip",
            ".gz",
            ".npz",
            ".woff2",
            ".woff",
            ".ttf",
            ".png",
        }:
            continue
        text = path.read_text(errors="replace")
        for url in URL_PATTERN.findall(text):
            host = url.split("://", 1)[1].split("/", 1)[0]
            if url.startswith(XML_NAMESPACES) or host.split(":")[0] in LOCAL_HOSTS or not host:
                continue
            found.append(f"{path.relative_to(folder)}: {url}")
    return found


def build(pyodide_dist: Path | None, with_bench: bool = False) -> None:
    start = time.perf_counter()
    print("Building dist/ ...", flush=True)
    assemble(pyodide_dist, with_bench)
    print(f"Built dist/ in {time.perf_counter() - start:.1f} s", flush=True)
