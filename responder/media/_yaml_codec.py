"""The YAML work behind :class:`~responder.media.yaml_handler.YAMLHandler`, loaded on first use.

PyYAML takes several milliseconds to import; an app that never reads or
writes YAML should not pay for it at start-up, so the handler imports this
module only when a YAML body arrives or is sent.
"""

from __future__ import annotations

import datetime
import functools
import math
import sys
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from ..errors import MediaMalformedError
from .plain import encode_error, to_plain

__all__ = ["dump", "load"]

# PERF: libyaml's C loader and dumper are an order of magnitude faster.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader, with scalar constructors that refuse what they cannot build.

    PyYAML's own raise ``ValueError``, ``KeyError`` or ``AttributeError`` for
    ``2001-13-45``, ``!!int abc`` or ``!!bool maybe``, and build values no
    format can write back: ``.nan``, ``.inf``, and integers too long for
    Python to turn into text. These raise a ``ConstructorError`` with the
    line and column instead.
    """


Construct = Callable[[Any, Any], Any]


def _checked(kind: str, construct: Construct, check: Callable[[Any], str | None]) -> Construct:
    def checked_constructor(loader: Any, node: Any) -> Any:
        try:
            value = construct(loader, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            raise ConstructorError(
                None, None, f"cannot read {str(node.value)[:40]!r} as {kind}", node.start_mark
            ) from None
        problem = check(value)
        if problem:
            raise ConstructorError(None, None, problem, node.start_mark)
        return value

    return checked_constructor


def _construct_int(loader: Any, node: Any) -> Any:
    # PERF: refused before converting: sexagesimal (1:2:3...) costs quadratic time.
    limit = sys.get_int_max_str_digits()
    if limit and len(str(node.value).replace("_", "")) > limit + 3:  # sign and 0x
        raise ConstructorError(
            None, None, f"an integer is longer than {limit} digits", node.start_mark
        )
    value: int = _BaseLoader.construct_yaml_int(loader, node)
    return value


def _int_problem(value: int) -> str | None:
    limit = sys.get_int_max_str_digits()
    if limit and abs(value) >= _power_of_ten(limit):
        return f"an integer has more than {limit} decimal digits"
    return None


@functools.lru_cache(maxsize=4)
def _power_of_ten(exponent: int) -> int:
    power: int = 10**exponent
    return power


def _float_problem(value: float) -> str | None:
    return None if math.isfinite(value) else f"{value} is not a number JSON can carry"


def _no_problem(value: Any) -> None:
    return None


for _tag, _kind, _construct, _check in (
    ("int", "an integer", _construct_int, _int_problem),
    ("float", "a float", _BaseLoader.construct_yaml_float, _float_problem),
    ("bool", "a boolean", _BaseLoader.construct_yaml_bool, _no_problem),
    ("timestamp", "a timestamp", _BaseLoader.construct_yaml_timestamp, _no_problem),
):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _checked(_kind, _construct, _check))


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """A safe dumper that writes other types as :mod:`responder.media.plain` says."""


def _represent_plain(dumper: Any, data: Any) -> Any:
    return dumper.represent_data(to_plain(data))


_Dumper.add_representer(tuple, lambda d, v: d.represent_list(list(v)))
# The safe dumper has its own forms for these (YAML timestamps, !!set); replaced
# so that a YAML client gets the same values as a JSON one.
for _type in (set, datetime.date, datetime.datetime):
    _Dumper.add_representer(_type, _represent_plain)
_Dumper.add_multi_representer(object, _represent_plain)


def _yaml_writes(value: Any) -> bool:
    return value is None or isinstance(value, (str, bytes, int, float))


def dump(obj: Any) -> bytes:
    """``obj`` as block-style YAML, keys in their given order.

    Raises:
        TypeError: part of ``obj`` cannot be written; the message names where.
    """
    try:
        text: str = yaml.dump(
            obj, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False
        )
    except (TypeError, ValueError, RecursionError, yaml.YAMLError) as exc:
        raise encode_error(obj, "YAML", _yaml_writes, exc) from exc
    return text.encode("utf-8")


def load(text: str, max_depth: int, max_nodes: int) -> Any:
    """One YAML document, checked against the limits; anything unsafe or malformed is a 400."""
    try:
        if not _provably_small(text, max_depth, max_nodes):
            _check_shape(text, max_depth, max_nodes)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - the safe loader
    except yaml.MarkedYAMLError as exc:
        raise MediaMalformedError(
            title="Malformed YAML", detail=f"The request body is not valid YAML: {_where(exc)}"
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # Besides YAML errors: anything else the loader raises is the document's
        # doing too (the scalar constructors are checked above; this is the net).
        raise MediaMalformedError(
            title="Malformed YAML", detail=f"The request body is not valid YAML: {exc}"
        ) from None


def _provably_small(text: str, max_depth: int, max_nodes: int) -> bool:
    """Whether ``text`` cannot break a limit, judged from character counts alone.

    PERF: the event scan costs about as much as loading a small document.
    Every collection needs one of ``[ { : - ?`` to open, so their count
    bounds the depth; without ``*`` there are no aliases to expand; and
    no node takes less than one character. Most API bodies pass this test.
    """
    if "*" in text or len(text) > max_nodes:
        return False
    indicators = sum(text.count(c) for c in "[{:-?")
    return indicators <= max_depth


def _check_shape(text: str, max_depth: int, max_nodes: int) -> None:
    """Walk the parser's events counting depth and expanded size, before building anything."""
    anchors: dict[str, int] = {}  # anchor -> nodes it expands to
    open_collections: list[tuple[str | None, int]] = []  # (anchor, count when opened)
    expanded = documents = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise MediaMalformedError(
                    title="Malformed YAML", detail="Send one YAML document, not a stream."
                )
        elif isinstance(event, yaml.CollectionStartEvent):
            expanded += 1
            open_collections.append((event.anchor, expanded))
            if len(open_collections) > max_depth:
                raise _limit(f"nests deeper than {max_depth} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, opened_at = open_collections.pop()
            if anchor:
                anchors[anchor] = expanded - opened_at + 1
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor:
                anchors[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            expanded += _alias_size(event.anchor or "", anchors, open_collections)
        if expanded > max_nodes:
            raise _limit(f"expands to more than {max_nodes} nodes")


def _alias_size(anchor: str, anchors: dict[str, int], open_collections: list[Any]) -> int:
    """The nodes an alias expands to; an alias inside the collection it names is refused."""
    if any(opened == anchor for opened, _ in open_collections):
        raise MediaMalformedError(
            title="Malformed YAML",
            detail=f"The alias *{anchor} refers to a collection that holds it: "
            "no other format can write a value that contains itself.",
        )
    return anchors.get(anchor, 1)


def _limit(what: str) -> MediaMalformedError:
    return MediaMalformedError(title="YAML document too large", detail=f"The document {what}.")


def _where(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or exc.context or "syntax error"
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return str(problem)
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
