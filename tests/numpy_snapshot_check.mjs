/**
 * Restores dist/'s Pyodide snapshot in Node.js with numpy's libraries, as every worker of the
 * page does (web/numpy_snapshot.mjs), twice (the second time numpy's files arrive a second
 * after the start began, as they may in the page), and computes with numpy in both; then
 * offers it a copy whose header says the libraries landed elsewhere, and starts one without
 * it (numpy's libraries loaded the same way, late too), and one without numpy's wheel.
 * Prints JSON: per Pyodide, whether numpy was there before any import, its answers and
 * random draws; why the copy was refused; the same for the start without it, with where its
 * libraries landed; whether the last one has numpy (test_numpy_snapshot.py).
 *
 *     node tests/numpy_snapshot_check.mjs dist
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dist = resolve(process.argv[2]);
const load = async (path) => import(pathToFileURL(`${dist}/${path}`).href);
const { loadPyodide } = await load("pyodide/pyodide.mjs");
const { unzipSync } = await import("fflate"); // the page serves the same version, vendor/fflate.js
const { numpyFiles, restoreSnapshot, startWithNumpy } = await load("runtime/numpy_snapshot.mjs");

const lock = JSON.parse(readFileSync(`${dist}/pyodide/pyodide-lock.json`, "utf8"));
const wheel = new Uint8Array(readFileSync(`${dist}/pyodide/${lock.packages.numpy.file_name}`));
const numpy = await numpyFiles(wheel, unzipSync);
const snapshot = new Uint8Array(readFileSync(`${dist}/pyodide/snapshot.bin`));

const PYTHON = `
import json, sys
imported = "numpy" in sys.modules
import ctypes, io, random
import numpy as np
# Opening a library again gives Python's handle from before the snapshot back to the linker.
core = ctypes.CDLL(np._core._multiarray_umath.__file__)
x = np.arange(12, dtype=np.float32).reshape(3, 4)
saved = io.BytesIO()
np.savez(saved, x=x)
saved.seek(0)
try:
    np.ones(3) + np.ones(4)
    error = None
except ValueError as e:
    error = str(e)
json.dumps({
    "imported": imported,
    "stdlib": json.__file__.rsplit(".", 1)[-1],
    "reopened": hasattr(core, "PyInit__multiarray_umath"),
    "product": (x @ x.T).tolist(),
    "fft": np.fft.fft(np.ones(4)).real.tolist(),
    "inverse": np.linalg.inv(np.array([[2.0, 0.0], [0.0, 4.0]])).tolist(),
    "loaded": np.load(saved)["x"].tolist(),
    "error": error,
    "draws": [random.random(), float(np.random.rand()), float(np.random.default_rng().random())],
})
`;
const options = { indexURL: `${dist}/pyodide/`, stdout: () => {}, stderr: () => {} };
/** numpy's files, ``ms`` after the call: as a first visit's worker gets them, after its start. */
const late = (ms) => new Promise((arrive) => setTimeout(() => arrive(numpy), ms));
const started = [];
for (const given of [numpy, late(1000)]) {
  const pyodide = await restoreSnapshot(loadPyodide, options, snapshot, given);
  started.push(JSON.parse(pyodide.runPython(PYTHON)));
}

// The same snapshot, its header claiming one more function-table slot after the libraries.
const length = new DataView(snapshot.buffer, snapshot.byteOffset).getUint32(0, true);
const header = JSON.parse(new TextDecoder().decode(snapshot.subarray(4, 4 + length)));
header.layout.after[0] += 1;
const moved = snapshot.slice();
moved.fill(32, 4, 4 + length);
moved.set(new TextEncoder().encode(JSON.stringify(header)), 4);
const refused = await restoreSnapshot(loadPyodide, options, moved, numpy).then(
  () => null,
  (error) => error.message,
);
// A start without the snapshot, numpy's libraries loaded as for one: numpy works, and they
// land where pyodide/snapshot.json says (a browser compares, to know whether the build's
// snapshot suits it).
const plain = await startWithNumpy(loadPyodide, options, late(1000));
const ordinary = { layout: plain.layout, ...JSON.parse(plain.pyodide.runPython(PYTHON)) };
// No wheel to be had: Pyodide starts without numpy, for its caller to install it.
const bare = await startWithNumpy(loadPyodide, options, Promise.resolve(null));
const without = { numpy: bare.numpy, found: bare.pyodide.runPython(`
import importlib.util
importlib.util.find_spec("numpy") is not None`) };
const result = { started, refused, ordinary: { numpy: plain.numpy, ...ordinary }, without };
console.log(JSON.stringify(result));
