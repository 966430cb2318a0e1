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

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(self.OFFLINE.files))
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
