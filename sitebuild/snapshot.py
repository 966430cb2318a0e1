"""What each worker restores instead of starting from nothing: Pyodide's memory snapshot with
numpy imported, and pynet compiled to bytecode. Both are made in Node.js from dist/'s own
runtime."""

from __future__ import annotations

import json
import struct

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


def snapshot_recipe(snapshot: bytes) -> dict:
    """What a browser needs to know of the build's snapshot (``snapshot``, its bytes), written
    beside it as pyodide/snapshot.json: where numpy's libraries landed when it was made (the
    header web/runtime/numpy_snapshot.mjs writes) and the modules imported before it was
    taken. A browser whose function table stands elsewhere makes its own snapshot from the
    same imports (web/runtime/snapshot_maker.mjs)."""
    (length,) = struct.unpack_from("<I", snapshot)
    header = json.loads(snapshot[4 : 4 + length])
    return {"layout": header["layout"], "imports": SNAPSHOT_IMPORTS}
