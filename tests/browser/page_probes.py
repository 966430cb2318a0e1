"""What the browser tests and the benchmarks read from the page without touching it: the
moment of its first guess and who made it, whether the drawing canvas holds ink, whether the
offline copy keeps a Pyodide snapshot for the next visit, and how the workers started.

JavaScript expressions every driver can evaluate (Playwright, puppeteer, Selenium), so the
first-visit path (``core_paths``) and the first visits over an emulated link
(``benchmarks/first_visit.py``) measure the same moment the same way.
"""

#: Notes the moment the page first shows a guess (its prediction gets a digit in data-label)
#: and who guessed: the page itself before the engine was ready (``quick``), or the engine.
#: An expression that installs the watch once, so every driver can run it after a load.
WATCH_GUESS = """(() => {
  if (window.__watchingGuess) return;
  window.__watchingGuess = true;
  new MutationObserver((changes, observer) => {
    for (const { target } of changes) {
      if (target.dataset.testid === "prediction" && target.dataset.label) {
        window.__firstGuess = { ms: performance.now(), by: target.dataset.by || "engine",
          label: target.dataset.label, quickMs: target.dataset.quickMs,
          quickLongestMs: target.dataset.quickLongestMs };
        observer.disconnect();
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-label"] });
})()"""
#: Whether the drawing canvas holds any ink (without giving it a context of our own).
HAS_INK = """(c => c.toDataURL() !== Object.assign(document.createElement("canvas"),
  { width: c.width, height: c.height }).toDataURL())"""
#: What the offline copy keeps for the next visit's start, read again every 0.5 s into
#: ``window.__keptSnapshot``: "waiting", then "build" (the build's snapshot) or "made here"
#: (a browser that cannot restore the build's, WebKit, puts its own in its place; while a
#: worker of the site holds the maker's lock, it is still "waiting"). An expression that
#: starts the watch once and gives the latest answer.
KEPT_SNAPSHOT = """(() => {
  if (!window.__keptSnapshot) {
    window.__keptSnapshot = "waiting";
    const look = async () => {
      const kept = await caches.match("pyodide/snapshot.bin");
      const held = navigator.locks ? (await navigator.locks.query()).held : [];
      const making = held.some((lock) => lock.name === "backprop-lab-own-snapshot");
      if (!kept || making) return setTimeout(look, 500);
      window.__keptSnapshot = kept.headers.has("X-Backprop-Made-Here") ? "made here" : "build";
    };
    look().catch((error) => { window.__keptSnapshot = `failed: ${error}`; });
  }
  return window.__keptSnapshot;
})()"""
#: How each Pyodide worker of the page started, into ``window.__starts`` (a list of
#: "snapshot" or "ordinary", once the workers have answered the page's question on their
#: start channel, as page/loading.py asks it). An expression that asks once.
STARTS = """(() => {
  if (!window.__askedStarts) {
    window.__askedStarts = true;
    const heard = {};
    const channel = new BroadcastChannel("backprop-lab-start");
    channel.onmessage = ({ data }) => {
      if (data.worker) heard[data.worker] = data.snapshot ? "snapshot" : "ordinary";
    };
    channel.postMessage("report");
    setTimeout(() => { channel.close(); window.__starts = Object.values(heard); }, 1500);
  }
  return window.__starts || null;
})()"""
