"""Write it yourself, in the page: code typed into the editor is checked in the exercise
worker, named mistakes are explained, a runaway check is stopped, passing classes train
MNIST beside pynet's, and the work survives export, import and a reload."""

import re

import pytest
from actions import sel
from playwright.sync_api import expect

from pynet.exercises import EXERCISES, export_solutions

#: Seconds the exercise worker may take to start on a slow machine, plus the check.
FIRST_CHECK_MS = 60_000
#: "Use it" fetches MNIST the first time and trains two networks.
USE_MS = 120_000


def open_exercises(context, url):
    """The page with the exercises ready (the list and the editor; the engine may still be
    loading: the exercises need none of it)."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(f'{sel("exercises")}[data-ready="true"]', timeout=60_000)
    page.locator(sel("exercises")).scroll_into_view_if_needed()
    return page


@pytest.fixture
def exercises(context, site_url):
    return open_exercises(context, site_url)


def editor(page, name):
    """Open exercise ``name`` and find its editor as a person (or a screen reader) does:
    the text box labelled "Your <class>"."""
    page.click(sel(f"exercise-{name}"))
    return page.get_by_role("textbox", name=f"Your {EXERCISES[name].class_name}")


def clear_editor(page, name):
    editor(page, name).click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")


def type_code(page, name, source):
    """Type ``source`` key by key, as a person would. The editor indents a new line by
    itself: each line's own indentation is typed over what the editor put there."""
    clear_editor(page, name)
    for i, line in enumerate(source.rstrip("\n").split("\n")):
        if i:
            page.keyboard.press("Enter")
            page.keyboard.press("Shift+Home")  # select the editor's indentation
        if line:
            page.keyboard.type(line)
        else:
            page.keyboard.press("Delete")  # a blank line keeps no indentation


def paste_code(page, name, source):
    """Put ``source`` into the editor in one go, as pasting does."""
    clear_editor(page, name)
    page.keyboard.insert_text(source)


def editor_text(page):
    """The editor's text, from CodeMirror's own state (its view hangs on its content DOM)."""
    return page.evaluate(
        "document.querySelector('[data-testid=exercise-editor] .cm-content')"
        ".cmView.view.state.doc.toString()"
    )


def check(page, timeout=FIRST_CHECK_MS):
    """Press Check and wait for its report: the result element."""
    page.click(sel("exercise-check"))
    result = page.locator(sel("exercise-result"))
    expect(result).to_have_attribute("data-done", "true", timeout=timeout)
    return result


def status(page, name):
    return page.get_attribute(sel(f"exercise-{name}"), "data-status")


def edited(name, old, new):
    source = EXERCISES[name].solution
    assert old in source
    return source.replace(old, new)


def test_the_reference_solutions_typed_into_the_editor_pass(exercises):
    page = exercises
    for name in ("relu", "sgd"):  # typed key by key
        type_code(page, name, EXERCISES[name].solution)
        assert editor_text(page) == EXERCISES[name].solution.rstrip("\n")  # as typed
        result = check(page)
        expect(result).to_have_attribute("data-pass", "true")
        assert float(result.get_attribute("data-max-error")) < 1e-7
        assert status(page, name) == "pass"
    for name in EXERCISES.keys() - {"relu", "sgd"}:  # pasted, to keep the test short
        paste_code(page, name, EXERCISES[name].solution)
        expect(check(page), f"{name} passes").to_have_attribute("data-pass", "true")
        assert status(page, name) == "pass"
    checks = page.locator(f"{sel('exercise-result')} [data-check]")
    expect(checks.first).to_have_attribute("data-passed", "true")


WRONG = {
    "no transpose in Affine.backward": (
        "affine",
        edited("affine", "np.dot(dout, self.W.T)", "np.dot(dout, self.W)"),
        "missing_transpose",
        "dx is missing a transpose",
        "전치가 빠졌습니다",
    ),
    "no / batch_size in SoftmaxWithLoss.backward": (
        "softmax_with_loss",
        edited("softmax_with_loss", "(self.y - self.t) / batch_size", "self.y - self.t"),
        "missing_batch_division",
        "dx is N times too large: divide (y − t) by the batch size N",
        "배치 크기 N으로 나누세요",
    ),
    "the book's in-place Relu.backward": (
        "relu",
        edited(
            "relu",
            "dx = dout.copy()  # 책과 달리 dout은 그대로 둔다.\n        dx[self.mask] = 0",
            "dout[self.mask] = 0\n        dx = dout",
        ),
        "input_modified",
        "backward wrote into its argument dout",
        "backward에서 인수 dout의 값을 바꿨습니다",
    ),
    "Sigmoid.backward from x": (
        "sigmoid",
        "class Sigmoid:\n"
        "    def __init__(self):\n"
        "        self.x = None\n\n"
        "    def forward(self, x):\n"
        "        self.x = x\n"
        "        return 1 / (1 + np.exp(-x))\n\n"
        "    def backward(self, dout):\n"
        "        return dout * (1.0 - self.x) * self.x\n",
        "sigmoid_uses_x",
        "the sigmoid's gradient is dout·y·(1 − y)",
        "시그모이드의 기울기는",
    ),
}


def test_known_wrong_versions_fail_with_the_matching_explanation_in_the_students_language(
    exercises,
):
    page = exercises
    mistakes = page.locator(f"{sel('exercise-result')} [data-mistake]")
    for slip, (name, source, code, english, korean) in WRONG.items():
        paste_code(page, name, source)
        expect(check(page), slip).to_have_attribute("data-pass", "false")
        assert status(page, name) == "fail"
        expect(mistakes).to_have_count(1)
        assert mistakes.get_attribute("data-mistake") == code, slip
        expect(mistakes).to_contain_text(english)
        page.select_option(sel("lang"), "ko")
        expect(mistakes).to_contain_text(korean)
        page.select_option(sel("lang"), "en")
        if name == "affine":  # it also raises, at the student's line 15: dx = np.dot(dout, self.W)
            error = page.locator(f"{sel('exercise-result')} .ex-error")
            expect(error).to_contain_text("line 15, in backward: ValueError: shapes")
            marked = page.locator(f"{sel('exercise-editor')} .cm-error-line")
            expect(marked).to_have_text("        dx = np.dot(dout, self.W)")


def test_a_check_that_never_ends_is_stopped_and_the_next_check_works(exercises):
    page = exercises
    endless = "class Relu:\n    def forward(self, x):\n        while True:\n            pass\n"
    paste_code(page, "relu", endless)
    result = check(page)
    expect(result).to_have_attribute("data-pass", "false")
    expect(result.locator('[data-error="timeout"]')).to_contain_text("no result after 5 s")
    expect(page.locator(sel("exercise-message"))).to_contain_text("stopped after 5 s")
    paste_code(page, "relu", EXERCISES["relu"].solution)
    expect(check(page)).to_have_attribute("data-pass", "true")


def test_students_affine_relu_and_softmax_with_loss_train_mnist_as_pynets_own_do(exercises):
    page = exercises
    for name in ("affine", "relu", "softmax_with_loss"):
        paste_code(page, name, EXERCISES[name].solution)
        expect(check(page)).to_have_attribute("data-pass", "true")
    page.click(sel("exercise-use"))
    run = page.locator(sel("exercise-use-result"))
    expect(run).to_have_attribute("data-done", "true", timeout=USE_MS)
    expect(run).to_be_visible()
    expect(run).to_contain_text("Your classes in the network: Affine, Relu, SoftmaxWithLoss.")
    students = float(run.get_attribute("data-student-accuracy"))
    assert students == float(run.get_attribute("data-pynet-accuracy"))
    assert students > 0.5  # one epoch on 2,000 images: it learnt
    assert float(run.get_attribute("data-weight-difference")) < 1e-9


def test_export_reset_and_import_bring_the_code_back_unchecked(exercises, tmp_path):
    page = exercises
    relu = EXERCISES["relu"].solution
    sigmoid = edited("sigmoid", "self.out = out", "self.out = out  # kept for backward")
    paste_code(page, "sigmoid", sigmoid)
    paste_code(page, "relu", relu)
    expect(check(page)).to_have_attribute("data-pass", "true")
    with page.expect_download() as download:
        page.click(sel("exercise-export"))
    path = tmp_path / "solutions.py"
    download.value.save_as(path)
    assert path.read_text() == export_solutions({"relu": relu, "sigmoid": sigmoid})

    page.click(sel("exercise-reset"))
    assert editor_text(page) == EXERCISES["relu"].skeleton
    assert status(page, "relu") == "todo"
    page.set_input_files(sel("exercise-import"), str(path))
    expect(page.locator(sel("exercise-message"))).to_contain_text("Imported 2 solutions")
    assert editor_text(page) == relu
    assert status(page, "relu") == "todo"  # imported code has not run
    page.click(sel("exercise-sigmoid"))
    assert editor_text(page) == sigmoid

    bad = tmp_path / "bad.py"
    bad.write_text("# === exercise: lstm ===\nclass LSTM:\n    pass\n")
    page.set_input_files(sel("exercise-import"), str(bad))
    expect(page.locator(sel("exercise-message"))).to_contain_text(
        "Not imported: there is no exercise called lstm"
    )
    assert editor_text(page) == sigmoid


def test_the_solution_can_be_shown_after_an_attempt_and_the_work_survives_a_reload(exercises):
    page = exercises
    reveal = page.locator(sel("exercise-reveal"))
    wrong = WRONG["no transpose in Affine.backward"][1]
    paste_code(page, "affine", wrong)
    expect(reveal).to_be_disabled()  # not before the student has tried
    check(page)
    started = "class Relu:\n    pass  # started\n"
    paste_code(page, "relu", started)
    page.reload()
    page.wait_for_selector(f'{sel("exercises")}[data-ready="true"]', timeout=60_000)
    assert editor_text(page) == started  # the exercise left open, as it was left
    assert status(page, "affine") == "fail" and status(page, "relu") == "todo"
    page.click(sel("exercise-affine"))
    assert editor_text(page) == wrong
    reveal.click()
    expect(page.locator(sel("exercise-solution"))).to_be_visible()
    shown = page.locator(sel("exercise-solution-code")).text_content()
    assert shown == EXERCISES["affine"].solution


def test_a_teacher_turns_the_solutions_off_with_reveal_off(context, site_url):
    page = open_exercises(context, site_url + "?reveal=off")
    expect(page.locator(sel("exercise-reveal"))).to_be_hidden()
    expect(page.locator(sel("exercise-reveal-off"))).to_have_text(
        re.compile("turned off showing the solutions")
    )
    page.click('[data-lab-tab="init"]')  # the page rewrites its address...
    expect(page).to_have_url(re.compile(r"\?reveal=off#"))  # ...and keeps the teacher's query
