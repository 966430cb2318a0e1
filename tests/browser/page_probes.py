"""What the browser tests and the benchmarks read from the page without touching it: the
moment of its first guess and who made it, and whether the drawing canvas holds ink.

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
