"""The build's pieces for the exercises (sitebuild/exercises.py): the catalog the page reads
and the module that names PyScript's CodeMirror packages."""

import json

import pytest

from sitebuild import exercises
from sitebuild.steps import NODE_MODULES, BuildError

PYSCRIPT_DIST = NODE_MODULES / "@pyscript" / "core" / "dist"


def test_the_catalog_holds_every_exercise_in_the_books_order_with_what_use_it_can_take(
    tmp_path,
):
    target = tmp_path / "exercises.json"
    exercises.exercise_catalog(target)
    catalog = json.loads(target.read_text(encoding="utf-8"))["exercises"]
    assert [e["name"] for e in catalog][:6] == [
        "mul_layer", "add_layer", "relu", "sigmoid", "affine", "softmax_with_loss",
    ]  # fmt: skip
    usable = {e["name"] for e in catalog if e["usable"]}
    assert usable == {
        "relu", "sigmoid", "affine", "softmax_with_loss", "dropout", "batchnorm",
        "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam",
    }  # fmt: skip
    relu = next(e for e in catalog if e["name"] == "relu")
    assert relu["statement"]["ko"].startswith("ReLU 계층을 구현하세요")
    assert "raise NotImplementedError" in relu["skeleton"]


def test_pyscripts_codemirror_chunks_are_found_under_their_package_names():
    table = exercises.codemirror_table(PYSCRIPT_DIST)
    assert set(exercises.CODEMIRROR_PARTS) <= set(table)
    for chunk, _ in table.values():
        assert (PYSCRIPT_DIST / chunk).is_file()
    assert table["state"][1] is None  # a whole module; view and language are namespaces
    assert table["view"][1] and table["language"][1]


def test_the_editor_module_re_exports_each_package(tmp_path):
    target = tmp_path / "codemirror.mjs"
    exercises.codemirror_module(PYSCRIPT_DIST, target, "../pyscript/")
    text = target.read_text()
    for part in exercises.CODEMIRROR_PARTS:
        assert f" as {part}" in text
    assert text.count('from "../pyscript/codemirror') == len(exercises.CODEMIRROR_PARTS)


def test_a_pyscript_without_those_chunks_stops_the_build_saying_what_to_update(tmp_path):
    (tmp_path / "core.js").write_text('export const x = import("./other.js");')
    with pytest.raises(BuildError, match="update sitebuild/exercises.py"):
        exercises.codemirror_table(tmp_path)
