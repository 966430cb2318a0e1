"""The test-set panel (main thread): the model on all 10,000 test images as a confusion
matrix (an accessible table: numbers, with a colour scale beside them) and a gallery of the
images it gets wrong; choosing one shows how the model reads it and its saliency dL/dx, the
same reading the draw panel gives a drawing.

It runs after every training run, on the run's model (in use, or waiting for the student's
choice: the report helps to choose) and, for the model in use, when the student asks.
Everything is computed by the engine (``evaluate``, ``explain_test``).
"""

import json

import i18n
from dom import find, fmt, on, put_image
from pyscript import document

#: Bytes of one 28×28 RGBA image in the engine's column of gallery images.
IMAGE_BYTES = 28 * 28 * 4


def _cell_style(count, row_total, largest_mistake, diagonal):
    """A cell's background: green shaded by the share of its row for right guesses, red
    shaded by the count (against the largest mistake) elsewhere. The number is always
    written in the cell: the colour only helps the eye find the large ones."""
    if diagonal:
        share = count / row_total if row_total else 0
        return f"background: rgba(47, 158, 68, {0.15 + 0.6 * share:.3f})"
    if not count:
        return ""
    share = (count / largest_mistake) ** 0.5 if largest_mistake else 0
    # (at most 0.7 red: the number in ink keeps a contrast of 4.5:1 on it)
    return f"background: rgba(224, 49, 49, {0.1 + 0.6 * share:.3f})"


def _table_html(matrix):
    classes = len(matrix)
    mistakes = [matrix[r][c] for r in range(classes) for c in range(classes) if r != c]
    largest = max(mistakes) if mistakes else 0
    head = "".join(f'<th scope="col">{c}</th>' for c in range(classes))
    rows = [
        f"<caption>{i18n.text('confusion_table')}</caption>"
        f'<thead><tr><th scope="col" class="corner">{i18n.text("confusion_corner")}</th>'
        f'{head}<th scope="col">{i18n.text("confusion_right")}</th></tr></thead><tbody>'
    ]
    for r in range(classes):
        total = sum(matrix[r])
        cells = "".join(
            f'<td style="{_cell_style(matrix[r][c], total, largest, r == c)}"'
            f' class="{"right" if r == c else "wrong"}">{matrix[r][c]}</td>'
            for c in range(classes)
        )
        share = f"{100 * matrix[r][r] / total:.1f}%" if total else "—"
        rows.append(f'<tr><th scope="row">{r}</th>{cells}<td class="share">{share}</td></tr>')
    rows.append("</tbody>")
    return "".join(rows)


class EvaluationPanel:
    def __init__(self, app):
        self.app = app
        self.matrix = None  # the last confusion matrix, drawn again on a language switch
        self.running = False
        self.slot = "in_use"  # the model reported on: in use, or "pending" (a new one)
        self.done = None  # the report's numbers, worded again when the model is chosen
        on("evaluate-run", "click", lambda event: self.app.spawn(self.run()))
        on("misclassified", "click", self.on_choose)  # a click, or Enter on an item

    def clear(self):
        """A new model: the last evaluation no longer describes it."""
        self.matrix = self.done = None
        self.slot = "in_use"
        find("evaluation").hidden = True
        find("misclassified-detail").hidden = True
        find("confusion-matrix").removeAttribute("data-values")
        find("misclassified").innerHTML = ""
        self.app.message("evaluate-status", None)

    def relabel(self):
        if self.matrix is not None:
            find("confusion-matrix").innerHTML = _table_html(self.matrix)
        for button in self.items():
            self.label_item(button)

    @staticmethod
    def items():
        nodes = document.querySelectorAll('[data-testid="misclassified-item"]')
        return [nodes[i] for i in range(nodes.length)]

    @staticmethod
    def label_item(button):
        """Say the item in words after its visible "5 → 6" (a name that holds the visible
        text, so a student who speaks to the computer can say what they see)."""
        button.querySelector(".visually-hidden").textContent = " " + i18n.text(
            "mistake_item",
            index=button.getAttribute("data-index"),
            label=button.getAttribute("data-label"),
            guess=button.getAttribute("data-guess"),
        )

    def after_choice(self, use_new):
        """The student chose about the new model: a report on it now describes the model in
        use (Use) or nothing (Keep); a report on the model in use, nothing once it is
        replaced."""
        if self.slot == "pending" and use_new:
            self.slot = "in_use"
            self.say_done()
        elif self.slot == "pending" or use_new:
            self.clear()  # the model reported on is gone, or no longer in use

    async def run(self, slot="in_use"):
        """Evaluate a model on the test set and show the result: the one in use, or
        ``"pending"``, the new one waiting for the student's choice."""
        if self.running or not self.app.ready:
            return
        self.running = True
        find("evaluate-run").disabled = True
        self.app.message("evaluate-status", "evaluate_running")
        try:
            report = await self.app.engine.call("evaluate", slot, quiet=30)
        finally:
            self.running = False
            find("evaluate-run").disabled = self.app.train.training or not self.app.ready
        self.slot = slot
        self.show(report)

    def say_done(self):
        key = "evaluate_done_new" if self.slot == "pending" else "evaluate_done"
        self.app.message("evaluate-status", key, **self.done)

    def show(self, report):
        rows = report.matrix
        self.matrix = [[int(rows[r][c]) for c in range(rows[r].length)] for r in range(rows.length)]
        table = find("confusion-matrix")
        table.setAttribute("data-values", json.dumps(self.matrix))
        table.innerHTML = _table_html(self.matrix)
        self.done = {
            "correct": report.correct,
            "total": report.total,
            "acc": fmt(report.correct / report.total, 4),
        }
        self.say_done()
        self.show_gallery(report.mistakes, report.images)
        find("evaluation").hidden = False

    def show_gallery(self, mistakes, images):
        gallery = find("misclassified")
        gallery.innerHTML = ""
        find("misclassified-detail").hidden = True
        for i in range(mistakes.length):
            m = mistakes[i]
            item = document.createElement("li")
            button = document.createElement("button")
            button.setAttribute("data-testid", "misclassified-item")
            button.setAttribute("data-index", str(m.index))
            button.setAttribute("data-label", str(m.label))
            button.setAttribute("data-guess", str(m.guess))
            button.setAttribute("aria-pressed", "false")
            canvas = document.createElement("canvas")
            canvas.className = "pixel"
            button.appendChild(canvas)
            caption = document.createElement("span")
            caption.textContent = f"{m.label} → {m.guess}"
            button.appendChild(caption)
            words = document.createElement("span")
            words.className = "visually-hidden"
            button.appendChild(words)
            self.label_item(button)
            item.appendChild(button)
            gallery.appendChild(item)
            put_image(canvas, images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), 28, 28)

    def on_choose(self, event):
        button = event.target.closest('[data-testid="misclassified-item"]')
        if button:
            self.app.spawn(self.explain(int(button.getAttribute("data-index"))))

    async def explain(self, index):
        """Show how the model reads test image ``index``, with its saliency dL/dx."""
        for button in self.items():
            pressed = button.getAttribute("data-index") == str(index)
            button.setAttribute("aria-pressed", "true" if pressed else "false")
        result = await self.app.engine.call("explain_test", index, self.slot)
        detail = find("misclassified-detail")
        detail.setAttribute("data-index", str(result.index))
        detail.setAttribute("data-label", str(result.label))
        put_image(find("misclassified-image"), result.image, 28, 28)
        put_image(find("misclassified-saliency"), result.saliency, 28, 28)
        self.app.message(
            "misclassified-reading",
            "mistake_reading",
            index=result.index,
            truth=result.truth,
            guess=result.label,
            prob=fmt(100 * result.probs[result.label], 1),
        )
        detail.hidden = False
