"""Export and Import of the student's solutions (main thread): one .py file with every
exercise the student has written, in the format of ``pynet.exercises.export_solutions``.

The exercise worker writes and reads the file (pynet is the one home of its format);
reading only splits it into exercises: nothing of an imported file runs until the student
presses Check.
"""

import json

import js
from exercise_view import error_text
from pyscript import document
from pyscript.ffi import to_js

FILE_NAME = "backprop-lab-solutions.py"


def download(text, name):
    """Let the browser save ``text`` as the file ``name``."""
    parts = js.Array.new()
    parts.push(text)
    blob = js.Blob.new(parts, to_js({"type": "text/x-python"}))
    link = document.createElement("a")
    link.href = js.URL.createObjectURL(blob)
    link.download = name
    link.click()
    js.URL.revokeObjectURL(link.href)


async def export_all(panel):
    """Download every solution that is no longer its skeleton."""
    solutions = panel.progress.written()
    if not solutions:
        panel.say("ex_export_none")
        return
    out = await panel.call("export_file", json.dumps(solutions))
    if out is None:  # the worker stopped answering (the panel has said so)
        return
    if "error" in out:
        panel.say("ex_export_bad", message=error_text(out["error"]))
        return
    download(out["text"], FILE_NAME)
    panel.say("ex_exported", count=len(solutions))


async def import_file(panel, input_node):
    """Read the file chosen in ``input_node``: each exercise in it gets its code, not yet
    checked; a file that cannot be read changes nothing, and the page says why."""
    files = input_node.files
    if not files.length:
        return
    text = str(await files[0].text())
    input_node.value = ""  # the same file can be chosen again
    out = await panel.call("import_file", text)
    if out is None:
        return
    if "error" in out:
        panel.say("ex_import_bad", message=error_text(out["error"]))
        return
    panel.take_solutions(out["solutions"])
    panel.say("ex_imported", count=len(out["solutions"]))
