"""Single-step mode of a run in the engine worker (web/worker/training.py's ``Pacing``), run
natively: paused, the loop sleeps until Step (one mini-batch), Continue or Stop wakes it.

Its browser-only imports are stubbed; ``Pacing`` itself is plain asyncio."""

import asyncio
import sys
import types
from concurrent.futures import ThreadPoolExecutor

for name in ("js", "pyodide", "pyodide.ffi", "pyodide.http", "pyscript"):
    sys.modules.setdefault(name, types.ModuleType(name))
sys.modules["pyodide.ffi"].to_js = lambda value, **options: value
sys.modules["pyodide.http"].pyfetch = None
if not hasattr(sys.modules["pyscript"], "sync"):  # (test_labs.py may have stubbed it)
    sys.modules["pyscript"].sync = types.SimpleNamespace()

import training  # noqa: E402

#: Long enough for a task that is not blocked to finish.
TICK = 0.02


def run(scenario):
    # On its own thread: Playwright's session keeps an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def test_an_unpaused_run_never_waits():
    async def scenario():
        return await asyncio.wait_for(training.Pacing().wait(), TICK)

    assert run(scenario) is False


def test_paused_the_loop_sleeps_until_a_step_and_runs_exactly_one():
    async def scenario():
        pacing = training.Pacing()
        pacing.pause()
        first = asyncio.create_task(pacing.wait())
        await asyncio.sleep(TICK)
        asleep = not first.done()
        pacing.step()
        single = await asyncio.wait_for(first, TICK)
        second = asyncio.create_task(pacing.wait())
        await asyncio.sleep(TICK)
        asleep_again = not second.done()
        second.cancel()
        return asleep, single, asleep_again

    assert run(scenario) == (True, True, True)


def test_two_steps_asked_for_run_two_single_steps():
    async def scenario():
        pacing = training.Pacing()
        pacing.pause()
        pacing.step()
        pacing.step()
        return [await asyncio.wait_for(pacing.wait(), TICK) for _ in range(2)]

    assert run(scenario) == [True, True]


def test_continue_and_stop_wake_a_paused_loop_for_good():
    async def scenario(wake):
        pacing = training.Pacing()
        pacing.pause()
        waiting = asyncio.create_task(pacing.wait())
        await asyncio.sleep(TICK)
        getattr(pacing, wake)()
        return await asyncio.wait_for(waiting, TICK), await asyncio.wait_for(pacing.wait(), TICK)

    assert run(lambda: scenario("resume")) == (False, False)
    assert run(lambda: scenario("stop")) == (False, False)


def test_a_step_while_running_is_not_saved_for_a_later_pause():
    async def scenario():
        pacing = training.Pacing()
        pacing.step()
        pacing.pause()
        waiting = asyncio.create_task(pacing.wait())
        await asyncio.sleep(TICK)
        asleep = not waiting.done()
        waiting.cancel()
        return asleep

    assert run(scenario) is True
