"""The page's URL fragment (main thread): what a link asks for at start-up, and the state
written back as the student changes it, so a reload or a shared link opens the same page.

Written: the training settings that differ from the defaults, only as a whole form the
engine accepted (``validate``): while a field holds a value the engine refuses, the fragment
keeps the last valid form. ``lab=`` and a lab's settings only once the student opened a lab
tab (``LabsPanel.fragment_pairs``).

Read at start-up: a part that cannot be decoded, and a setting the engine refuses, are
dropped with a notice (never fatal: the page still becomes ready). A link that names a lab
opens it; it runs it too when the link was followed, not when the page is reloaded
(``labs_panel.LabsPanel.restore``).
"""

import i18n
import js
import state
from dom import find
from pyscript import window
from pyscript.ffi import to_js
from worker_link import WorkerDied

#: The label of each form field, to name it in a notice.
FIELD_LABELS = {
    "hidden-layers": "f_hidden",
    "activation": "f_activation",
    "init": "f_init",
    "optimizer": "f_optimizer",
    "learning-rate": "f_lr",
    "optimizer-params": "f_opt_params",
    "weight-decay": "f_wd",
    "dropout": "f_dropout",
    "batchnorm": "f_bn",
    "epochs": "f_epochs",
    "batch-size": "f_batch",
    "train-size": "f_train_size",
    "seed": "f_seed",
}
#: Rounds of dropping refused settings: one field's error may come from another's value.
RESTORE_ROUNDS = 3


def followed():
    """Whether the page was opened by following a link (or typing it), not reloaded or
    reached with Back/Forward."""
    entries = window.performance.getEntriesByType("navigation")
    return not entries.length or str(entries[0].type) == "navigate"


class Link:
    def __init__(self, app):
        self.app = app
        self.valid = dict(state.DEFAULTS)
        self.writes = 0
        self.notices = []
        # A reload lands at the top: only a link to a lab scrolls (to that lab).
        window.history.scrollRestoration = "manual"

    async def errors(self, form):
        """The engine's errors for ``form``, as ``{field: message}``."""
        checked = await self.app.engine.call("validate", to_js(form))
        errors = checked.errors
        fields = js.Object.keys(errors)
        return {fields[i]: str(errors[fields[i]].message) for i in range(fields.length)}

    async def restore(self):
        """Fill the form from the URL's fragment, dropping what cannot be read or used, and
        return its pairs (for the labs)."""
        pairs, unreadable = state.parse_fragment(window.location.hash)
        notices = [("link_unreadable", {"part": part}) for part in unreadable]
        optimizers = self.app.train.optimizer_defaults()
        settings = state.from_fragment(pairs, optimizers)
        # A refused value falls back to the default (of the link's optimizer, if it is one).
        known = pairs.get("optimizer") in optimizers
        fallback = state.from_fragment(
            {"optimizer": pairs["optimizer"]} if known else {}, optimizers
        )
        self.app.train.apply_settings(settings)
        for _ in range(RESTORE_ROUNDS):
            errors = await self.errors(self.app.train.read_form())
            if not errors:
                break
            for field, message in errors.items():
                if field in pairs:
                    value = state.shorten(pairs[field])
                    notices.append(
                        ("link_invalid", {"field": field, "value": value, "why": message})
                    )
                self.app.train.apply_settings({field: fallback[field]})
                fallback[field] = state.DEFAULTS[field]
        else:
            self.app.train.apply_settings(state.DEFAULTS)
        self.valid = self.app.train.read_form()
        self.notices = notices
        self.show()
        return pairs

    def show(self):
        node = find("link-notice")
        node.hidden = not self.notices
        lines = []
        for key, values in self.notices:
            if "field" in values:
                values = dict(values)
                values["field"] = i18n.text(FIELD_LABELS[values["field"]])
            lines.append(i18n.text(key, **values))
        node.textContent = "\n".join(lines)  # one notice a line (white-space: pre-line)

    def relabel(self):
        self.show()

    def remember(self, event=None):
        """Write the state to the fragment (after the engine checked it)."""
        self.app.spawn(self.write())

    async def write(self):
        if not self.app.ready:
            return
        self.writes += 1
        mine = self.writes
        form = self.app.train.read_form()
        try:
            errors = await self.errors(form)
        except WorkerDied:
            return  # whoever was training or guessing says so, and restarts the engine
        if mine != self.writes:
            return  # a newer change writes the URL
        if not errors:
            self.valid = form
        fragment = state.to_fragment(self.valid, self.app.labs.fragment_pairs())
        location = window.location
        window.history.replaceState(None, "", fragment or location.pathname + location.search)
