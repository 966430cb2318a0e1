"""A mischievous student's input in the page: every odd model file and form value gets a
clear message, nothing is kept that failed, and a reload still reaches a working guess."""

import io
import json
import zipfile

import numpy as np
import pytest
from actions import draw, sel, wait_ready
from test_page import ONE, set_fields, wait_label

from pynet import serialize
from pynet.network import MultiLayerNet

CONFIG = {"input_size": 784, "hidden_size_list": [16], "output_size": 10}


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def rewritten(changes: dict) -> bytes:
    """A valid 784-16-10 model file with some entries (``name.npy``) replaced."""
    source = zipfile.ZipFile(io.BytesIO(serialize.to_bytes(MultiLayerNet(**CONFIG, seed=0))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, changes.get(name, source.read(name)))
    return out.getvalue()


def metadata(info=None, config=None) -> bytes:
    meta = {"format": "pynet-model", "version": 1, "config": config or CONFIG}
    return npy(np.array(json.dumps({**meta, "info": info or {}})))


HOSTILE = {
    "accuracy-as-text": rewritten({"__meta__.npy": metadata({"test_accuracy": "high"})}),
    "accuracy-as-list": rewritten({"__meta__.npy": metadata({"test_accuracy": [0.9]})}),
    "overflowing-weights": rewritten({"W1.npy": npy(np.full((784, 16), 1e300))}),
    "huge-config": rewritten(
        {"__meta__.npy": metadata(config={**CONFIG, "hidden_size_list": [1000] * 9})}
    ),
    "not-a-zip": b"PK\x03\x04 this is not really a model",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_model_file_is_refused_natively(name):
    with pytest.raises(serialize.ModelFileError):
        serialize.load(HOSTILE[name])


def test_hostile_files_and_values_are_refused_and_a_reload_still_guesses(page, tmp_path):
    before = page.inner_text(sel("model-info"))
    for name, data in HOSTILE.items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(data)
        page.evaluate(f"document.querySelector('{sel('model-message')}').textContent = ''")
        page.set_input_files(sel("model-upload"), str(path))
        page.wait_for_function(
            f"document.querySelector('{sel('model-message')}').textContent !== ''"
        )
        assert "not loaded" in page.inner_text(sel("model-message")), name
        assert page.inner_text(sel("model-info")) == before, name

    # A fact named like a parameter of save() once made the upload hang: now it is dropped.
    odd = tmp_path / "odd-fact.npz"
    odd.write_bytes(rewritten({"__meta__.npy": metadata({"network": "evil", "epochs": 2})}))
    page.set_input_files(sel("model-upload"), str(odd))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'uploaded'"
    )

    set_fields(page, optimizer_params="lr=5", hidden_layers=",".join(["1"] * 20000))
    page.click(sel("train-start"))
    page.locator('[data-error-for="optimizer-params"]').wait_for()
    assert "learning rate in its own field" in page.inner_text(
        '[data-error-for="optimizer-params"]'
    )
    assert "keep it to 10 or fewer" in page.inner_text('[data-error-for="hidden-layers"]')
    assert page.is_enabled(sel("train-start"))

    page.reload()
    wait_ready(page)
    draw(page, ONE)
    page.wait_for_function(f"document.querySelector('{sel('prediction')}').dataset.label !== ''")
    page.click(sel("model-reset"))
    page.wait_for_function(
        f"document.querySelector('{sel('model-info')}').dataset.source === 'default'"
    )
    draw(page, ONE)
    wait_label(page, "1")
