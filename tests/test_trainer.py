import math

import numpy as np
import pytest

from pynet.network import MultiLayerNet
from pynet.trainer import Trainer

rng = np.random.default_rng(0)
X = rng.standard_normal((250, 6)).astype(np.float32)
T = (X[:, 0] + X[:, 1] > 0).astype(np.int64)


def make(epochs=3, **options):
    network = MultiLayerNet(6, [8], 2, seed=0)
    return network, Trainer(
        network,
        X,
        T,
        X[:50],
        T[:50],
        epochs=epochs,
        mini_batch_size=100,
        optimizer="adam",
        optimizer_param={"lr": 0.01},
        seed=0,
        **options,
    )


def test_an_epoch_is_one_pass_without_replacement_with_a_short_last_batch():
    network, trainer = make(epochs=2)
    seen = []
    original = trainer.train_step
    trainer.train_step = lambda idx: seen.append(idx.copy()) or original(idx)
    result = trainer.train()
    assert trainer.steps_per_epoch == 3 and result.steps == 6
    assert [len(b) for b in seen] == [100, 100, 50, 100, 100, 50]
    assert sorted(np.concatenate(seen[:3]).tolist()) == list(range(250))


def test_training_learns_and_records_history():
    network, trainer = make(epochs=30)
    result = trainer.train()
    assert result.reason == "finished"
    assert len(trainer.train_loss_list) == 90 and len(trainer.test_acc_list) == 30
    assert trainer.train_loss_list[-1] < trainer.train_loss_list[0]
    assert result.final_test_acc > 0.9


def test_callbacks_report_every_step_and_epoch():
    steps, epochs = [], []
    _, trainer = make(epochs=2, on_step=steps.append, on_epoch=epochs.append)
    trainer.train()
    assert [s.step for s in steps] == [1, 2, 3, 4, 5, 6]
    assert [e.epoch for e in epochs] == [1, 2]
    assert epochs[-1].test_acc is not None and epochs[-1].train_acc is not None


def test_stepping_yields_after_every_step_and_ends_as_train_does():
    _, stepped = make(epochs=2)
    run = stepped.steps()
    infos = []
    while True:
        try:
            infos.append(next(run))
        except StopIteration as done:
            result = done.value
            break
    _, plain = make(epochs=2)
    expected = plain.train()
    assert [(i.epoch, i.step) for i in infos] == [(1, 1), (1, 2), (1, 3), (2, 4), (2, 5), (2, 6)]
    assert result.steps == expected.steps == 6
    assert result.history["loss"] == expected.history["loss"]
    assert result.final_test_acc == expected.final_test_acc


def test_a_stop_requested_between_steps_ends_the_stepped_run():
    _, trainer = make(epochs=5)
    run = trainer.steps()
    next(run)
    trainer.request_stop()
    with pytest.raises(StopIteration) as done:
        next(run)
    assert done.value.value.reason == "stopped" and done.value.value.steps == 1


def test_stop_request_ends_cleanly_after_the_current_step():
    holder = {}
    _, trainer = make(epochs=5, on_step=lambda info: info.step == 4 and holder["t"].request_stop())
    holder["t"] = trainer
    result = trainer.train()
    assert result.reason == "stopped" and result.steps == 4


def test_should_stop_is_polled_before_each_step():
    calls = []
    _, trainer = make(epochs=5, should_stop=lambda: calls.append(1) or len(calls) > 2)
    assert trainer.train().steps == 2


def test_nan_loss_stops_training_and_restores_the_last_good_weights():
    network, trainer = make(epochs=5)
    snapshots = []
    original = trainer.train_step

    def step(idx):
        if len(snapshots) == 4:
            network.params["W1"][0, 0] = np.nan  # what an exploding update leaves behind
        snapshots.append(network.get_state())
        return original(idx)

    trainer.train_step = step
    result = trainer.train()
    assert result.reason == "diverged" and result.steps == 5
    assert "the loss became nan at step 5 (epoch 2), not a number" in result.message
    good = snapshots[3]  # the weights whose loss (step 4) was last finite
    assert all(np.array_equal(network.params[k], good[k]) for k in network.params)


def test_an_exploding_but_finite_loss_counts_as_divergence():
    network = MultiLayerNet(6, [8], 2, seed=0)
    first = network.loss(X[:100], T[:100])
    trainer = Trainer(
        network, X, T, X, T, epochs=20, optimizer="sgd", optimizer_param={"lr": 1000.0}, seed=0
    )
    result = trainer.train()
    assert result.reason == "diverged"
    assert "far above where it started" in result.message
    assert max(trainer.train_loss_list) <= 100 * first * 1.5  # only sound steps are recorded


def test_a_huge_learning_rate_diverges_with_a_message():
    network = MultiLayerNet(6, [8], 2, seed=0)
    trainer = Trainer(
        network, X, T, X, T, epochs=50, optimizer="sgd", optimizer_param={"lr": 1e30}, seed=0
    )
    result = trainer.train()
    assert result.reason == "diverged"
    assert "smaller learning rate" in result.message
    assert not math.isfinite(result.diverged_loss) or result.diverged_loss > 1e3
    assert all(np.all(np.isfinite(p)) for p in network.params.values())


def test_a_run_that_does_not_diverge_has_no_diverged_loss():
    _, trainer = make(epochs=1)
    assert trainer.train().diverged_loss is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"epochs": 0}, "epochs must be a positive whole number"),
        ({"mini_batch_size": -5}, "batch size must be a positive whole number"),
        ({"optimizer": "adamax"}, "unknown optimizer"),
        ({"optimizer_param": {"lr": 0}}, "learning rate must be a positive number"),
    ],
)
def test_invalid_settings_are_refused(options, message):
    network = MultiLayerNet(6, [8], 2)
    with pytest.raises(ValueError, match=message):
        Trainer(network, X, T, X, T, **options)
