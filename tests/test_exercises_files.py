"""A student's solutions as one file: export, import, and grading it from the command line."""

import re

import pytest

from pynet.cli import main
from pynet.exercises import (
    EXERCISES,
    MAX_FILE_CHARS,
    SolutionsFileError,
    export_solutions,
    import_solutions,
    parse_solutions,
)

SOLUTIONS = {name: exercise.solution for name, exercise in EXERCISES.items()}

BOOKS_RELU = """\
class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        dx = dout
        return dx
"""


# -- export and import ------------------------------------------------------------------------
def test_export_then_import_gives_back_every_solution():
    assert import_solutions(export_solutions(SOLUTIONS)) == SOLUTIONS


def test_export_writes_a_marker_before_each_exercise_in_the_books_order():
    text = export_solutions({"sigmoid": "class Sigmoid:\n    pass\n", "relu": BOOKS_RELU})
    markers = [line for line in text.splitlines() if line.startswith("# === exercise:")]
    assert markers == ["# === exercise: relu ===", "# === exercise: sigmoid ==="]
    assert text.endswith("# === exercise: sigmoid ===\nclass Sigmoid:\n    pass\n")


def test_import_keeps_the_file_line_where_each_solution_starts():
    text = "# my homework\n\n# === exercise: relu ===\n\n\nclass Relu:\n    pass\n\n\n"
    assert parse_solutions(text) == [("relu", "class Relu:\n    pass\n", 6)]
    text = export_solutions(SOLUTIONS)
    lines = text.splitlines()
    for part in parse_solutions(text):
        assert lines[part.line - 1] == part.source.splitlines()[0]


def test_import_reads_windows_line_ends():
    text = "# === exercise: relu ===\r\nclass Relu:\r\n    pass\r\n"
    assert import_solutions(text) == {"relu": "class Relu:\n    pass\n"}


def test_import_never_runs_the_code():
    text = "# === exercise: sgd ===\nraise SystemExit('this must not run')\n"
    assert import_solutions(text) == {"sgd": "raise SystemExit('this must not run')\n"}


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "# === exercise: lstm ===\n",
            "unknown_exercise",
            "line 1: there is no exercise called lstm",
        ),
        (
            "# === exercise: relu ===\n\n# === exercise: relu ===\n",
            "duplicate_exercise",
            "line 3: the exercise relu comes a second time",
        ),
        ("print('hello')\n", "no_exercises", "no exercise found"),
        ("\x00\xff garbage", "no_exercises", "no exercise found"),
        ("#" * (MAX_FILE_CHARS + 1), "file_too_large", "the file has 200001 characters"),
    ],
)
def test_import_refuses_what_is_not_a_solutions_file(text, code, message):
    with pytest.raises(SolutionsFileError, match=message) as refused:
        import_solutions(text)
    assert refused.value.code == code


def test_export_refuses_unknown_names_and_marker_lines():
    with pytest.raises(SolutionsFileError, match="there is no exercise called lstm"):
        export_solutions({"lstm": "class LSTM:\n    pass\n"})
    with pytest.raises(SolutionsFileError, match="the code for relu contains an exercise marker"):
        export_solutions({"relu": "# === exercise: sigmoid ===\n"})


# -- python -m pynet exercises ----------------------------------------------------------------
def test_cli_passes_a_file_of_reference_solutions(tmp_path, capsys):
    path = tmp_path / "solutions.py"
    path.write_text(export_solutions(SOLUTIONS), encoding="utf-8")
    main(["exercises", "check", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["exercise", "section", "result", "max", "error"]
    assert out[1].split()[:3] == ["mul_layer", "5.4.1", "pass"]
    assert out[-1] == "15 of 15 passed"


def test_cli_explains_failures_in_english_and_exits_with_1(tmp_path, capsys):
    path = tmp_path / "solutions.py"
    path.write_text(export_solutions({"relu": BOOKS_RELU, "sgd": SOLUTIONS["sgd"]}))
    with pytest.raises(SystemExit) as exited:
        main(["exercises", "check", str(path)])
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "relu               5.5.1    FAIL    7.0e-12" in out
    assert "    dout is left as it was: failed\n" in out
    assert "    mistake: backward wrote into its argument dout; leave it as it was" in out
    assert "sgd                6.1.2    pass    0.0e+00" in out
    missing = [name for name in EXERCISES if name not in ("relu", "sgd")]
    assert out.endswith(f"1 of 2 passed; not in the file: {', '.join(missing)}\n")


def test_cli_reports_errors_at_the_files_line(tmp_path, capsys):
    text = export_solutions({"relu": "class Relu:\n    def forward(self, x)\n        pass\n"})
    path = tmp_path / "solutions.py"
    path.write_text(text)
    with pytest.raises(SystemExit):
        main(["exercises", "check", str(path)])
    line = text.splitlines().index("    def forward(self, x)") + 1
    assert f"    error: line {line}: syntax error: expected ':'" in capsys.readouterr().out


def test_cli_stops_a_loop_that_never_ends_and_goes_on(tmp_path, capsys):
    looping = SOLUTIONS["relu"].replace(
        "self.mask = (x <= 0)", "while True:\n            pass\n        self.mask = (x <= 0)"
    )
    text = export_solutions({"relu": looping, "sigmoid": SOLUTIONS["sigmoid"]})
    path = tmp_path / "solutions.py"
    path.write_text(text)
    with pytest.raises(SystemExit):
        main(["exercises", "check", str(path), "--time-limit", "0.3"])
    out = capsys.readouterr().out
    loop = text.splitlines().index("        while True:") + 1
    stopped = re.search(
        r"    error: line (\d+): no result after 0.3 s: does a loop never end\?", out
    )
    assert int(stopped[1]) in (loop, loop + 1)  # stopped on the while or on the pass
    assert "sigmoid            5.5.2    pass" in out


def test_cli_refuses_a_file_that_is_not_a_solutions_file(tmp_path):
    path = tmp_path / "notes.py"
    path.write_text("print('hello')\n")
    with pytest.raises(SystemExit, match="error: no exercise found"):
        main(["exercises", "check", str(path)])


def test_cli_template_is_a_solutions_file_of_skeletons(tmp_path, capsys):
    main(["exercises", "template", "--out", str(tmp_path / "homework.py")])
    skeletons = import_solutions((tmp_path / "homework.py").read_text(encoding="utf-8"))
    assert skeletons == {name: exercise.skeleton for name, exercise in EXERCISES.items()}
    main(["exercises", "list"])
    listed = capsys.readouterr().out.splitlines()[1:]
    assert [line.split()[0] for line in listed] == list(EXERCISES)
