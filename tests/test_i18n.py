"""The page's words (web/page/i18n.py) against pynet's: every error pynet can raise has a
Korean sentence that names the same values, and every quantity it names has Korean words."""

import re
import sys
import types

from pynet.errors import MESSAGES, NAMES
from pynet.expression import ExpressionError
from pynet.netstep import NetStepError

for module in ("js", "pyscript"):
    sys.modules.setdefault(module, types.ModuleType(module))
sys.modules["pyscript"].document = None

import i18n  # noqa: E402


def fields(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)", template))


#: Each table of pynet's sentences by the page's name for it ("" for the shared codes;
#: ExpressionError's table holds GraphError's).
TABLES = {"": MESSAGES, "graph": ExpressionError.MESSAGES, "netstep": NetStepError.MESSAGES}


def korean_table(table: str) -> dict[str, str]:
    """The page's Korean sentences for one of pynet's tables, by code."""
    prefix = f"{table}:" if table else ""
    return {
        key[len(prefix) :]: sentence
        for key, sentence in i18n.ERRORS["ko"].items()
        if key.startswith(prefix) and (table or ":" not in key)
    }


def test_every_pynet_error_has_a_korean_sentence_with_the_same_fields():
    assert sum(len(messages) for messages in TABLES.values()) == len(i18n.ERRORS["ko"])
    for table, english in TABLES.items():
        korean = korean_table(table)
        assert set(korean) == set(english), table
        assert {code for code in english if fields(korean[code]) != fields(english[code])} == set()


def test_every_quantity_an_error_names_has_korean_words():
    assert set(i18n.QUANTITIES["ko"]) == set(NAMES)


def test_both_languages_have_the_same_page_strings():
    assert set(i18n.STRINGS["ko"]) == set(i18n.STRINGS["en"])
