"""The "Write it yourself" panel (main thread): the exercises by chapter with their state,
the statement and the code editor, and Check, Use it, Reset, the solution, Export, Import.

The exercises come from ``exercises.json`` (written by the build from ``pynet.exercises``)
and the editor from ``runtime/code_editor.mjs``, so the panel works before any Python
worker has started. The student's code runs only in the exercise worker
(web/worker/exercise_tasks.py), started at the first check. A check that has not answered
after ``CHECK_SECONDS`` is stopped by ending that worker (nothing else stops
``while True: pass``); the next check starts a new one. A teacher can hide the solutions
with ``?reveal=off`` in the page's address.
"""

import json

import i18n
import js
from dom import find, listen, on
from exercise_checker import ExerciseChecker, TimedOut
from exercise_files import export_all, import_file
from exercise_list import ExerciseList
from exercise_progress import Progress
from exercise_view import UseView, sentence, show_report
from pyscript import js_import, window
from pyscript.ffi import create_proxy, to_js
from worker_link import WorkerDied

#: Seconds a check may take before its worker is ended (a check takes milliseconds).
CHECK_SECONDS = 5
#: Seconds "Use it" may go without a progress report (fetching MNIST sends none).
USE_QUIET = 60
#: Milliseconds after the last keystroke before the code is saved in the browser.
SAVE_DELAY_MS = 400


def timeout_report(name):
    """The report of a check that was stopped: pynet's ``timeout`` error, from the page."""
    error = {"code": "timeout", "params": {"seconds": CHECK_SECONDS}, "message": "", "line": None}
    return {
        "name": name,
        "passed": False,
        "max_error": None,
        "checks": [],
        "mistakes": [],
        "error": error,
        "diff": None,
        "output": "",
    }


class ExercisesPanel:
    def __init__(self, app):
        self.app = app
        self.catalog = {}
        self.names = []  # in the book's order (MicroPython's dicts keep no order)
        self.progress = None
        self.editor = None
        self.list = None
        self.current = None
        self.busy = False
        self.report = None  # the report shown, for the current exercise
        self.use_result = None
        self.message_args = None
        query = js.URLSearchParams.new(window.location.search)
        self.reveal_allowed = query.get("reveal") != "off"  # a teacher's choice for a class
        self.view = UseView()
        self.checker = ExerciseChecker(self.connect)
        self._save_timer = None
        self._save_later = create_proxy(lambda: self.save())
        on("exercise-check", "click", lambda event: self.start("exercise-result", self.check))
        on("exercise-use", "click", lambda event: self.start("exercise-use-result", self.use))
        on("exercise-reset", "click", self.reset)
        on("exercise-reveal", "click", self.toggle_solution)
        on("exercise-export", "click", lambda event: app.spawn(export_all(self)))
        on("exercise-import", "change", lambda event: app.spawn(import_file(self, event.target)))
        listen(window, "pagehide", lambda event: self.save())
        listen(find("exercise-editor"), "focusin", self.warm_up)

    def start(self, testid, run):
        """Mark ``testid``'s result as under way at the click itself (the run starts a moment
        later), then run: a result with ``data-done="true"`` is always the latest."""
        if self.busy or self.editor is None:
            return
        find(testid).setAttribute("data-done", "false")
        self.app.spawn(run())

    async def connect(self, worker):
        worker.exercise_progress = self.on_progress

    async def boot(self):
        """Load the exercises and the editor, and open the exercise the student had open."""
        response = await js.fetch("./exercises.json")
        for entry in json.loads(await response.text())["exercises"]:
            self.catalog[entry["name"]] = entry
            self.names.append(entry["name"])
        self.progress = Progress(self.catalog, self.names[0])
        url = js.URL.new("./runtime/code_editor.mjs", window.location.href).href
        module = (await js_import(url))[0]
        options = {
            "labelledBy": "exercise-editor-label",
            "describedBy": "exercise-editor-help",
            "onChange": create_proxy(self.on_edit),
        }
        self.editor = module.createEditor(find("exercise-editor"), to_js(options))
        self.list = ExerciseList(self.names, self.catalog, self.open)
        self.open(self.progress.open)
        find("exercise-reveal").hidden = not self.reveal_allowed
        find("exercise-reveal-off").hidden = self.reveal_allowed
        find("exercises").setAttribute("data-ready", "true")

    # -- the open exercise -----------------------------------------------------------------
    def open(self, name):
        """Show exercise ``name`` with the student's code for it."""
        if self.busy or name == self.current:
            return
        self.save()
        self.current = name
        self.progress.open = name
        self.editor.load(self.progress.source(name))
        self.clear_results()
        find("exercise-solution").hidden = True
        self.say(None)
        self.show_statement()
        self.refresh()

    def show_statement(self):
        entry, lang = self.catalog[self.current], i18n.current["lang"]
        find("exercise-title").textContent = entry["title"][lang]
        section = i18n.text("ex_section", section=entry["section"])
        if entry["extra"]:
            section += " · " + i18n.text("ex_extra")
        find("exercise-section").textContent = section
        find("exercise-statement").textContent = entry["statement"][lang]
        js.katex.render(
            entry["formula"],
            find("exercise-formula"),
            to_js({"throwOnError": False, "displayMode": True}),
        )
        label = i18n.text("ex_editor_label", class_name=entry["class_name"])
        find("exercise-editor-label").textContent = label
        find("exercise-solution-code").textContent = entry["solution"]

    def refresh(self):
        """The list's marks and which buttons can be pressed now."""
        self.list.show(self.progress, self.current)
        entry = self.progress.entry(self.current)
        find("exercise-check").disabled = self.busy
        find("exercise-reset").disabled = self.busy
        find("exercise-export").disabled = self.busy
        find("exercise-import").disabled = self.busy
        usable = self.catalog[self.current]["usable"] and entry["status"] == "pass"
        find("exercise-use").disabled = self.busy or not usable
        find("exercise-reveal").disabled = not entry["attempted"]
        solution_shown = not find("exercise-solution").hidden
        find("exercise-reveal").textContent = i18n.text(
            "ex_hide_solution" if solution_shown else "ex_show_solution"
        )

    def relabel(self):
        """The language changed: words everywhere, the report and the run again."""
        if self.current is None:
            return
        self.show_statement()
        self.refresh()
        if self.report is not None:
            show_report(self.report)
        if self.use_result is not None:
            self.view.show(self.use_result)
        if self.message_args is not None:
            key, values = self.message_args
            self.say(key, **values)

    # -- saving ----------------------------------------------------------------------------
    def on_edit(self):
        self.progress.edit(self.current, str(self.editor.text()))
        if self._save_timer is not None:
            js.clearTimeout(self._save_timer)
        self._save_timer = js.setTimeout(self._save_later, SAVE_DELAY_MS)

    def save(self):
        if self.progress is not None:
            self._save_timer = None
            self.progress.save()

    def say(self, key, **values):
        self.message_args = (key, values) if key else None
        find("exercise-message").textContent = i18n.text(key, **values) if key else ""

    def set_busy(self, busy):
        self.busy = busy
        self.refresh()

    # -- the worker ------------------------------------------------------------------------
    def on_progress(self, done, total):
        self.checker.heard()
        self.say("ex_use_running", done=done, total=total)

    def warm_up(self, event=None):
        """The student is about to write code: start the checker now, so that Check answers
        at once (a student who only reads costs no worker)."""
        if not self.checker.running and self.checker.starting is None:
            self.app.spawn(self.checker.start())

    async def call(self, name, *args, saying=None, quiet=5, limit=None):
        """Ask the exercise worker (starting it if need be): its JSON answer, or None when it
        fell silent and was ended, which is said (``TimedOut`` when ``limit`` seconds
        passed). The buttons wait meanwhile."""
        self.set_busy(True)
        try:
            if not self.checker.running:
                self.say("ex_starting")
                await self.checker.start()
            self.say(saying)
            return await self.checker.ask(name, *args, quiet=quiet, limit=limit)
        except WorkerDied:
            self.say("ex_died")
            return None
        finally:
            self.set_busy(False)

    async def check(self):
        if self.busy:
            return
        name, source = self.current, str(self.editor.text())
        stopped = False
        try:
            out = await self.call(
                "check", name, source, saying="ex_checking", quiet=60, limit=CHECK_SECONDS
            )
            report = out and out["report"]
        except TimedOut:  # its worker was ended; the next check starts a new one
            report, stopped = timeout_report(name), True
        if report:
            self.progress.checked(name, source, report["passed"])
            self.progress.save()
            if name == self.current:
                self.report = report
                show_report(report)
                self.editor.markLine((report.get("error") or {}).get("line") or 0, False)
            if stopped:
                self.say("ex_stopped", seconds=CHECK_SECONDS)
            else:  # the verdict where the student's eyes are (and a screen reader's status)
                self.say("ex_checked_pass" if report["passed"] else "ex_checked_fail")
            self.refresh()
        find("exercise-result").setAttribute("data-done", "true")

    async def use(self):
        if self.busy:
            return
        sources = json.dumps(self.progress.passed_sources())
        href = str(window.location.href)
        args = ("use", sources, href, self.current)
        out = await self.call(*args, saying="ex_use_starting", quiet=USE_QUIET)
        if out is not None and "result" in out:
            self.use_result = out["result"]
            self.view.show(self.use_result)
            self.say("ex_use_done")
        elif out is not None and "error" in out:
            self.say("ex_use_failed", message=sentence(out["error"]))
        elif out is not None:
            self.say(out["failure"]["code"], **out["failure"]["params"])
        find("exercise-use-result").setAttribute("data-done", "true")

    # -- reset, solution, files ------------------------------------------------------------
    def reset(self, event=None):
        skeleton = self.catalog[self.current]["skeleton"]
        self.editor.replace(skeleton)  # one edit: Ctrl+Z brings the student's code back
        self.progress.restart(self.current, skeleton)
        self.save()
        self.clear_results()
        self.say("ex_reset_done")
        self.refresh()

    def clear_results(self):
        self.report = self.use_result = None
        show_report(None)
        self.editor.markLine(0, False)
        find("exercise-use-result").hidden = True

    def toggle_solution(self, event=None):
        if not self.reveal_allowed or not self.progress.entry(self.current)["attempted"]:
            return
        node = find("exercise-solution")
        node.hidden = not node.hidden
        self.refresh()

    def take_solutions(self, solutions):
        """Imported code (``{name: source}``) becomes the student's, none of it checked."""
        for name, source in solutions.items():
            self.progress.restart(name, source)
        if self.current in solutions:
            self.editor.replace(solutions[self.current])
            self.clear_results()
        self.save()
        self.refresh()
