import math

import numpy as np
import pytest

from pynet.hyperopt import Trial, log_uniform, narrow_ranges, random_search


def test_log_uniform_stays_in_bounds_and_is_uniform_in_the_exponent():
    samples = log_uniform(np.random.default_rng(0), 1e-6, 1e-2, size=20000)
    assert samples.min() >= 1e-6 and samples.max() <= 1e-2
    exponents = np.log10(samples)
    counts = np.histogram(exponents, bins=4, range=(-6, -2))[0]
    assert np.all(np.abs(counts / 20000 - 0.25) < 0.02)  # each decade equally often
    assert np.median(samples) == pytest.approx(1e-4, rel=0.1)


def test_random_search_ranks_trials_by_validation_accuracy():
    rng = np.random.default_rng(0)
    x = rng.random((200, 16)).astype(np.float32)
    t = (x[:, 0] > 0.5).astype(np.int64)
    seen = []
    trials = random_search(
        x,
        t,
        n_trials=4,
        epochs=2,
        hidden_size_list=[8],
        lr_range=(1e-3, 1e-1),
        on_trial=lambda i, trial: seen.append(i),
    )
    assert seen == [0, 1, 2, 3]
    accs = [trial.val_acc for trial in trials]
    assert accs == sorted(accs, reverse=True)
    assert all(1e-3 <= trial.lr <= 1e-1 and 1e-8 <= trial.weight_decay <= 1e-4 for trial in trials)


def test_narrow_ranges_spans_the_best_trials():
    trials = [
        Trial(1e-3, 1e-6, 0.9, 0.9, "finished"),
        Trial(1e-2, 1e-5, 0.8, 0.8, "finished"),
        Trial(1e-5, 1e-8, 0.1, 0.1, "finished"),
    ]
    ranges = narrow_ranges(trials, top=2)
    assert ranges == {"lr": (1e-3, 1e-2), "weight_decay": (1e-6, 1e-5)}


def test_bad_ranges_are_refused():
    with pytest.raises(ValueError, match="learning rate range must be two positive numbers"):
        random_search(np.zeros((10, 2)), np.zeros(10, int), lr_range=(0, 1))
    assert math.isfinite(log_uniform(np.random.default_rng(0), 1e-3, 1e-3))
