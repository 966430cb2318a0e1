/**
 * The Pyodide loader that every Pyodide worker of the site names as its "interpreter"
 * (build.py writes their configs). PyScript imports it in place of pyodide.mjs.
 *
 * It starts the interpreter from the memory snapshot build.py made of Pyodide right after
 * its own start-up (pyodide/snapshot.bin.gz): restoring memory replaces about 3 s of
 * Python initialisation in every worker, on every visit. If the snapshot cannot be fetched
 * or restored, Pyodide starts the ordinary way, only slower (and says so in the console).
 */
import { loadPyodide as loadPlain, version } from "./pyodide/pyodide.mjs";

const indexURL = new URL("./pyodide/", import.meta.url).href;
const SNAPSHOT = new URL("./pyodide/snapshot.bin.gz", import.meta.url).href;

async function snapshotBytes() {
  const response = await fetch(SNAPSHOT);
  if (!response.ok) throw new Error(`${SNAPSHOT} answered ${response.status}`);
  const inflated = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

// Fetched as soon as PyScript imports this module; Pyodide fetches its own files meanwhile.
const snapshot = snapshotBytes();

export async function loadPyodide(options = {}) {
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

export { version };
