"""Route parameter convertors: text from the path to a value, and a value back to text.

Each API gets its own table from :func:`make_convertors`, so its number
length limit is its own. A convertor refuses (``ValueError``) what it would
not turn back into the same text: a refused segment is a 404 like any path
no route matches, and ``url_for`` refuses a value it could only write as a
path that leads elsewhere.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._lazy import compiled_on_first_use, imported_on_first_use
from .._records import record

if TYPE_CHECKING:
    import uuid
else:  # PERF: about 3 ms to load (with ``platform``), for apps with no ``uuid`` route
    uuid = imported_on_first_use("uuid", "uuid", globals())

__all__ = ["CONVERTORS", "DEFAULT_MAX_NUMBER_LENGTH", "Convertor", "make_convertors"]

#: Characters an ``int`` or ``float`` parameter may have: far past any real id or amount.
DEFAULT_MAX_NUMBER_LENGTH = 64


@record(frozen=True)
class Convertor:
    """Turns one path parameter from text into a value and back.

    Args:
        name: the name used in templates (``{id:int}``).
        regex: what the parameter matches, for mixed segments and ``path``.
        to_python: parses the matched text; raises ``ValueError`` to reject it.
        to_string: writes a value as the text ``to_python`` reads back to it;
            raises ``ValueError`` or ``TypeError`` for a value it cannot write.
    """

    name: str
    regex: str
    to_python: Callable[[str], Any]
    to_string: Callable[[Any], str] = str


_FLOAT_TEXT = r"[0-9]+(?:\.[0-9]+)?"
_UUID_TEXT = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_FLOAT: re.Pattern[str] = compiled_on_first_use("_FLOAT", _FLOAT_TEXT, globals())
_UUID: re.Pattern[str] = compiled_on_first_use("_UUID", _UUID_TEXT, globals())


def _to_str(text: str) -> str:
    if text and "/" not in text:
        return text
    raise ValueError(text)


def _to_uuid(text: str) -> uuid.UUID:
    if _UUID.fullmatch(text):
        return uuid.UUID(text)
    raise ValueError(text)


def _int_to_string(value: Any) -> str:
    # operator.index refuses floats: 5.7 must not quietly become /items/5.
    return str(int(value) if isinstance(value, str) else operator.index(value))


def _float_to_string(value: Any) -> str:
    """The shortest text that reads back to ``value``, in the positional form the route matches."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    text = repr(number + 0.0)  # + 0.0 turns -0.0 into 0.0
    if "e" in text:  # 1e+20, 5e-07: written out, since the route matches digits only
        from decimal import Decimal  # rare: not worth loading at start-up

        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


def _uuid_to_string(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def make_convertors(max_number_length: int = DEFAULT_MAX_NUMBER_LENGTH) -> dict[str, Convertor]:
    """The convertor table of one API: ``str``, ``int``, ``float``, ``uuid`` and ``path``.

    Args:
        max_number_length: the most characters an ``int`` or ``float``
            parameter may have; a longer one does not match.

    Raises:
        ValueError: ``max_number_length`` is not a positive integer.
    """
    limit = max_number_length
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"max_number_param_length must be a positive integer, not {limit!r}.")

    def to_int(text: str) -> int:
        # PERF: length and isdigit are far cheaper than a regex; isascii rules out "²".
        if len(text) <= limit and text.isascii() and text.isdigit():
            return int(text)
        raise ValueError(text)

    def to_float(text: str) -> float:
        if len(text) <= limit and _FLOAT.fullmatch(text):
            number = float(text)
            if math.isfinite(number):  # 400 digits read as inf: not a value a view can use
                return number
        raise ValueError(text)

    return {
        "str": Convertor("str", "[^/]+", _to_str),
        "int": Convertor("int", "[0-9]+", to_int, _int_to_string),
        "float": Convertor("float", _FLOAT_TEXT, to_float, _float_to_string),
        "uuid": Convertor("uuid", _UUID_TEXT, _to_uuid, _uuid_to_string),
        "path": Convertor("path", ".*", str),
    }


#: The table templates use when none is given (``DEFAULT_MAX_NUMBER_LENGTH``).
CONVERTORS = make_convertors()
