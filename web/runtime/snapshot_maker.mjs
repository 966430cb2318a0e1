/**
 * A dedicated worker that makes this browser's own Pyodide snapshot, started by the site's
 * Pyodide loader (start_pyodide.mjs) in a browser that cannot restore the build's: in
 * JavaScriptCore (Safari, every WebKit) Pyodide's functions take other function-table slots
 * than in V8, where build.py made it, so numpy's libraries would land elsewhere.
 *
 * It waits until the service worker has made the site's offline copy (so it never competes
 * with the first visit's downloads or first guess), makes the snapshot exactly as build.py
 * does (numpy_snapshot.mjs, with the imports pyodide/snapshot.json lists), and puts it in the
 * offline copy in the build's place (which the service worker left empty here, or the
 * build's, where its test of the engine did not tell), marked MADE_HERE. The next visit
 * restores it like any snapshot. Answers the loader once: ``{made: bytes}``,
 * ``{skipped: why}`` or ``{error}``.
 */
import { loadPyodide } from "../pyodide/pyodide.mjs";
import { unzipSync } from "../vendor/fflate.js";
import { MADE_HERE, makeSnapshot, numpyWheel } from "./numpy_snapshot.mjs";

const indexURL = new URL("../pyodide/", import.meta.url).href;
const SNAPSHOT = `${indexURL}snapshot.bin`;
const LOOK_EVERY_MS = 2000;
/** How long a page may take to make its offline copy (a slow link, 70 MB) before this gives up. */
const WAIT_MS = 30 * 60 * 1000;

/**
 * The cache of the offline copy, once it has been made (the service worker fills it at once
 * or not at all, so Pyodide's files in it mean it is whole), and the snapshot it keeps: none
 * in this browser's (sw.js leaves the build's out), unless one was made here before. Null if
 * no offline copy comes. The newest copy, when a new version of the site is being kept.
 */
async function offlineCopy() {
  const deadline = performance.now() + WAIT_MS;
  while (performance.now() < deadline) {
    for (const name of (await caches.keys()).reverse()) {
      const cache = await caches.open(name);
      if (await cache.match(`${indexURL}pyodide.asm.wasm`)) {
        return { cache, kept: await cache.match(SNAPSHOT) };
      }
    }
    await new Promise((wait) => setTimeout(wait, LOOK_EVERY_MS));
  }
  return null;
}

async function make(imports) {
  const copy = await offlineCopy();
  if (copy === null) return { skipped: "no offline copy" };
  if (copy.kept?.headers.has(MADE_HERE)) return { skipped: "made already" };
  const numpy = await numpyWheel(indexURL, unzipSync);
  const quiet = { stdout: () => {}, stderr: () => {} };
  const options = { indexURL, _makeSnapshot: true, ...quiet };
  const bytes = await makeSnapshot(loadPyodide, options, numpy, `import ${imports.join(", ")}`);
  const headers = { "Content-Type": "application/octet-stream", [MADE_HERE]: "1" };
  await copy.cache.put(SNAPSHOT, new Response(bytes, { headers }));
  return { made: bytes.length };
}

onmessage = ({ data }) => {
  make(data.imports).then(postMessage, (error) => postMessage({ error: error.message }));
};
