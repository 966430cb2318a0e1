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
 *   modules are loaded back into it); numpy's files still go where Python looks for them;
 * - pyodide/bytecode.zip, pynet's modules compiled to .pyc, which every worker would
 *   otherwise compile as it imports them (Pyodide writes no bytecode).
 * Without either, Pyodide starts the ordinary way, only slower (and says so in the console).
 */
import { loadPyodide as loadPlain, version } from "../pyodide/pyodide.mjs";
import { unzipSync } from "../vendor/fflate.js";
import { numpyFiles, restoreSnapshot, writeFiles } from "./numpy_snapshot.mjs";

const indexURL = new URL("../pyodide/", import.meta.url).href;

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

function report(file, done = false) {
  const now = performance.now();
  lastFile = file;
  if (!done && now - reported < PROGRESS_MS) return;
  reported = now;
  progress.postMessage({ worker, file, loaded, done });
}

// A page that starts listening late (its own start takes a moment) asks where things are.
progress.onmessage = () => report(lastFile, true);

function counted(response) {
  if (!response.body) return response;
  const file = new URL(response.url).pathname.split("/").pop();
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

async function download(name) {
  const url = new URL(`../pyodide/${name}`, import.meta.url).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}

async function bytesOf(response) {
  return new Uint8Array(await response.arrayBuffer());
}

/** numpy's wheel, checked against the lock file, unzipped and its libraries compiled. */
async function numpyWheel() {
  const lock = await (await download("pyodide-lock.json")).json();
  const { file_name: name, sha256 } = lock.packages.numpy;
  const wheel = await bytesOf(await download(name));
  if (!crypto.subtle) throw new Error("no sha256 to check numpy's wheel: not a secure context");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", wheel));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  if (hex !== sha256) {
    throw new Error(`${name} has sha256 ${hex}; pyodide-lock.json says ${sha256}`);
  }
  return numpyFiles(wheel, unzipSync);
}

/**
 * The downloads a start needs, begun as soon as PyScript imports this module (while Pyodide
 * fetches its own files). A failure is reported where each is awaited, not as an unhandled
 * rejection.
 */
function startDownloads() {
  const started = {
    snapshot: download("snapshot.bin").then(bytesOf),
    numpy: numpyWheel(),
    bytecode: download("bytecode.zip").then(async (response) => unzipSync(await bytesOf(response))),
  };
  for (const promise of Object.values(started)) promise.catch(() => {});
  return started;
}

// Taken by the start they serve, so that their memory goes once it is done.
let downloads = startDownloads();

async function start(options, snapshot, numpy) {
  try {
    const [bytes, wheel] = await Promise.all([snapshot, numpy]);
    const pyodide = await restoreSnapshot(loadPlain, { ...options, indexURL }, bytes, wheel);
    console.info("Pyodide started from its memory snapshot, numpy imported");
    return pyodide;
  } catch (error) {
    console.warn(`Pyodide starts without its memory snapshot: ${error.message}`);
    const pyodide = await loadPlain({ ...options, indexURL });
    await pyodide.loadPackage("numpy");
    return pyodide;
  }
}

export async function loadPyodide(options = {}) {
  const { snapshot, numpy, bytecode } = downloads ?? startDownloads();
  downloads = null;
  const pyodide = await start(options, snapshot, numpy);
  try {
    // The .pyc files go where pynet is installed; Python checks each against its source's
    // hash, so a stale one is ignored, never run.
    writeFiles(pyodide, await bytecode, "/");
  } catch (error) {
    console.warn(`numpy and pynet will compile their modules as they load: ${error.message}`);
  }
  return pyodide;
}

export { version };
