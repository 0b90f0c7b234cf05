"""Checks on decoded bodies: what a parser accepts but no built-in encoder writes back.

A body decoded by one handler may be echoed in another format (``resp.media =
await req.media()`` with a different ``Accept``), so a decoder must produce
only values that JSON, YAML and MessagePack can all write. Parsers let a few
through: nesting deeper than the encoders recurse, ``inf`` and ``nan`` (JSON
has no word for them), and lone surrogates (no UTF-8 encoder writes them).
The handlers refuse those with a 400, using the functions here.

PERF: :func:`find_unwritable` is a Python walk over every value, several
times the cost of parsing, so the handlers first try tests that run at C
speed: counting brackets, searching the raw bytes, or letting orjson (whose
writer stops at :data:`MAX_DEPTH` levels) try to write the value.
"""

from __future__ import annotations

import math
import re
from itertools import chain
from typing import TYPE_CHECKING, Any

from .._lazy import imported_on_first_use

if TYPE_CHECKING:
    import orjson
else:  # PERF: about 5 ms to load; a hello app never writes or reads JSON.
    orjson = imported_on_first_use("orjson", "orjson", globals())

__all__ = ["MAX_DEPTH", "check_depth", "find_unwritable", "has_surrogate"]

#: The deepest nesting orjson writes; JSON and MessagePack bodies may not go
#: deeper, and YAML's writer (which recurses in Python) manages a little more.
MAX_DEPTH = 254

# PERF: compiled on first use (re caches it), not at import: only rare paths ask.
_SURROGATE = "[\ud800-\udfff]"


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (which no UTF-8 encoder can write)."""
    return re.search(_SURROGATE, text) is not None


def check_depth(value: Any, max_depth: int) -> str | None:
    """Say how ``value`` nests too deep for ``max_depth``, or None when it does not.

    At the default limit orjson answers at C speed: it refuses to write
    anything deeper. Only when it refuses (too deep, or a key it has no form
    for) or the limit is lower is the value walked.
    """
    if max_depth == MAX_DEPTH and orjson is not None:
        try:
            orjson.dumps(value, default=_anything, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:
            pass
        else:
            return None
    return find_unwritable(value, max_depth)


def _anything(value: Any) -> None:
    return None  # only the nesting is being checked, not how values are written


def find_unwritable(
    value: Any, max_depth: int, *, floats: bool = False, strings: bool = False
) -> str | None:
    """Say what in ``value`` cannot be written back, or None when everything can.

    Args:
        value: a decoded body: dicts, lists and scalars.
        max_depth: the deepest nesting of dicts and lists allowed (the
            outermost counts as 1).
        floats: also refuse ``inf`` and ``nan``, as keys or values.
        strings: also refuse strings holding lone surrogates, as keys or values.

    Returns:
        A phrase completing "The document ...", or None.
    """
    scalars = floats or strings
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            depth += 1
            if depth > max_depth:
                return f"nests deeper than {max_depth} levels"
            children: Any = item
            if isinstance(item, dict):
                children = chain(item.keys(), item.values()) if scalars else item.values()
            # PERF: scalars are checked here rather than pushed, so most values
            # cost one type test.
            for child in children:
                if isinstance(child, (dict, list)):
                    stack.append((child, depth))
                elif scalars and (problem := _scalar_problem(child, floats, strings)):
                    return problem
        elif scalars and (problem := _scalar_problem(item, floats, strings)):
            return problem
    return None


def _scalar_problem(value: Any, floats: bool, strings: bool) -> str | None:
    if floats and type(value) is float and not math.isfinite(value):
        return f"holds the number {value}, which JSON cannot carry"
    if strings and type(value) is str and has_surrogate(value):
        return "holds a lone surrogate (half of a UTF-16 pair), which is not text"
    return None
