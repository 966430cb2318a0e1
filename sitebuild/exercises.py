"""What the "Write it yourself" section needs from the build: the exercises as JSON and the
code editor's CodeMirror modules.

The page's main thread runs MicroPython, which has no pynet: it reads the catalog
(``pynet.exercises``, the one home of the exercises) from ``exercises.json``, so the list,
the statements and the editor are there before any worker has started.

CodeMirror 6 comes with PyScript 0.6.66, which loads it lazily for its ``py-editor``: one
chunk per package (``codemirror_state-<hash>.js``, ...), two of them exporting their package
as a namespace under a minified name. The lazy-import table that says which is which lives
in PyScript's core chunk; ``codemirror_module`` reads it and writes
``runtime/codemirror.mjs``, which re-exports each package under its own name. Using those
very files adds nothing to what the page downloads and keeps one CodeMirror in dist/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .steps import BuildError

#: The packages the editor uses, by the names PyScript's lazy table gives them.
CODEMIRROR_PARTS = ("state", "view", "language", "commands", "python")

#: One entry of PyScript's table: ``get view(){return import("./codemirror_view-<hash>.js")
#: .then(function(e){return e.t})}`` (the ``.then`` only for a namespace under a short name).
_TABLE_ENTRY = re.compile(
    r'get (\w+)\(\)\{return import\("\./(codemirror[\w-]*\.js)"\)'
    r"(?:\.then\(function\(\w+\)\{return \w+\.(\w+)\}\))?\}"
)


def exercise_catalog(target: Path) -> str:
    """Write every exercise's ``as_dict()`` (book order) to ``target``, each with ``usable``:
    whether "Use it" can train with the class (a network layer or an optimizer)."""
    from pynet.exercises import EXERCISES
    from pynet.exercises.use_it import HIDDEN_LAYERS
    from pynet.optimizers import OPTIMIZERS

    usable = {*HIDDEN_LAYERS, "softmax_with_loss", *OPTIMIZERS}
    exercises = [
        {**exercise.as_dict(), "usable": name in usable} for name, exercise in EXERCISES.items()
    ]
    text = json.dumps({"exercises": exercises}, ensure_ascii=False, separators=(",", ":"))
    target.write_text(text, encoding="utf-8")
    return f"{target.name}: {len(exercises)} exercises, {len(text.encode()) // 1000} kB"


def codemirror_table(pyscript_dist: Path) -> dict[str, tuple[str, str | None]]:
    """PyScript's lazy CodeMirror imports: ``{part: (chunk file, namespace export or None)}``."""
    table = {}
    for path in sorted(pyscript_dist.glob("*.js")):
        for part, chunk, export in _TABLE_ENTRY.findall(path.read_text(errors="replace")):
            table[part] = (chunk, export or None)
    missing = [part for part in CODEMIRROR_PARTS if part not in table]
    if missing:
        raise BuildError(
            f"PyScript's CodeMirror chunks for {', '.join(missing)} were not found in "
            f"{pyscript_dist}: a new @pyscript/core lays them out differently; update "
            "sitebuild/exercises.py"
        )
    return table


def codemirror_module(pyscript_dist: Path, target: Path, prefix: str) -> str:
    """Write ``target``: an ES module re-exporting CodeMirror's packages from PyScript's
    chunks, which ``prefix`` reaches from ``target``'s folder. Returns a summary."""
    table = codemirror_table(pyscript_dist)
    lines = [
        "// Written by build.py (sitebuild/exercises.py): the CodeMirror 6 packages that",
        "// @pyscript/core bundles for its py-editor, each under its own name.",
    ]
    for part in CODEMIRROR_PARTS:
        chunk, export = table[part]
        if export is None:
            lines.append(f'export * as {part} from "{prefix}{chunk}";')
        else:
            lines.append(f'export {{ {export} as {part} }} from "{prefix}{chunk}";')
    target.write_text("\n".join(lines) + "\n")
    chunks = sum((pyscript_dist / table[part][0]).stat().st_size for part in CODEMIRROR_PARTS)
    return f"{target.name} over PyScript's CodeMirror ({chunks // 1000} kB, already in dist/)"
