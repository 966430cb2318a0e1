/**
 * Backprop Lab's service worker: keeps every file the page needs in the Cache Storage, so a
 * second visit loads the runtime from disk and the page works with no network at all.
 *
 * build.py lists those files in offline-files.js (self.OFFLINE.files), with a version that
 * changes whenever any of them does; a new version fills a new cache and drops the old one.
 * The pinned runtime (Pyodide, MicroPython, PyScript, the vendored libraries, pynet's
 * content-named wheel, MNIST) comes from the cache first. The page's own files go to the
 * network first, so a rebuilt page shows at once, and come from the cache when offline.
 */
importScripts("./offline-files.js");

const CACHE = `backprop-lab-${self.OFFLINE.version}`;
const CACHE_FIRST = ["pyodide/", "micropython/", "pyscript/", "vendor/", "wheels/", "data/"];
const SNAPSHOT = "./pyodide/snapshot.bin"; // as offline-files.js lists it

/**
 * Whether this engine gives a WebAssembly function one identity, whether it is reached as an
 * export or through a table (V8 and SpiderMonkey do; JavaScriptCore makes a new object for
 * table.get()). Where it does not, Pyodide's start-up gives its functions other table slots
 * than in Node.js, where build.py made the snapshot, so this browser can never restore it:
 * the offline copy leaves its 9 MB out, and the site's Pyodide loader makes this browser a
 * snapshot of its own (runtime/snapshot_maker.mjs). If the test itself fails, keep it.
 */
async function tablesKeepIdentity() {
  // (module (func $f) (table 1 funcref) (elem (i32.const 0) $f)
  //   (export "f" (func $f)) (export "t" (table 0)))
  const module = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 4, 4, 1, 112, 0, 1, 7, 9, 2, 1,
    102, 0, 0, 1, 116, 1, 0, 9, 7, 1, 0, 65, 0, 11, 1, 0, 10, 4, 1, 2, 0, 11,
  ]);
  try {
    const { exports } = (await WebAssembly.instantiate(module)).instance;
    return exports.t.get(0) === exports.f;
  } catch {
    return true;
  }
}

self.addEventListener("install", (event) => {
  const files = async () => {
    if (await tablesKeepIdentity()) return self.OFFLINE.files;
    return self.OFFLINE.files.filter((file) => file !== SNAPSHOT);
  };
  event.waitUntil(
    Promise.all([caches.open(CACHE), files()])
      .then(([cache, list]) => cache.addAll(list))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const stale = (name) => name.startsWith("backprop-lab-") && name !== CACHE;
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter(stale).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const scope = self.registration.scope;
  if (request.method !== "GET" || !request.url.startsWith(scope)) return;
  const path = request.url.slice(scope.length);
  const cacheFirst = CACHE_FIRST.some((prefix) => path.startsWith(prefix));
  event.respondWith(cacheFirst ? fromCache(request) : fromNetwork(request));
});

async function fromCache(request) {
  return (await caches.match(request, { cacheName: CACHE })) ?? fetch(request);
}

async function fromNetwork(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}
