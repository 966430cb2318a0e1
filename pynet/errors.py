"""Errors the page can put into the student's language: a code, its values, a sentence.

The page shows its words in Korean or English, so it cannot show pynet's English sentence
as it is. Instead an error carries ``code`` (which sentence) and ``params`` (the values the
sentence names); the page looks the code up among its own strings and fills the values in.
The English ``message`` (``str(error)``) is for the command line, tests and tracebacks.
"""


class CodedError(ValueError):
    """A ValueError with a ``code`` and ``params`` the page translates.

    Each subclass lists its codes with their English sentences in ``MESSAGES``; a sentence
    names its params in braces, as ``str.format`` fills them. Params are plain JSON values
    (str, int, float, lists of them), so ``to_json()`` can cross to the page as it is.
    """

    MESSAGES: dict[str, str] = {}

    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params
        super().__init__(self.MESSAGES[code].format(**params))

    def to_json(self) -> dict:
        """``{"code": ..., "params": {...}, "message": "the English sentence"}``."""
        return {"code": self.code, "params": self.params, "message": str(self)}
