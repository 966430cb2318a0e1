import json
import re

import pytest
from PIL import Image

from pynet.cli import main


def test_train_saves_a_model_that_predict_reads(tmp_path, mnist, capsys):
    model = tmp_path / "m.npz"
    main(
        [
            "train",
            "--hidden",
            "50",
            "--epochs",
            "3",
            "--train-size",
            "5000",
            "--eval-samples",
            "500",
            "--out",
            str(model),
        ]
    )
    out = capsys.readouterr().out
    accuracy = float(re.search(r"finished: trained 3 epochs; test accuracy ([0-9.]+)", out)[1])
    assert accuracy > 0.88
    assert model.exists()

    (_, _), (x_test, t_test) = mnist
    image = 255 - x_test[0].reshape(28, 28)  # dark digit on white paper, as a user's scan
    Image.fromarray(image).resize((140, 140)).save(tmp_path / "digit.png")
    main(["predict", str(tmp_path / "digit.png"), "--model", str(model)])
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{t_test[0]}: ")


def test_gradcheck_reports_small_errors(capsys):
    main(["gradcheck", "--hidden", "5", "--batchnorm", "--samples", "2"])
    out = capsys.readouterr().out
    assert "OK: largest relative error" in out
    assert "gamma1" in out


def test_experiment_prints_plain_json(capsys):
    main(["experiment", "paths"])
    paths = json.loads(capsys.readouterr().out)
    assert paths["sgd"]["x"][-1] == pytest.approx(-0.350, abs=1e-3)


def test_bad_values_exit_with_a_sentence(capsys):
    with pytest.raises(
        SystemExit, match="error: learning rate must be a positive number, got -1.0"
    ):
        main(["train", "--lr", "-1", "--epochs", "1", "--train-size", "300"])
