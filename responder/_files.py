"""Paths kept inside a root directory, and ``Content-Disposition`` values that cannot inject.

A leaf module shared by static files (``StaticFiles``) and the response's
``file``/``stream_file``/``download`` with ``root=``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from urllib.parse import quote

__all__ = ["content_disposition", "safe_join"]

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: Control characters (CR, LF and NUL among them): never part of a header value.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_join(root: str | os.PathLike[str], relative: str | os.PathLike[str]) -> str | None:
    """``root/relative`` when it exists as a file inside ``root``, else None.

    Symlinks and ``..`` are resolved before the check, and backslashes and NUL
    bytes are refused, so no spelling of a path reaches outside the root. An
    absolute ``relative`` is read as relative to the root.
    """
    relative = os.fspath(relative)
    if "\x00" in relative or "\\" in relative:
        return None
    root_real = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(root_real, relative.lstrip("/")))
    if os.path.commonpath([root_real, candidate]) != root_real:
        return None
    return candidate if os.path.isfile(candidate) else None


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A ``Content-Disposition`` value naming ``filename`` safely (RFC 6266).

    Control characters (CR, LF, NUL, ...) are removed, so the value can never
    end the header or start another. ``filename=`` is a quoted string of ASCII
    (accents dropped, other characters as ``_``) with quotes and
    backslashes escaped; a name that is not a plain token also gets ``filename*=``, the
    exact name in UTF-8 (RFC 8187, formerly 5987), which browsers prefer.
    """
    name = _CONTROL.sub("", filename).strip() or "download"
    fallback = "".join(map(_ascii, name))
    escaped = fallback.replace("\\", "\\\\").replace('"', '\\"')
    value = f'{disposition}; filename="{escaped}"'
    if _TOKEN.fullmatch(name) is None:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def _ascii(char: str) -> str:
    """One character for the ASCII ``filename=``: itself, its unaccented letter, or ``_``."""
    if ord(char) < 128:
        return char
    return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii") or "_"
