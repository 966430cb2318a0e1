"""The page's words (web/page/i18n.py) against pynet's: every error pynet can raise has a
Korean sentence that names the same values, and every quantity it names has Korean words."""

import re
import sys
import types

from pynet.errors import MESSAGES, NAMES

for module in ("js", "pyscript"):
    sys.modules.setdefault(module, types.ModuleType(module))
sys.modules["pyscript"].document = None

import i18n  # noqa: E402


def fields(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)", template))


def test_every_pynet_error_has_a_korean_sentence_with_the_same_fields():
    korean = i18n.ERRORS["ko"]
    assert set(korean) == set(MESSAGES)
    assert {code for code in MESSAGES if fields(korean[code]) != fields(MESSAGES[code])} == set()


def test_every_quantity_an_error_names_has_korean_words():
    assert set(i18n.QUANTITIES["ko"]) == set(NAMES)


def test_both_languages_have_the_same_page_strings():
    assert set(i18n.STRINGS["ko"]) == set(i18n.STRINGS["en"])
