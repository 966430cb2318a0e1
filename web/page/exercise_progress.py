"""The student's work on the exercises, kept in the browser (localStorage) across reloads.

A plain dict, saved as JSON under ``KEY``::

    {"open": "relu",
     "work": {"relu": {"source": "...",      # the editor's text
                       "status": "pass",     # "todo", "fail" or "pass": the last check's verdict
                       "passed": "...",      # the source that last passed ("Use it" runs it)
                       "attempted": true}}}  # checked at least once: the solution may be shown

Runs on the main thread (MicroPython): no numpy, no pynet.
"""

import json

from pyscript import window

KEY = "backprop-lab-exercises"
STATUSES = ("todo", "fail", "pass")


class Progress:
    def __init__(self, catalog, first):
        self.catalog = catalog  # name → the exercise's dict from exercises.json
        self.first = first  # the exercise opened on a first visit
        self.open = None
        self.work = {}
        self.load()

    def load(self):
        """Read what this browser kept, ignoring anything that is not ours to read."""
        try:
            kept = json.loads(window.localStorage.getItem(KEY) or "{}")
        except ValueError:  # a damaged entry: start afresh rather than fail the page
            kept = {}
        work = kept.get("work") if isinstance(kept, dict) else None
        for name, entry in (work or {}).items():
            if name in self.catalog and isinstance(entry, dict):
                status = entry.get("status")
                self.work[name] = {
                    "source": str(entry.get("source") or self.catalog[name]["skeleton"]),
                    "status": status if status in STATUSES else "todo",
                    "passed": entry.get("passed"),
                    "attempted": bool(entry.get("attempted")),
                }
        opened = kept.get("open") if isinstance(kept, dict) else None
        self.open = opened if opened in self.catalog else self.first

    def save(self):
        window.localStorage.setItem(KEY, json.dumps({"open": self.open, "work": self.work}))

    def entry(self, name):
        if name not in self.work:
            self.work[name] = {
                "source": self.catalog[name]["skeleton"],
                "status": "todo",
                "passed": None,
                "attempted": False,
            }
        return self.work[name]

    def source(self, name):
        return self.entry(name)["source"]

    def status(self, name):
        return self.entry(name)["status"]

    def edit(self, name, source):
        self.entry(name)["source"] = source

    def checked(self, name, source, passed):
        """Record a check's verdict on ``source``."""
        entry = self.entry(name)
        entry["source"] = source
        entry["status"] = "pass" if passed else "fail"
        entry["attempted"] = True
        if passed:
            entry["passed"] = source

    def restart(self, name, source):
        """New code that has not been checked (Reset, Import): not started, nothing to use."""
        entry = self.entry(name)
        entry["source"] = source
        entry["status"] = "todo"
        entry["passed"] = None

    def passed_sources(self):
        """``{name: source}`` of every usable exercise whose last check passed."""
        return {
            name: entry["passed"]
            for name, entry in self.work.items()
            if entry["status"] == "pass" and entry["passed"] and self.catalog[name]["usable"]
        }

    def written(self):
        """``{name: source}`` of every exercise whose code is no longer the skeleton."""
        return {
            name: entry["source"]
            for name, entry in self.work.items()
            if entry["source"].strip() != self.catalog[name]["skeleton"].strip()
        }
