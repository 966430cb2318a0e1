"""Boxes that scroll sideways inside the page (main thread, MicroPython).

A formula, a table or the computational graph wider than the screen scrolls in its own box
(CSS class ``scroll-x``) rather than widening the page (and a long table scrolls down in
its own box). A keyboard can only scroll a box that
can take the focus, so a box that overflows gets ``tabindex="0"`` (WCAG 2.1.1; axe's
``scrollable-region-focusable``), and loses it when it fits again: boxes that fit add no
stop to the tab order.
"""

import js
from pyscript import document
from pyscript.ffi import create_proxy


class ScrollBoxes:
    def __init__(self):
        self.observer = js.ResizeObserver.new(create_proxy(self._resized))
        boxes = document.querySelectorAll(".scroll-x")
        for i in range(boxes.length):
            self.watch(boxes[i])

    def watch(self, box):
        """Keep ``box`` focusable exactly while it overflows (and its first child, whose
        size changes when the content does)."""
        box.classList.add("scroll-x")
        self.observer.observe(box)
        if box.firstElementChild:
            self.observer.observe(box.firstElementChild)
        self.check(box)

    def check(self, box):
        wide = box.scrollWidth > box.clientWidth + 1
        tall = box.scrollHeight > box.clientHeight + 1
        if wide or (tall and js.getComputedStyle(box).overflowY in ("auto", "scroll")):
            box.setAttribute("tabindex", "0")
        else:
            box.removeAttribute("tabindex")

    def _resized(self, entries, observer=None):
        for i in range(entries.length):
            node = entries[i].target
            self.check(node if node.classList.contains("scroll-x") else node.parentElement)
