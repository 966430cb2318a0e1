/**
 * The Pyodide loader that every Pyodide worker of the site names as its "interpreter"
 * (build.py writes their configs). PyScript imports it in place of pyodide.mjs.
 *
 * Two things build.py prepared make a worker start seconds sooner:
 * - pyodide/snapshot.bin.gz, Pyodide's memory right after its own start-up: restoring it
 *   replaces about 3 s of Python initialisation;
 * - pyodide/bytecode.zip, numpy's and pynet's modules compiled to .pyc: numpy's wheel holds
 *   only sources, which every worker otherwise compiles as it imports them.
 * Without either, Pyodide starts the ordinary way, only slower (and says so in the console).
 */
import { loadPyodide as loadPlain, version } from "./pyodide/pyodide.mjs";

const indexURL = new URL("./pyodide/", import.meta.url).href;

async function download(name) {
  const url = new URL(`./pyodide/${name}`, import.meta.url).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}

async function snapshotBytes() {
  const response = await download("snapshot.bin.gz");
  const inflated = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

// Both downloads start as soon as PyScript imports this module, while Pyodide fetches its
// own files. A failure is reported where each is awaited, not as an unhandled rejection.
const snapshot = snapshotBytes();
const bytecode = download("bytecode.zip").then((response) => response.arrayBuffer());
for (const promise of [snapshot, bytecode]) promise.catch(() => {});

async function start(options) {
  try {
    const pyodide = await loadPlain({ ...options, indexURL, _loadSnapshot: snapshot });
    // The snapshot holds the state Python's random module was seeded with when it was made.
    pyodide.runPython("import random; random.seed()");
    console.info("Pyodide started from its memory snapshot");
    return pyodide;
  } catch (error) {
    console.warn(`Pyodide starts without its memory snapshot: ${error.message}`);
    return loadPlain({ ...options, indexURL });
  }
}

export async function loadPyodide(options = {}) {
  const pyodide = await start(options);
  try {
    // The .pyc files go where numpy and pynet will be installed; Python checks each
    // against its source's hash, so a stale one is ignored, never run.
    pyodide.unpackArchive(await bytecode, "zip", { extractDir: "/" });
  } catch (error) {
    console.warn(`numpy and pynet will compile their modules as they load: ${error.message}`);
  }
  return pyodide;
}

export { version };
