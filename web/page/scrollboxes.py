"""Boxes that scroll sideways inside the page (main thread, MicroPython).

A formula, a table or the computational graph wider than the screen scrolls in its own box
(CSS class ``scroll-x``, or a box the views make that scrolls by its own CSS: ``BOXES``)
rather than widening the page (and a long table scrolls down in its own box). A keyboard
can only scroll a box that can take the focus, so a box that overflows gets
``tabindex="0"`` (WCAG 2.1.1; axe's ``scrollable-region-focusable``), and loses it when it
fits again: boxes that fit add no stop to the tab order. Boxes the views add later (a
graph step's formulas, the network stepper's matrices) are found when the page changes.
"""

import js
from frames import frames
from pyscript import document
from pyscript.ffi import create_proxy, to_js

#: Every box that may scroll: ours, and those the steppers, the evaluation and the exercises
#: draw (KaTeX's displays scroll by our CSS).
BOXES = (
    ".scroll-x, .katex-display, figure.matrix, .graph-checks, .graph-svg, .confusion,"
    " .ex-output, .ex-solution pre, .walk .rule, .cm-scroller"
)
#: Seconds between two looks for new boxes while the page changes (soon after a change, so
#: a new box that overflows can take the focus before anyone tabs to it).
SCAN_EVERY = 0.1


class ScrollBoxes:
    def __init__(self):
        self.observer = js.ResizeObserver.new(create_proxy(self._resized))
        self.changes = js.MutationObserver.new(create_proxy(self._changed))
        self.changes.observe(document.body, to_js({"childList": True, "subtree": True}))
        self.scan()

    def scan(self):
        """Watch every box of the page not watched yet."""
        boxes = document.querySelectorAll(BOXES)
        for i in range(boxes.length):
            if not boxes[i].hasAttribute("data-scroll-box"):
                self.watch(boxes[i])

    def watch(self, box):
        """Keep ``box`` focusable exactly while it overflows (and its first child, whose
        size changes when the content does)."""
        box.setAttribute("data-scroll-box", "")
        self.observer.observe(box)
        if box.firstElementChild:
            self.observer.observe(box.firstElementChild)
        self.check(box)

    def check(self, box):
        style = js.getComputedStyle(box)
        wide = box.scrollWidth > box.clientWidth + 1 and style.overflowX in ("auto", "scroll")
        tall = box.scrollHeight > box.clientHeight + 1 and style.overflowY in ("auto", "scroll")
        if wide or tall:
            box.setAttribute("tabindex", "0")
        else:
            box.removeAttribute("tabindex")

    def _changed(self, records, observer=None):
        frames.later("scroll-boxes", self.scan, every=SCAN_EVERY)

    def _resized(self, entries, observer=None):
        for i in range(entries.length):
            node = entries[i].target
            if not node.isConnected:  # gone from the page: nothing left to scroll
                self.observer.unobserve(node)
                continue
            box = node if node.hasAttribute("data-scroll-box") else node.parentElement
            if box is not None and box.hasAttribute("data-scroll-box"):
                self.check(box)
