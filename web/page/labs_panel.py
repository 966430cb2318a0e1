"""The labs panel (main thread): the tabs, each lab's settings, Run and Stop, and the URL
pairs that reopen a lab.

The lab worker (Pyodide, web/worker/labs.py) is started the first time a lab runs, so the
page's start-up never waits for it and a lab never waits for training. Stop ends that
worker at once (a lab asks the page nothing while it computes, so it cannot be asked to
stop); the next run starts a new one. Each lab element carries ``data-done="true"`` when its
last run has ended, however it ended.
"""

import json

import i18n
from dom import find, listen, on
from labs_view import LabResults
from pyscript import document, window
from tabs import Tabs
from worker_link import WorkerDied, WorkerFailed, WorkerLink

NAMES = ["graph", "gradcheck", "optimizers", "init", "batchnorm", "overfit", "hyperparams"]
#: The labs run here; the graph lab is a stepper of its own (graph_panel.py, on the engine).
RUNS = NAMES[1:]
#: The worker calls that make up each lab, in order (fast part first, so it shows at once).
PARTS = {
    "optimizers": ["optimizer_paths", "optimizer_mnist"],
    "init": ["init_histograms", "init_mnist"],
}
#: Seconds a lab may compute without a progress report before its worker is pinged (a lab
#: answers a ping only between its parts, so this is generous).
LAB_QUIET = 60


def _default(node):
    """A lab field's quick default: an input's ``value`` attribute, a menu's first option."""
    return node.getAttribute("value") if node.tagName == "INPUT" else node.options[0].value


class LabsPanel:
    def __init__(self, app):
        self.app = app
        self.results = LabResults()
        self.worker = WorkerLink("lab", "./worker/lab_worker.py", self.connect)
        self.running = None
        self.stopped = False
        self.active = None
        #: Whether the student opened a lab (a tab, or a link): only then is it in the URL.
        self.opened = False
        #: Each lab's settings at its last run that the lab accepted (or from the link that
        #: opened it): what the URL says of them.
        self.ran = {}
        self.tabs = Tabs(document.querySelector('.labs [role="tablist"]'), self.open)
        for name in RUNS:
            on(f"lab-{name}-run", "click", lambda event, n=name: self.app.spawn(self.run(n)))
        on("lab-stop", "click", self.stop)
        on("lab-book", "click", lambda event: self.fill("data-book"))
        on("lab-quick", "click", lambda event: self.fill(None))
        on("optimizers-play", "click", lambda event: self.app.spawn(self.results.play()))
        on("hp-narrow", "click", self.apply_narrow)
        listen(self.init_field("weight"), "change", self.init_fields_changed)
        self.show("graph")
        self.init_fields_changed()

    async def connect(self, worker):
        worker.lab_progress = self.on_progress

    # -- tabs, settings, URL ---------------------------------------------------------------
    @staticmethod
    def init_field(name):
        return document.querySelector(f'[data-lab="init"] [data-param="{name}"]')

    def init_fields_changed(self, event=None):
        """The book's four weight inits bring their own activations: the menu rests then."""
        self.init_field("activation").disabled = self.init_field("weight").value == "book"

    def article(self, name):
        return find(f"lab-{name}")

    def open(self, name):
        """The student opens a lab's tab."""
        self.opened = True
        self.show(name)

    def show(self, name):
        self.active = name
        self.tabs.select(name)
        self.app.remember_settings()

    def inputs(self, name):
        nodes = self.article(name).querySelectorAll("[data-param]")
        return [nodes[i] for i in range(nodes.length)]

    def params(self, name):
        return {node.getAttribute("data-param"): str(node.value) for node in self.inputs(name)}

    def fill(self, attribute):
        """The book's full-size settings (``data-book``), or back to the quick defaults."""
        for node in self.inputs(self.active):
            if attribute is None:
                node.value = _default(node)
            elif node.hasAttribute(attribute):
                node.value = node.getAttribute(attribute)
        self.init_fields_changed()

    def record(self, name):
        """The lab's settings now, as ``(key, value, default)``."""
        return [
            (node.getAttribute("data-param"), str(node.value), str(_default(node)))
            for node in self.inputs(name)
        ]

    def fragment_pairs(self):
        """``lab=<name>`` once the student opened a lab, and its settings as last run that
        differ from its defaults."""
        if not self.opened:
            return []
        pairs = [("lab", self.active)]
        for key, value, default in self.ran.get(self.active, []):
            if value != default:
                pairs.append((key, value))
        return pairs

    def restore(self, pairs, run):
        """Open the lab a link names, with its settings; ``run`` it too (a link followed,
        not a reload)."""
        name = pairs.get("lab")
        if name not in NAMES:
            return
        self.open(name)
        for node in self.inputs(name):
            key = node.getAttribute("data-param")
            if key in pairs:
                node.value = pairs[key]
        self.ran[name] = self.record(name)
        self.init_fields_changed()
        self.article(name).scrollIntoView()
        if run and name in RUNS:
            self.app.spawn(self.run(name))

    def apply_narrow(self, event=None):
        """Coarse to fine: the ranges become those spanned by the best trials."""
        narrow = self.results.narrow
        if narrow is None:
            return
        values = {
            "lr_low": narrow["lr"][0],
            "lr_high": narrow["lr"][1],
            "wd_low": narrow["weight_decay"][0],
            "wd_high": narrow["weight_decay"][1],
        }
        for node in self.inputs("hyperparams"):
            key = node.getAttribute("data-param")
            if key in values:
                node.value = f"{values[key]:.2e}"

    # -- running ---------------------------------------------------------------------------
    def status(self, key, **values):
        find("lab-status").textContent = i18n.text(key, **values)

    def on_progress(self, done, total):
        self.worker.heard()
        find("lab-progress").value = done / total if total else 0

    def stop(self, event=None):
        """End the running lab now: its worker goes, and the next run starts a new one."""
        if self.running is not None:
            self.stopped = True
            self.worker.end()

    def set_running(self, name):
        self.running = name
        find("lab-stop").disabled = name is None
        for other in RUNS:
            find(f"lab-{other}-run").disabled = name is not None

    async def run(self, name):
        if self.running is not None:
            return
        article = self.article(name)
        article.setAttribute("data-done", "false")
        self.stopped = False
        self.set_running(name)
        find("lab-progress").value = 0
        params = self.params(name)
        message = ("lab_done", {"seed": params.get("seed", "—")})
        settings = self.record(name)
        try:
            if self.worker.proxy is None:
                self.status("lab_starting")
                await self.worker.start()
            self.status("lab_running")
            for part in PARTS.get(name, [name]):
                model = (
                    await self.app.engine.call("download_model") if part == "gradcheck" else None
                )
                out = json.loads(
                    await self.worker.call(
                        "run",
                        part,
                        str(window.location.href),
                        json.dumps(params),
                        model,
                        quiet=LAB_QUIET,
                    )
                )
                if "error" in out:
                    message = ("lab_error", {"message": out["error"]})
                    break
                if "failure" in out:
                    message = (out["failure"]["code"], out["failure"]["params"])
                    break
                getattr(self.results, f"render_{part}")(out["result"])
        except WorkerDied:
            message = ("lab_stopped", {}) if self.stopped else ("lab_died", {})
        except WorkerFailed as exc:
            message = ("lab_error", {"message": str(exc)})
        finally:
            self.set_running(None)
            article.setAttribute("data-done", "true")
        key, values = message
        self.status(key, **values)
        if key == "lab_done":
            self.ran[name] = settings
        elif key == "lab_error":
            self.ran.pop(name, None)  # the lab refused them: the URL does not keep them
        self.app.remember_settings()
