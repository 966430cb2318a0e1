"""Every function a worker serves answers, even when it fails.

A Python exception inside a served function becomes a rejected promise on the page, and
MicroPython's ``await`` never hears of a rejection: the page would wait forever. So each
served function is wrapped to return ``{"crash": "<kind>: <message>"}`` instead; the page's
``worker_link`` turns that back into an exception with the message.
"""

import functools
import inspect
import traceback

import js
from pyodide.ffi import to_js


def to_page(value) -> object:
    """``value`` as the page receives it: a JS value, dicts as plain objects."""
    return to_js(value, dict_converter=js.Object.fromEntries)


def _crash(exc: BaseException) -> object:
    js.console.warn(traceback.format_exc())  # the whole story, as one console line
    text = f"{type(exc).__name__}: {exc}"
    return to_page({"crash": text[:500]})


def answering(function):
    """``function`` (sync or async), answering ``{"crash": ...}`` instead of raising."""
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def answer_async(*args):
            try:
                return await function(*args)
            except Exception as exc:  # noqa: BLE001 (every failure must reach the page)
                return _crash(exc)

        return answer_async

    @functools.wraps(function)
    def answer(*args):
        try:
            return function(*args)
        except Exception as exc:  # noqa: BLE001
            return _crash(exc)

    return answer


def served(module) -> dict:
    """The functions ``module`` serves (its ``__all__``), each answering."""
    return {name: answering(getattr(module, name)) for name in module.__all__}
