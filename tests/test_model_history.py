"""The student's models in the page's engine (web/worker/model_history.py): which one is in
use, what Undo goes back to, what waits for a choice, and what a reload finds in storage.

The storage is a dict here; in the page it is IndexedDB, behind the same few operations."""

import numpy as np
import pytest
from model_history import DEFAULT, Model, ModelHistory, storage_key, takes_over

from pynet import serialize
from pynet.network import MultiLayerNet
from pynet.serialize import ModelFileError

X = np.random.default_rng(0).random((3, 784))


def net(hidden=(5,), seed=0) -> MultiLayerNet:
    return MultiLayerNet(784, list(hidden), 10, seed=seed)


def default_model() -> Model:
    return Model.default(serialize.to_bytes(net(), info={"test_accuracy": 0.9789}))


def trained(accuracy, hidden=(7,), seed=1) -> Model:
    return Model.made(net(hidden, seed), {"test_accuracy": accuracy, "source": "trained"})


def fresh(store=None) -> tuple[ModelHistory, list]:
    """A history as the engine makes it at start-up, over ``store``."""
    history = ModelHistory({} if store is None else store, default_model())
    return history, history.restore()


def reloaded(history: ModelHistory) -> ModelHistory:
    """The history a reload finds: the same storage, read by a new engine."""
    again, notices = fresh(history.store)
    assert notices == []
    return again


def same_weights(a: Model, b: Model) -> bool:
    return np.array_equal(a.network.predict(X), b.network.predict(X))


# -- what takes over by itself ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "new", "current", "expected"),
    [
        ("finished", 0.981, 0.9789, True),
        ("finished", 0.1135, 0.9789, False),
        ("finished", 0.9789, 0.9789, False),  # not better: ask
        ("stopped", 0.99, 0.9789, False),
        ("diverged", 0.99, 0.9789, False),
        ("finished", 0.99, None, False),  # the model in use has no known accuracy: ask
    ],
)
def test_only_a_finished_run_better_than_the_model_in_use_takes_over(
    reason, new, current, expected
):
    assert takes_over(reason, new, current) is expected


def test_a_download_is_named_for_the_architecture_and_accuracy():
    assert default_model().describe()["file_name"] == "backprop-lab-784-5-10-97.9pct.npz"
    no_accuracy = Model.made(net((100, 50)), {"source": "trained"})
    assert no_accuracy.describe()["file_name"] == "backprop-lab-784-100-50-10.npz"
    assert "test_accuracy" not in no_accuracy.describe()


# -- runs ------------------------------------------------------------------------------------
def test_a_worse_run_waits_and_the_default_stays_in_use_after_a_reload():
    history, _ = fresh()
    bad = trained(0.1135)
    assert history.after_run(bad, "finished") == "offered"
    assert history.in_use is history.default
    view = reloaded(history).describe()
    assert view["model"]["source"] == "default" and view["model"]["test_accuracy"] == 0.9789
    assert view["pending"]["test_accuracy"] == 0.1135
    assert "previous" not in view


def test_a_better_run_takes_over_and_undo_goes_back_and_forth():
    history, _ = fresh()
    good = trained(0.985)
    assert history.after_run(good, "finished") == "adopted"
    assert history.describe()["model"]["source"] == "trained"
    assert history.describe()["previous"]["source"] == "default"
    history.undo()
    assert history.in_use is history.default
    assert history.describe()["previous"]["test_accuracy"] == 0.985
    history.undo()  # Undo of the Undo: nothing was lost
    assert history.in_use is good


def test_a_better_diverged_or_stopped_run_asks_all_the_same():
    history, _ = fresh()
    assert history.after_run(trained(0.99), "diverged") == "offered"
    assert history.after_run(trained(0.99, seed=2), "stopped") == "offered"
    assert history.in_use is history.default
    assert history.describe()["pending"]["test_accuracy"] == 0.99


def test_a_better_run_clears_an_older_waiting_model():
    history, _ = fresh()
    history.after_run(trained(0.5), "finished")
    history.after_run(trained(0.99, seed=2), "finished")
    assert "pending" not in history.describe()


# -- the student's choices ---------------------------------------------------------------------
def test_choosing_the_new_model_uses_it_and_undo_restores_the_previous_one():
    history, _ = fresh()
    bad = trained(0.1135)
    history.after_run(bad, "finished")
    history.choose(use_new=True)
    assert history.in_use is bad and "pending" not in history.describe()
    after_reload = reloaded(history)
    assert after_reload.describe()["model"]["test_accuracy"] == 0.1135
    assert same_weights(after_reload.in_use, bad)
    after_reload.undo()
    assert after_reload.describe()["model"]["source"] == "default"
    assert reloaded(after_reload).describe()["model"]["source"] == "default"


def test_keeping_the_current_model_forgets_the_new_one():
    history, _ = fresh()
    history.after_run(trained(0.1135), "finished")
    history.choose(use_new=False)
    assert history.in_use is history.default
    assert history.describe() == {"model": history.default.describe()}
    assert set(history.store) == {storage_key("in_use")}


def test_reset_is_undoable_and_a_reset_of_the_default_changes_nothing():
    history, _ = fresh()
    history.reset()
    assert "previous" not in history.describe()
    good = trained(0.985)
    history.after_run(good, "finished")
    history.reset()
    assert history.in_use is history.default
    history.undo()
    assert history.in_use is good


def test_an_upload_keeps_its_source_and_accuracy_through_a_reload():
    history, _ = fresh()
    data = serialize.to_bytes(net((9,)), info={"test_accuracy": 0.95})
    history.adopt(Model.from_bytes(data, source="uploaded"))
    view = reloaded(history).describe()["model"]
    assert view == {
        "source": "uploaded",
        "architecture": "784-9-10",
        "file_name": "backprop-lab-784-9-10-95.0pct.npz",
        "test_accuracy": 0.95,
    }


def test_storage_holds_at_most_three_models_and_the_default_as_a_word():
    history, _ = fresh()
    for i in range(5):
        history.after_run(trained(0.99 + i / 1000, seed=i), "finished")
        history.after_run(trained(0.1, seed=10 + i), "diverged")
    assert set(history.store) == {storage_key(slot) for slot in ("in_use", "previous", "pending")}
    history.reset()
    assert history.store[storage_key("in_use")] == DEFAULT


# -- what a reload may find ---------------------------------------------------------------------
def test_an_unreadable_model_in_use_falls_back_to_the_default_with_a_notice():
    store = {storage_key("in_use"): b"PK\x03\x04 not a model", storage_key("previous"): DEFAULT}
    history, notices = fresh(store)
    assert history.in_use is history.default
    assert [n["code"] for n in notices] == ["stored_model_unreadable"]
    assert notices[0]["params"]["slot"] == "in_use"
    assert notices[0]["params"]["detail"]["code"] == "model_not_npz"
    assert store[storage_key("in_use")] == DEFAULT  # the damaged entry is gone
    # ... from storage, not from the student: its bytes can still be downloaded
    assert notices[0]["params"]["kept"] is True
    assert history.set_aside == {"in_use": b"PK\x03\x04 not a model"}


def test_an_unreadable_waiting_model_is_dropped_and_the_model_in_use_kept():
    history, _ = fresh()
    good = trained(0.985)
    history.after_run(good, "finished")
    history.store[storage_key("pending")] = {"an older page's": "object"}
    again, notices = fresh(history.store)
    assert same_weights(again.in_use, good)
    assert [(n["params"]["slot"], n["params"]["detail"]["code"]) for n in notices] == [
        ("pending", "model_not_npz")
    ]
    assert storage_key("pending") not in again.store
    assert notices[0]["params"]["kept"] is False and again.set_aside == {}  # no file to give


def test_an_older_pages_model_becomes_the_model_in_use():
    legacy = serialize.to_bytes(net((4,)), info={"test_accuracy": 0.9, "source": "trained"})
    history = ModelHistory({}, default_model())
    assert history.restore(legacy) == []
    assert history.describe()["model"]["architecture"] == "784-4-10"
    assert reloaded(history).describe()["model"]["test_accuracy"] == 0.9


def test_a_model_that_does_not_read_digits_is_refused():
    with pytest.raises(ModelFileError) as refused:
        Model.from_bytes(serialize.to_bytes(MultiLayerNet(12, [6], 3, seed=0)))
    assert refused.value.code == "model_not_mnist"
