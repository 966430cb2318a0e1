"""The page's words for the exercises' reports: every code pynet's checker can send has a
sentence in English and in Korean, with the values pynet gives it (web/page/i18n.py,
read natively: it needs only a stand-in for PyScript's ``document``)."""

import string
import sys
import types

import pytest

sys.modules.setdefault("pyscript", types.ModuleType("pyscript"))
if not hasattr(sys.modules["pyscript"], "document"):
    sys.modules["pyscript"].document = None

import i18n  # noqa: E402

from pynet.exercises import ENGLISH, FAILURE_DETAILS  # noqa: E402


def fields(template: str) -> set[str]:
    """The placeholders of a template, without format specs: "{expected:.0%}" → expected."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


PAGE_KEYS = [("exm_" + code, template) for code, template in ENGLISH.items()] + [
    ("exd_" + key, template) for key, template in FAILURE_DETAILS.items()
]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("key, english", PAGE_KEYS, ids=[key for key, _ in PAGE_KEYS])
def test_every_code_of_the_checker_has_words_with_pynets_values(lang, key, english):
    assert key in i18n.STRINGS[lang]
    assert fields(i18n.STRINGS[lang][key]) == fields(english)


def test_every_exercise_string_has_a_korean_twin_with_the_same_values():
    english = {k: v for k, v in i18n.STRINGS["en"].items() if k.startswith(("ex_", "exm_", "exd_"))}
    korean = i18n.STRINGS["ko"]
    assert {key: fields(text) for key, text in english.items()} == {
        key: fields(korean[key]) for key in english
    }
