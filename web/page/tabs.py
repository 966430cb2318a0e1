"""Tabs that follow the WAI-ARIA tabs pattern (main thread, MicroPython).

The markup says what each tab is (``role="tablist"``, ``role="tab"`` with ``aria-controls``,
``role="tabpanel"`` with ``aria-labelledby``); this class keeps the state: the selected tab
has ``aria-selected="true"`` and is the only one in the tab order (a roving
``tabindex``), its panel alone is shown, and the arrow keys, Home and End move between the
tabs (selection follows focus: opening a tab only shows it, it runs nothing).
"""

from dom import listen
from pyscript import document

#: Keys that move the focus, and where to: a step (wrapping round) or an end.
KEYS = {"ArrowRight": 1, "ArrowDown": 1, "ArrowLeft": -1, "ArrowUp": -1}


class Tabs:
    def __init__(self, tablist, on_choose):
        """``on_choose(name)`` is called when the student picks a tab (click or key); the
        tabs are named by their ``data-lab-tab``."""
        self.on_choose = on_choose
        nodes = tablist.querySelectorAll('[role="tab"]')
        self.tabs = [nodes[i] for i in range(nodes.length)]
        self.names = [tab.getAttribute("data-lab-tab") for tab in self.tabs]
        for tab, name in zip(self.tabs, self.names):  # noqa: B905 (MicroPython's zip has no strict)
            listen(tab, "click", lambda event, n=name: self.on_choose(n))
        listen(tablist, "keydown", self._key)

    def select(self, name):
        """Show ``name``'s panel and make its tab the selected one."""
        for tab, other in zip(self.tabs, self.names):  # noqa: B905
            chosen = other == name
            tab.setAttribute("aria-selected", "true" if chosen else "false")
            tab.setAttribute("tabindex", "0" if chosen else "-1")
            document.getElementById(tab.getAttribute("aria-controls")).hidden = not chosen

    def _key(self, event):
        name = event.target.getAttribute("data-lab-tab")
        if name not in self.names:
            return
        here = self.names.index(name)
        if event.key in KEYS:
            there = (here + KEYS[event.key]) % len(self.names)
        elif event.key == "Home":
            there = 0
        elif event.key == "End":
            there = len(self.names) - 1
        else:
            return
        event.preventDefault()
        self.on_choose(self.names[there])
        self.tabs[there].focus()
