"""The exercises' list (main thread): grouped by chapter, each entry a button that opens
the exercise and shows the state of the student's work: ``data-status`` todo, fail or
pass, a mark (○ ✗ ✓, not colour alone) and the state in words."""

import i18n
from dom import find, listen
from exercise_view import el

CHAPTERS = (5, 6)
MARKS = {"todo": "○", "fail": "✗", "pass": "✓"}


class ExerciseList:
    def __init__(self, names, catalog, on_open):
        """Fill ``exercise-list`` with ``names`` (in the book's order); a click on one calls
        ``on_open(name)``."""
        self.names = names
        self.catalog = catalog
        box = find("exercise-list")
        box.replaceChildren()
        for chapter in CHAPTERS:
            items = []
            for name in names:
                if catalog[name]["chapter"] == chapter:
                    button = el(
                        "button", None, {"type": "button", "data-testid": f"exercise-{name}"}
                    )
                    listen(button, "click", lambda event, n=name: on_open(n))
                    items.append(el("li", None, None, [button]))
            key = f"ex_chapter_{chapter}"  # data-i18n: a change of language renames it
            box.appendChild(el("h3", i18n.text(key), {"data-i18n": key}))
            box.appendChild(el("ol", None, {"class": "ex-items"}, items))

    def show(self, progress, current):
        """Each entry's state, in the current language, and which one is open."""
        for name in self.names:
            status = progress.status(name)
            button = find(f"exercise-{name}")
            button.setAttribute("data-status", status)
            button.setAttribute("aria-current", "true" if name == current else "false")
            button.replaceChildren(
                el("span", MARKS[status], {"class": "ex-mark", "aria-hidden": "true"}),
                el("span", self.catalog[name]["title"][i18n.current["lang"]], {"class": "ex-name"}),
                el("span", i18n.text(f"ex_status_{status}"), {"class": "ex-state"}),
            )
