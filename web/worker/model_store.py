"""Where the engine keeps the student's models: IndexedDB, as a mapping of key → bytes or str
that ``model_history.ModelHistory`` reads and writes (the tests give it a dict instead), and
the one model an older page kept elsewhere.

Pyodide only (polyscript's ``storage``); the engine syncs the store after each change.
"""

import js
import polyscript
from pyodide.ffi import to_js
from pyscript import flatted

#: IndexedDB databases: the student's models (model_history.py), and where an older page
#: kept its one model.
STORE_NAME = "backprop-lab/models"
LEGACY_STORE, LEGACY_KEY = "@pyscript/backprop-lab", "model"


class BrowserStore:
    """The models' storage: IndexedDB through polyscript's ``storage`` (a Map kept in step
    with the database), as a mapping of key → bytes or str. Bytes are kept as a Uint8Array,
    which IndexedDB stores as it is (PyScript's ``Storage`` would write them as JSON text of
    numbers, several times the size, and parse it all again at every start)."""

    def __init__(self, database) -> None:
        self.database = database

    @classmethod
    async def open(cls, name: str) -> "BrowserStore":
        return cls(await polyscript.storage(name))

    def get(self, key: str):
        """The value: bytes, a str, ``None`` if absent, or whatever else an older page left
        (which ``ModelHistory`` refuses)."""
        value = self.database.get(key)
        if value is None or isinstance(value, str):
            return value
        to_bytes = getattr(value, "to_bytes", None)
        return to_bytes() if callable(to_bytes) else value

    def __contains__(self, key: str) -> bool:
        return bool(self.database.has(key))

    def __setitem__(self, key: str, value: bytes | str) -> None:
        self.database.set(key, value if isinstance(value, str) else js.Uint8Array.new(to_js(value)))

    def __delitem__(self, key: str) -> None:
        self.database.delete(key)

    async def sync(self) -> None:
        await self.database.sync()


async def legacy_model() -> bytes | None:
    """The one model an older page kept (PyScript's ``Storage``: flatted JSON), removed from
    there once read; ``ModelHistory.restore`` checks it like any stored model."""
    old = await polyscript.storage(LEGACY_STORE)
    text = old.get(LEGACY_KEY)
    if text is None:
        return None
    old.delete(LEGACY_KEY)
    await old.sync()
    try:
        kind, values = flatted.parse(str(text))
        return bytes(values) if kind == "bytearray" else b""
    except Exception:  # noqa: BLE001 (any damage: the empty bytes are refused with a notice)
        return b""
