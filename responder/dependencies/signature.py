"""Reading a callable's signature once: each parameter's type and the markers attached to it.

Shared by the dependency graph and the parameter plan. A marker is found
either as the default (``q: int = Query(1)``) or in ``Annotated[int, Query()]``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any

from .._records import record

__all__ = ["Declared", "callable_name", "declares_nothing", "read_signature"]

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_KEYWORDS = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@record(frozen=True)
class Declared:
    """One parameter as written.

    Attributes:
        name: the parameter's name.
        annotation: its type with ``Annotated`` markers removed (other
            metadata, such as pydantic constraints, kept); None when unannotated.
        marker: the marker found in the default or in ``Annotated`` (a
            ``Param`` or ``Depends``), else None.
        default: the Python default, ``inspect.Parameter.empty`` when none
            (a marker used as the default is not a default).
        keyword: whether it can be passed by keyword.
    """

    name: str
    annotation: Any
    marker: Any
    default: Any
    keyword: bool

    @property
    def has_default(self) -> bool:
        """Whether the signature gives a default value (not counting a marker)."""
        return self.default is not inspect.Parameter.empty


def read_signature(
    fn: Callable[..., Any], leading: int, is_marker: Callable[[Any], bool]
) -> tuple[list[Declared], bool] | None:
    """The parameters after the first ``leading`` positional ones, and whether it takes ``**kw``.

    None when the callable has no signature Python can read (builtins).
    """
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    hints = _hints(fn)
    parameters = list(signature.parameters.values())
    index = _past_leading(parameters, leading)
    found: list[Declared] = []
    var_keyword = False
    for parameter in parameters[index:]:
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            var_keyword = True
            continue
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        raw = hints.get(parameter.name, parameter.annotation)
        annotation, marker = _split(None if raw is inspect.Parameter.empty else raw, is_marker)
        default = parameter.default
        if is_marker(default):
            marker, default = default, inspect.Parameter.empty
        keyword = parameter.kind in _KEYWORDS
        found.append(Declared(parameter.name, annotation, marker, default, keyword))
    return found, var_keyword


def declares_nothing(fn: Callable[..., Any], leading: int) -> bool:
    """Whether ``fn`` takes nothing past its ``leading`` positionals: no plan, told cheaply.

    What :func:`read_signature` would find no parameter in, without evaluating
    type hints, so that a plain ``view(req, resp)`` is routed without loading
    the parameter planner. A string ``Annotated[...]`` annotation is left to
    :func:`read_signature`, which reports one it cannot read.
    """
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    annotations = getattr(inspect.unwrap(fn), "__annotations__", None) or {}
    if any(isinstance(a, str) and "Annotated[" in a for a in annotations.values()):
        return False
    return _past_leading(parameters, leading) == len(parameters)


def _past_leading(parameters: list[inspect.Parameter], leading: int) -> int:
    """The index of the first parameter after the ``leading`` positional ones."""
    index = 0
    while index < min(leading, len(parameters)) and parameters[index].kind in _POSITIONAL:
        index += 1
    return index


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """The evaluated annotations (string annotations resolved), one by one if need be.

    An annotation naming what only a type checker sees is left out (read as
    unannotated), unless it is an ``Annotated[...]``, which may hold a marker:
    that is an error, since the marker would silently be lost.
    """
    target: Any = fn
    while isinstance(target, functools.partial):
        target = target.func
    if not (inspect.isroutine(target) or inspect.isclass(target)):
        target = getattr(target, "__call__", target)  # noqa: B004 - a callable object
    with contextlib.suppress(Exception):  # else fall back to one annotation at a time
        return typing.get_type_hints(target, include_extras=True)
    found: dict[str, Any] = {}
    raw = getattr(inspect.unwrap(target), "__annotations__", {})
    namespace = getattr(inspect.unwrap(target), "__globals__", {})
    for name, annotation in raw.items():
        if not isinstance(annotation, str):
            found[name] = annotation
            continue
        try:
            found[name] = eval(annotation, dict(namespace))  # noqa: S307 - the code's own text
        except Exception as exc:  # noqa: BLE001 - reported only where a marker may hide
            if "Annotated[" in annotation:
                raise TypeError(
                    f"{callable_name(fn)}: cannot read the annotation of {name!r} "
                    f"({annotation!r}): {exc}. Define what it names at module level."
                ) from None
    return found


def _split(annotation: Any, is_marker: Callable[[Any], bool]) -> tuple[Any, Any]:
    """``Annotated[T, marker, *rest]`` → ``(Annotated[T, *rest] or T, marker)``."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return annotation, None
    base, *metadata = typing.get_args(annotation)
    markers = [m for m in metadata if is_marker(m)]
    rest = [m for m in metadata if not is_marker(m)]
    marker = markers[-1] if markers else None
    if not rest:
        return base, marker
    return typing.Annotated[(base, *rest)], marker  # type: ignore[valid-type]


def callable_name(fn: Any) -> str:
    """A readable name for error messages: the qualified name, else the repr."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return getattr(fn, "__qualname__", None) or repr(fn)
