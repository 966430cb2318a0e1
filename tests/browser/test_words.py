"""One language at a time: what pynet and the workers report is worded by the page, in the
student's language, and worded again when the language changes."""

from actions import sel
from test_page import set_fields, wait_done


def test_a_form_error_is_said_in_korean_and_reworded_on_a_switch(page):
    set_fields(page, learning_rate="-0.1", epochs="٣")  # an Arabic-Indic 3 is a fine 3
    page.click(sel("train-start"))
    error = page.locator('[data-error-for="learning-rate"]')
    error.wait_for()
    assert error.inner_text() == "learning rate must be a positive number, got -0.1"
    assert page.inner_text('[data-error-for="epochs"]') == ""

    page.select_option(sel("lang"), "ko")
    assert error.inner_text() == "학습률은(는) 양수여야 합니다. 입력: -0.1"
    assert page.inner_text(sel("train-message")) != "Please fix the highlighted values."


def test_a_diverged_run_is_explained_in_korean(page):
    page.select_option(sel("lang"), "ko")
    set_fields(page, optimizer="sgd", learning_rate="100000", train_size=1000, epochs=1)
    page.click(sel("train-start"))
    assert wait_done(page) == "diverged"
    text = page.inner_text(sel("progress-text"))
    assert "번째 반복에서 발산했습니다" in text and "학습률을 줄여 보세요" in text
