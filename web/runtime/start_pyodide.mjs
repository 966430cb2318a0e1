/**
 * The Pyodide loader that every Pyodide worker of the site names as its "interpreter"
 * (build.py writes their configs). PyScript imports it in place of pyodide.mjs. Every
 * worker gets a Pyodide with numpy: the Pyodide release's own wheel, checked against the
 * sha256 in pyodide-lock.json (as Pyodide's loadPackage would), and no micropip.
 *
 * Two things build.py prepared make a worker start seconds sooner:
 * - pyodide/snapshot.bin, Pyodide's memory with the standard-library modules the workers
 *   use and numpy already imported: restoring it replaces Python's initialisation and
 *   numpy's installation and import (numpy_snapshot.mjs explains how numpy's compiled
 *   modules are loaded back into it); numpy's files still go where Python looks for them.
 *   Only from the second visit on (see snapshotKept). A browser that cannot restore it
 *   (WebKit's engine) makes one of its own for its next visits (see keepOwnSnapshot);
 * - pyodide/bytecode.zip, pynet's modules and the numpy modules a worker imports compiled to
 *   .pyc, which every worker would otherwise compile as it imports them (Pyodide writes no
 *   bytecode; the standard library's start-up modules come compiled in python_stdlib.zip).
 * Without either, Pyodide starts the ordinary way, only slower (and says so in the console).
 */
import { loadPyodide as loadPlain, version } from "../pyodide/pyodide.mjs";
import { unzipSync } from "../vendor/fflate.js";
import {
  download as downloadFrom,
  numpyWheel as numpyWheelFrom,
  restoreSnapshot,
  startWithNumpy,
  writeFiles,
} from "./numpy_snapshot.mjs";

const indexURL = new URL("../pyodide/", import.meta.url).href;
/** Where numpy's modules compiled to .pyc lie in bytecode.zip (paths from /). */
const NUMPY_BYTECODE = "lib/python3.12/site-packages/numpy/";

/**
 * Start-up progress for the page's loading view and its start watchdog (page/loading.py):
 * every response this worker fetches (Pyodide's own files, numpy, the snapshot, pynet, later
 * MNIST) is counted as its bytes arrive, and the running total is broadcast to the site's
 * pages at most every PROGRESS_MS, with the file being read, and whenever a page asks. A
 * channel, not a call: it needs no SharedArrayBuffer and nothing waits for it.
 */
const PROGRESS_MS = 200;
const progress = new BroadcastChannel("backprop-lab-start");
const worker = Math.random().toString(36).slice(2);
let loaded = 0;
let reported = 0;
let lastFile = "";
let fromSnapshot = null; // whether this start reads the snapshot, once known

function report(file, done = false) {
  const now = performance.now();
  lastFile = file;
  if (!done && now - reported < PROGRESS_MS) return;
  reported = now;
  progress.postMessage({ worker, file, loaded, done, snapshot: fromSnapshot });
}

// A page that starts listening late (its own start takes a moment) asks where things are.
// Only its question is answered: answering another worker's report would start an endless
// exchange between workers (and flood the page).
progress.onmessage = ({ data }) => data === "report" && report(lastFile, true);

function counted(response) {
  if (!response.body) return response;
  // (a response made in script, not fetched, may have no URL)
  const file = response.url ? new URL(response.url).pathname.split("/").pop() : "";
  const counter = new TransformStream({
    transform(chunk, controller) {
      loaded += chunk.byteLength;
      report(file);
      controller.enqueue(chunk);
    },
    flush() {
      report(file, true);
    },
  });
  const { status, statusText, headers } = response;
  const copy = new Response(response.body.pipeThrough(counter), { status, statusText, headers });
  // Pyodide and PyScript read a response's URL (relative imports, package names).
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

const plainFetch = globalThis.fetch;
globalThis.fetch = (...args) => plainFetch.apply(globalThis, args).then(counted);

const download = (name) => downloadFrom(indexURL, name);
const numpyWheel = () => numpyWheelFrom(indexURL, unzipSync);

async function bytesOf(response) {
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Whether this start restores the snapshot: only when the site's offline copy already holds
 * it. On a first visit its 9 MB (gzipped) cost more on the wire than they save in start-up
 * (3.6 s at 20 Mbit/s, 14 s at 5 Mbit/s, against about 1 s): Pyodide then starts the
 * ordinary way, and the offline copy (sw.js) fetches the snapshot for the next visit.
 */
async function snapshotKept() {
  const url = new URL("../pyodide/snapshot.bin", import.meta.url).href;
  // (no caches: not a secure context, so no offline copy either)
  fromSnapshot = Boolean(globalThis.caches && (await caches.match(url)));
  return fromSnapshot;
}

/**
 * The downloads a start needs, begun as soon as PyScript imports this module (while Pyodide
 * fetches its own files). A failure is reported where each is awaited, not as an unhandled
 * rejection.
 */
function startDownloads() {
  const kept = snapshotKept();
  // (not a secure context: no sha256 to check it with here; loadPackage installs numpy)
  const numpy = globalThis.crypto?.subtle ? numpyWheel() : Promise.resolve(null);
  const started = {
    snapshot: kept.then((yes) => (yes ? download("snapshot.bin").then(bytesOf) : null)),
    numpy,
    // Needed only once Python runs: on a slow link it arrives while Python starts, rather
    // than share the link with what Python's start waits for.
    bytecode: numpy
      .catch(() => null)
      .then(() => download("bytecode.zip"))
      .then(bytesOf),
  };
  for (const promise of Object.values(started)) promise.catch(() => {});
  return started;
}

// Taken by the start they serve, so that their memory goes once it is done.
let downloads = startDownloads();

async function start(options, snapshot, numpy) {
  const settings = { ...options, indexURL };
  // Not awaited: Pyodide downloads its own files while numpy's wheel arrives.
  const wheel = numpy.catch((error) => {
    console.warn(`numpy is installed the slower way: ${error.message}`);
    return null;
  });
  try {
    const bytes = await snapshot;
    if (bytes === null) {
      console.info("Pyodide starts the ordinary way: a first visit, the snapshot is not kept yet");
    } else {
      const pyodide = await restoreSnapshot(loadPlain, settings, bytes, wheel);
      console.info("Pyodide started from its memory snapshot, numpy imported");
      return pyodide;
    }
  } catch (error) {
    console.warn(`Pyodide starts without its memory snapshot: ${error.message}`);
  }
  fromSnapshot = false;
  report(lastFile, true);
  const { pyodide, layout, numpy: installed } = await startWithNumpy(loadPlain, settings, wheel);
  if (!installed) {
    await pyodide.loadPackage("numpy");
    return pyodide;
  }
  pyodide.loadedPackages.numpy = "default channel";
  keepOwnSnapshot(layout).catch((error) => {
    console.warn(`This browser could not make its own snapshot: ${error.message}`);
  });
  return pyodide;
}

/**
 * After an ordinary start: a browser whose function table stands elsewhere than the build's
 * snapshot has it (``layout.before``: JavaScriptCore's, so Safari and every WebKit) would
 * start the slow way on every visit. It makes a snapshot of its own instead, in a worker of
 * its own (snapshot_maker.mjs), which waits until the offline copy has been made and puts it
 * there in the build's place, for the next visit. One maker at a time among the site's
 * workers (a Web Lock); none without an offline copy (``caches``) or Web Locks.
 */
async function keepOwnSnapshot(layout) {
  if (!globalThis.caches || !globalThis.navigator?.locks) return;
  const recipe = await (await download("snapshot.json")).json();
  if (JSON.stringify(layout.before) === JSON.stringify(recipe.layout.before)) return;
  const once = { ifAvailable: true };
  await navigator.locks.request("backprop-lab-own-snapshot", once, async (lock) => {
    if (!lock) return; // another worker of the site is making it
    const maker = new Worker(new URL("./snapshot_maker.mjs", import.meta.url), { type: "module" });
    const answer = await new Promise((done) => {
      maker.onmessage = ({ data }) => done(data);
      maker.onerror = (event) => done({ error: event.message || "its worker failed" });
      maker.postMessage({ imports: recipe.imports });
    });
    maker.terminate();
    if (answer.error) throw new Error(answer.error);
    if (answer.made) {
      const mb = (answer.made / 1e6).toFixed(1);
      console.info(`This browser made its own Pyodide snapshot (${mb} MB) for the next visit`);
    }
  });
}

export async function loadPyodide(options = {}) {
  const { snapshot, numpy, bytecode } = downloads ?? startDownloads();
  downloads = null;
  const pyodide = await start(options, snapshot, numpy);
  try {
    // The .pyc files go where pynet and numpy are installed; Python checks each against its
    // source's hash, so a stale one is ignored, never run. numpy's serve only a start that
    // imports numpy itself (restored from the snapshot, numpy is imported already): a warm
    // start skips them, ~40 ms of unzipping and writing.
    const needed = ({ name }) => !fromSnapshot || !name.startsWith(NUMPY_BYTECODE);
    writeFiles(pyodide, unzipSync(await bytecode, { filter: needed }), "/");
  } catch (error) {
    console.warn(`numpy and pynet will compile their modules as they load: ${error.message}`);
  }
  return pyodide;
}

export { version };
