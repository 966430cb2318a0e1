/**
 * Pyodide's memory snapshot with numpy imported: made by build.py's snapshot script in
 * Node.js (or by a browser that cannot restore that one, for itself: snapshot_maker.mjs),
 * restored by the site's Pyodide loader (start_pyodide.mjs) in each worker.
 *
 * A snapshot is Pyodide's memory, but numpy's compiled modules (its .so files) also live
 * outside it: Emscripten's dynamic linker keeps them as WebAssembly instances in JavaScript.
 * So both sides load the same .so files, in the same order, at the same moment: after
 * Pyodide's own module is instantiated and before its runtime starts. Each library then lands
 * at the same memory address and function-table slots, and the restored memory finds every
 * numpy function it points to where it was. Python's dlopen handles for these libraries
 * live in that memory too; they travel with the snapshot and are given back to the linker.
 * Pyodide 0.27.7 exports what this needs (newDSO, loadWebAssemblyModule, LDSO); its
 * loadPyodide has no hook that receives its module before the runtime starts, hence the
 * accessor in withLibraries().
 */

const SITE_PACKAGES = "/lib/python3.12/site-packages/";
/** The header of a snapshot a browser made itself (snapshot_maker.mjs), in the offline copy. */
export const MADE_HERE = "X-Backprop-Made-Here";

/** ``indexURL``'s file ``name`` (a Response), or an error naming it and the server's answer. */
export async function download(indexURL, name) {
  const response = await fetch(indexURL + name);
  if (!response.ok) throw new Error(`${indexURL}${name} answered ${response.status}`);
  return response;
}

/**
 * numpy's wheel from ``indexURL``, checked against the sha256 in pyodide-lock.json (as
 * Pyodide's loadPackage would), then numpyFiles() of it.
 */
export async function numpyWheel(indexURL, unzipSync) {
  const lock = await (await download(indexURL, "pyodide-lock.json")).json();
  const { file_name: name, sha256 } = lock.packages.numpy;
  const wheel = new Uint8Array(await (await download(indexURL, name)).arrayBuffer());
  if (!crypto.subtle) throw new Error("no sha256 to check numpy's wheel: not a secure context");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", wheel));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  if (hex !== sha256) {
    throw new Error(`${name} has sha256 ${hex}; pyodide-lock.json says ${sha256}`);
  }
  return numpyFiles(wheel, unzipSync);
}

/**
 * numpy's wheel (bytes) unzipped with fflate's ``unzipSync``: its files (path -> bytes) and
 * its compiled modules (path -> WebAssembly.Module, sorted by path: the order both sides
 * load them in).
 */
export async function numpyFiles(wheel, unzipSync) {
  const files = unzipSync(wheel);
  const names = Object.keys(files).filter((name) => name.endsWith(".so")).sort();
  const modules = names.map(async (name) => [
    SITE_PACKAGES + name,
    await WebAssembly.compile(files[name]),
  ]);
  return { files, modules: new Map(await Promise.all(modules)) };
}

/** Write unzipped files (path -> bytes) into Pyodide's file system under ``folder``. */
export function writeFiles(pyodide, files, folder) {
  const { FS } = pyodide;
  for (const [name, bytes] of Object.entries(files)) {
    if (name.endsWith("/")) continue;
    const path = folder + name;
    FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    FS.writeFile(path, bytes);
  }
}

/**
 * Start Pyodide (``loadPyodide(options)``, _makeSnapshot set), install numpy, run ``python``
 * (the imports to keep) and return the snapshot: a little-endian length, a JSON header (the
 * libraries in load order with their handles, and where they landed) padded so that the
 * memory that follows is 16-byte aligned (Pyodide reads it so), then Pyodide's snapshot.
 */
export async function makeSnapshot(loadPyodide, options, numpy, python) {
  const { pyodide, layout } = await startWithNumpy(loadPyodide, options, numpy);
  pyodide.runPython(python);
  const handles = {};
  for (const [handle, dso] of Object.entries(pyodide._module.LDSO.loadedLibsByHandle)) {
    if (Number(handle) !== 0) (handles[dso.name] ??= []).push(Number(handle));
  }
  const listed = [...numpy.modules.keys()].map((path) => ({ path, handles: handles[path] ?? [] }));
  const json = new TextEncoder().encode(JSON.stringify({ libraries: listed, layout }));
  const header = new Uint8Array(Math.ceil((json.length + 4) / 16) * 16 - 4).fill(32); // spaces
  header.set(json);
  const memory = pyodide.makeMemorySnapshot();
  const bytes = new Uint8Array(4 + header.length + memory.length);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  bytes.set(memory, 4 + header.length);
  return bytes;
}

/**
 * Start Pyodide (``loadPyodide(options)``) from a snapshot makeSnapshot() made, with numpy's
 * libraries and files (numpyFiles() of the same wheel, or a promise of them: Pyodide's own
 * files download meanwhile), and reseed the random generators the snapshot froze. Refused (an
 * error) if the libraries did not land where they did when the snapshot was made: numpy
 * would then call into the wrong code.
 */
export async function restoreSnapshot(loadPyodide, options, snapshot, numpy) {
  const length = new DataView(snapshot.buffer, snapshot.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(snapshot.subarray(4, 4 + length)));
  const libraries = Promise.resolve(numpy).then((files) => {
    if (!files) throw new Error("numpy's wheel could not be had");
    return header.libraries.map(({ path, handles }) => {
      if (!files.modules.has(path)) throw new Error(`numpy's wheel has no ${path}`);
      return { path, handles, module: files.modules.get(path) };
    });
  });
  const memory = snapshot.subarray(4 + length);
  const { pyodide, layout } = await withLibraries(libraries, () =>
    loadPyodide({ ...options, _loadSnapshot: memory }),
  );
  if (JSON.stringify(layout) !== JSON.stringify(header.layout)) {
    throw new Error(
      `numpy's libraries landed at ${JSON.stringify(layout)}, ` +
        `not where the snapshot has them (${JSON.stringify(header.layout)})`,
    );
  }
  writeFiles(pyodide, (await numpy).files, SITE_PACKAGES);
  pyodide.loadedPackages.numpy = "default channel";
  pyodide.runPython("import random, numpy.random; random.seed(); numpy.random.seed()");
  return pyodide;
}

/**
 * Start Pyodide without a snapshot (``loadPyodide(options)``) with numpy's files where a
 * snapshot's start has them: its libraries (numpyFiles(), or a promise of them: they are
 * downloaded and compiled while Pyodide downloads its own files) loaded before the runtime
 * starts, instead of by loadPackage once Python runs (the caller notes numpy in
 * ``loadedPackages``; a snapshot must be made before that). Gives the Pyodide, where the
 * libraries landed and whether numpy is installed: a promise that gives null starts Pyodide
 * without numpy (the caller installs it the ordinary way). Where ``layout.before`` differs
 * from the build's (pyodide/snapshot.json; JavaScriptCore gives Pyodide's functions more
 * table slots than V8, in which build.py made it), this browser can never restore the
 * build's snapshot; it can restore one it makes itself (snapshot_maker.mjs).
 */
export async function startWithNumpy(loadPyodide, options, numpy) {
  const libraries = Promise.resolve(numpy).then((files) =>
    [...(files?.modules ?? [])].map(([path, module]) => ({ path, module, handles: [] })),
  );
  const started = await withLibraries(libraries, () => loadPyodide(options));
  const files = await numpy;
  if (files) writeFiles(started.pyodide, files.files, SITE_PACKAGES);
  return { ...started, numpy: Boolean(files) };
}

let createModule = null;
let pending = null;

/**
 * Emscripten's preRun step: load the libraries and note where they landed (the function
 * table's length and the end of static memory, before and after). An error here would stall
 * Pyodide's start (its instantiation swallows it), so it is noted too, and raised after.
 */
function loadLibraries(Module, libraries, layout) {
  const position = () => [Module.wasmTable.length, Module.getMemory(0)];
  try {
    layout.before = position();
    for (const { path, module, handles } of libraries) {
      const dso = Module.newDSO(path, undefined, "loading");
      dso.refcount = Infinity;
      dso.global = false;
      const flags = { allowUndefined: true, nodelete: true };
      dso.exports = Module.loadWebAssemblyModule(module, flags, path, {});
      for (const handle of handles) Module.LDSO.loadedLibsByHandle[handle] = dso;
    }
    layout.after = position();
  } catch (error) {
    layout.error = error;
  }
}

/**
 * Pyodide's settings for _createPyodideModule, changed so that ``libraries`` (a promise)
 * are loaded by a preRun step at once, at the same point of every start: Pyodide's own
 * module compiles as it downloads, but is handed to the runtime only once they have
 * arrived. (Loaded any later, e.g. by a preRun step that waits for them, they would land
 * wherever the other steps left the function table: one slot further on in Chromium.)
 */
function waitingFor(settings, libraries, layout) {
  let arrived = [];
  const instantiate = settings.instantiateWasm;
  if (!instantiate) throw new Error("this Pyodide instantiates its module without instantiateWasm");
  const received = libraries.then(
    (list) => {
      arrived = list;
    },
    (error) => {
      layout.error = error;
    },
  );
  settings.instantiateWasm = (imports, receive) =>
    instantiate(imports, (instance, module) => received.then(() => receive(instance, module)));
  settings.preRun.push((Module) => loadLibraries(Module, arrived, layout));
  return settings;
}

/**
 * ``start()`` (which calls loadPyodide) with ``libraries`` (a promise of
 * [{path, module, handles}]) loaded into the new Pyodide before its runtime starts; gives
 * the Pyodide and where the libraries landed. Pyodide's loader calls the global
 * _createPyodideModule that pyodide.asm.js defines; a property accessor changes its settings
 * (waitingFor) while ``start()`` runs.
 */
async function withLibraries(libraries, start) {
  if (!Object.getOwnPropertyDescriptor(globalThis, "_createPyodideModule")?.set) {
    createModule = globalThis._createPyodideModule ?? null;
    const withPending = (settings) =>
      createModule(pending ? waitingFor(settings, ...pending) : settings);
    Object.defineProperty(globalThis, "_createPyodideModule", {
      configurable: true,
      get: () => createModule && withPending,
      set: (value) => {
        createModule = value;
      },
    });
  }
  const layout = {};
  pending = [libraries, layout];
  try {
    const pyodide = await start();
    if (layout.error) throw layout.error;
    return { pyodide, layout };
  } finally {
    pending = null;
  }
}
