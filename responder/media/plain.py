"""Plain data: how every built-in format writes the Python types it has no word for.

JSON, YAML and MessagePack all know dicts, lists, strings, numbers, booleans
and ``None``. Anything else a view puts in ``resp.media`` is turned into those
by :func:`to_plain`, the same way for every format, so a client gets the same
values whichever format it asked for:

- any ``Mapping`` (``req.params``, ``req.headers``): a dict, one value per
  key (the one ``m[key]`` gives);
- a dataclass instance: a dict of its fields;
- a pydantic model: ``model_dump(mode="json")``;
- ``datetime``, ``date``, ``time``: ISO 8601 text;
- ``UUID``: its canonical text;
- ``Decimal``: its exact text (``"19.90"``), never a float;
- an ``Enum`` member: its value;
- ``set``, ``frozenset``: a list, sorted when its items can be compared;
- ``bytes``, ``bytearray``: base64 text (RFC 4648, padded), for formats without
  a binary type (JSON); YAML and MessagePack write bytes as their own binary;
- a subclass of ``str``, ``int``, ``float``, ``list`` or ``tuple``: the base type.

PERF: each encoder calls :func:`to_plain` only for a value it cannot write
itself (``default=`` for orjson, the stdlib and msgpack; a representer for
YAML), so a body of plain dicts and lists never reaches this module.

When an encoder still fails, :func:`encode_error` walks the value (slowly: it
is the failure path) to say where the bad value is and what type it has.
"""

from __future__ import annotations

import base64
import enum
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["encode_error", "plain_keys", "to_plain"]

_BASES: tuple[type[Any], ...] = (str, int, float, list, tuple)


def to_plain(obj: Any) -> Any:
    """Turn one value no format knows into plain data, one level deep.

    The result may itself hold values that need converting; every encoder
    calls this again for those.

    Raises:
        TypeError: no built-in format can write this type.
    """
    if isinstance(obj, enum.Enum):  # before the bases: a StrEnum is also a str
        return obj.value
    if isinstance(obj, Mapping):
        return dict(obj)
    # PERF: a date, UUID, Decimal or dataclass instance exists only once its
    # module is imported, so each is read from sys.modules: responder itself
    # imports none of the first three (about 6 ms together at start-up).
    modules = sys.modules
    datetime = modules.get("datetime")
    if datetime is not None and isinstance(obj, (datetime.date, datetime.time)):
        return obj.isoformat()
    uuid = modules.get("uuid")
    if uuid is not None and isinstance(obj, uuid.UUID):
        return str(obj)
    decimal = modules.get("decimal")
    if decimal is not None and isinstance(obj, decimal.Decimal):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return _set_items(obj)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return base64.b64encode(obj).decode("ascii")
    dataclasses = modules.get("dataclasses")
    if dataclasses is not None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # Shallow, unlike dataclasses.asdict: nested values are converted by
        # the encoder as it reaches them, and nothing is deep-copied.
        return {field.name: getattr(obj, field.name) for field in dataclasses.fields(obj)}
    # PERF: a value can only be a pydantic model if pydantic is imported, so
    # apps without pydantic never pay for importing it.
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(obj, pydantic.BaseModel):
        return obj.model_dump(mode="json")
    for base in _BASES:
        if isinstance(obj, base):
            return base(obj)
    raise TypeError(f"Object of type {type(obj).__name__} has no plain-data form")


def plain_keys(obj: Any) -> Any:
    """A copy of ``obj`` whose dict keys are all ones the standard ``json`` module writes.

    The slow path for JSON: orjson writes date and UUID keys itself, but the
    standard library (used for integers beyond 64 bits) knows only ``str``,
    ``int``, ``float``, ``bool`` and ``None``; other keys (dates, bytes) are
    converted with :func:`to_plain`. Values are left to the encoder.
    """
    if isinstance(obj, Mapping):
        return {_plain_key(key): plain_keys(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain_keys(item) for item in obj]
    return obj


def _plain_key(key: Any) -> Any:
    for _ in range(3):  # an Enum's value may itself need converting, once or twice
        if key is None or isinstance(key, (str, int, float)):
            return key
        key = to_plain(key)
    raise TypeError(f"Keys of type {type(key).__name__} have no plain-data form")


def _set_items(items: set[Any] | frozenset[Any]) -> list[Any]:
    # Sorted so that one set always gives one body (set order varies between runs).
    try:
        return sorted(items)
    except TypeError:
        return list(items)


def encode_error(
    obj: Any, format_name: str, writes: Callable[[Any], bool], cause: BaseException
) -> TypeError:
    """The error for a ``resp.media`` value an encoder refused, naming where and what.

    Args:
        obj: the whole value that failed to encode.
        format_name: the format's name for the message (``"JSON"``).
        writes: whether the format writes a leaf value as it is.
        cause: what the encoder raised, quoted when the walk finds no culprit.
    """
    found = _find_unencodable(obj, writes)
    if found is None:
        return TypeError(f"resp.media: cannot encode the value as {format_name}: {cause}")
    what, path, value = found
    where = f"at {path}" if path else "at the top level"
    return TypeError(
        f"resp.media: cannot encode {what} {where} of type {type(value).__name__} as {format_name}"
    )


def _find_unencodable(obj: Any, writes: Callable[[Any], bool]) -> tuple[str, str, Any] | None:
    """The first (kind, key path, value) that neither the format nor :func:`to_plain` handles."""
    seen: set[int] = set()
    alive: list[Any] = []  # keeps converted values alive, so that their ids stay unique
    stack: list[tuple[Any, str]] = [(obj, "")]
    while stack:
        value, path = stack.pop()
        if writes(value) or id(value) in seen:
            continue  # a value seen before was checked then (and may be a cycle)
        seen.add(id(value))
        alive.append(value)
        if isinstance(value, dict):
            items = list(value.items())
            for key, _ in items:
                if not (writes(key) or _convertible(key)):
                    return "key", path + _step(key), key
            stack.extend((item, path + _step(key)) for key, item in reversed(items))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, f"{path}[{i}]") for i, item in reversed(list(enumerate(value))))
        else:
            try:
                plain = to_plain(value)
            except (TypeError, ValueError):
                return "value", path, value
            if type(plain) is type(value):  # already plain, yet refused (an int too big)
                return "value", path, value
            stack.append((plain, path))
    return None


def _convertible(key: Any) -> bool:
    try:
        to_plain(key)
    except (TypeError, ValueError):
        return False
    return True


def _step(key: Any) -> str:
    return f"[{json.dumps(key, ensure_ascii=False)}]" if isinstance(key, str) else f"[{key!r}]"
