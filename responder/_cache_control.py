"""Building a ``Cache-Control`` response header from checked directives (RFC 9111 §5.2.2).

A leaf module: ``resp.cache_control(...)`` calls :func:`cache_control_value`
with its keywords, and a mistake (a negative age, ``public`` with ``private``,
a field name that is no token) is a ``ValueError`` where the view made it,
not a header a cache would misread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

__all__ = ["cache_control_value"]

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: The boolean directives, in the order they are written.
_FLAGS = (
    "public",
    "no_store",
    "no_transform",
    "must_revalidate",
    "proxy_revalidate",
    "must_understand",
    "immutable",
)
#: The directives holding a number of seconds.
_AGES = ("max_age", "s_maxage", "stale_while_revalidate", "stale_if_error")

Age = int | timedelta | None
Fields = bool | str | Iterable[str]


def cache_control_value(
    flags: dict[str, bool], ages: dict[str, Age], lists: dict[str, Fields]
) -> str:
    """The header value for these directives, names written with dashes.

    Args:
        flags: the boolean directives (``public``, ``no_store``, ...): True to include.
        ages: the directives with seconds (``max_age``, ...): None to leave out.
        lists: ``private`` and ``no_cache``: True, or field names they apply to.

    Raises:
        ValueError: no directive at all, a negative or fractional age,
            ``public`` together with ``private``, or a field name that is not a token.
        TypeError: an age that is not a whole number or a ``timedelta``.
    """
    parts = [name.replace("_", "-") for name in _FLAGS if flags.get(name)]
    for name in ("private", "no_cache"):
        value = lists.get(name, False)
        if value is True:
            parts.append(name.replace("_", "-"))
        elif value:
            parts.append(f'{name.replace("_", "-")}="{", ".join(_field_names(name, value))}"')
    for name in _AGES:
        seconds = _seconds(name, ages.get(name))
        if seconds is not None:
            parts.append(f"{name.replace('_', '-')}={seconds}")
    if not parts:
        raise ValueError("resp.cache_control() needs at least one directive.")
    if flags.get("public") and lists.get("private"):
        raise ValueError("A response cannot be both public and private.")
    return ", ".join(parts)


def _field_names(directive: str, value: str | Iterable[str]) -> list[str]:
    """The field names a ``private`` or ``no-cache`` directive names, each a token."""
    names = [value] if isinstance(value, str) else list(value)
    for name in names:
        if not isinstance(name, str) or _TOKEN.fullmatch(name) is None:
            raise ValueError(f"{directive}= takes header field names: {name!r} is not one.")
    return names


def _seconds(name: str, value: Age) -> int | None:
    """A directive's age as whole seconds, checked."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds != int(seconds):
            raise ValueError(f"{name} must be whole seconds, not {value!r}.")
        value = int(seconds)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number of seconds or a timedelta, not {value!r}.")
    if value < 0:
        raise ValueError(f"{name} cannot be negative: {value}.")
    return value
