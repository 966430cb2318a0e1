"""What each worker restores instead of starting from nothing: Pyodide's memory snapshot with
numpy imported, and bytecode, pynet's and that of the standard library's modules every start
imports. All are made in Node.js from dist/'s own runtime."""

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
#: Node.js script: unpack pynet's wheel where the workers have it, install numpy and import
#: what the workers import (SNAPSHOT_IMPORTS); compile pynet and the numpy modules imported to
#: bytecode (checked against the sources' hashes when imported, so a stale file is ignored,
#: never run) and zip the .pyc files by their paths from / (for web/start_pyodide.mjs). A
#: worker restored from the snapshot has numpy imported already; one that starts without it
#: (a first visit) would compile numpy's modules from source: 0.25 s in Chromium, ~1 s in
#: WebKit.
BYTECODE_SCRIPT = """
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [target, folder, pynet, modules] = process.argv.slice(1);
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${folder}/` });
await pyodide.loadPackage("numpy", { messageCallback: () => {} });
pyodide.unpackArchive(new Uint8Array(readFileSync(pynet)), "zip", { extractDir: "/home/pyodide" });
pyodide.runPython(`
import compileall, pathlib, py_compile, sys, zipfile
import ${modules}
CHECKED = py_compile.PycInvalidationMode.CHECKED_HASH
pynet = pathlib.Path("/home/pyodide/pynet")
compileall.compile_dir(pynet, quiet=1, invalidation_mode=CHECKED)
numpy = pathlib.Path(sys.modules["numpy"].__file__).parent
for module in list(sys.modules.values()):
    source = pathlib.Path(getattr(module, "__file__", None) or "/")
    if source.suffix == ".py" and source.is_relative_to(numpy):
        py_compile.compile(str(source), invalidation_mode=CHECKED, doraise=True)
with zipfile.ZipFile("/tmp/bytecode.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for pyc in sorted([*pynet.rglob("*.pyc"), *numpy.rglob("*.pyc")]):
        archive.write(pyc, pyc.relative_to("/"))
`);
writeFileSync(target, pyodide.FS.readFile("/tmp/bytecode.zip"));
"""

#: Node.js script: the standard library as the Pyodide release has it (python_stdlib.zip, all
#: sources), but the modules every start imports (Pyodide's own start-up, SNAPSHOT_IMPORTS)
#: compiled to bytecode in their place, for the release's Python. Without it each start
#: compiles some 160 modules from source: 1.3 s of Pyodide's 2 s start in Node.js and Chromium,
#: 5 s in WebKit. Compiled ones have no source beside them (zipimport takes a .pyc alone; a
#: traceback through them names file and line without the text), which keeps the zip at
#: 3.0 MB rather than 2.4 + 1.6. Same entries, order and dates otherwise.
STDLIB_SCRIPT = """
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [target, folder, modules] = process.argv.slice(1);
const { loadPyodide } = await import(pathToFileURL(`${folder}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${folder}/` });
await pyodide.loadPackage("numpy", { messageCallback: () => {} });
pyodide.runPython(`
import importlib.util, marshal, sys, zipfile
import ${modules}
ZIP = "/lib/python312.zip/"
started = {
    module.__file__.removeprefix(ZIP)
    for module in list(sys.modules.values())
    if (getattr(module, "__file__", None) or "").startswith(ZIP)
}
with (
    zipfile.ZipFile(ZIP.rstrip("/")) as source,
    zipfile.ZipFile("/tmp/python_stdlib.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
):
    for entry in source.infolist():
        data = source.read(entry)
        if entry.filename in started:
            code = compile(data, ZIP + entry.filename, "exec", dont_inherit=True)
            # PEP 552: a hash-based .pyc, unchecked (there is no source to check it against).
            header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")
            data = header + importlib.util.source_hash(data) + marshal.dumps(code)
            entry = zipfile.ZipInfo(entry.filename[:-3] + ".pyc", entry.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
        out.writestr(entry, data)
`);
writeFileSync(target, pyodide.FS.readFile("/tmp/python_stdlib.zip"));
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
