"""What a view's return value means, and the response model its annotation names.

A view may return its answer instead of setting ``resp``: :func:`settle` puts
the value where the view would have put it (``resp.media``, ``resp.text``,
``resp.content``, the status and headers of a tuple). ``None`` means the view
already said everything on ``resp``, so a mutating view pays one ``is None``
test for this feature and nothing else.

Everything else here runs once, when a route is added: :func:`return_model`
reads a responder's return annotation (``-> Item``, ``-> list[Item]``,
``-> A | B``) and refuses an annotation no response could be made of;
:func:`response_model_of` settles which model a responder has (the keyword or
the annotation) and :func:`output_checks` builds the steps that run after the
responder (the route's default status, that model).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._lazy import on_first_call
from .hooks import Hook
from .spec import RouteSpec

if TYPE_CHECKING:
    from ..response import Response
    from .validation import response_check
else:  # loaded by the first route with a response model
    response_check = on_first_call("responder.resources.validation", "response_check", globals())

__all__ = ["output_checks", "response_model_of", "return_model", "settle"]

logger = logging.getLogger("responder")

#: What a returned body may be, besides pydantic models and dataclass instances.
_MEDIA = (dict, list)
_RAW = (bytes, bytearray, memoryview)


def settle(resp: Response, value: Any, view: str) -> None:
    """Put what ``view`` returned on ``resp``, as if the view had set it itself.

    ``dict``, ``list``, a pydantic model or a dataclass instance becomes
    ``resp.media`` (encoded in the negotiated format); ``str`` ``resp.text``;
    bytes ``resp.content``; ``(body, status)`` and ``(body, status, headers)``
    also set the status and add the headers. ``resp`` itself means the same as
    ``None``: the view set everything.

    Any other value is ignored, as Responder 3.3 ignored every return value,
    with a warning in the log that names the view and the type.

    Raises:
        TypeError: a returned tuple is malformed (its status is not an int
            from 100 to 599, its headers not a mapping, or it has another
            length): it was meant as an answer, so the client gets a 500.
    """
    if value is resp:
        return
    if type(value) is tuple:
        value = _unpack(resp, value, view)
        if value is None:
            return
    if isinstance(value, str):
        resp.text = value
    elif isinstance(value, _MEDIA) or _is_model(value):
        resp.media = value
    elif isinstance(value, _RAW):
        resp.content = bytes(value)
    else:
        _ignored(view, value)


#: (view, type) pairs already warned about: one log line each, not one per request.
_WARNED: set[tuple[str, str]] = set()


def _ignored(view: str, value: Any) -> None:
    """Leave ``resp`` as the view set it, as Responder 3.3 did, and say so once in the log.

    A 3.3 view that happened to return something (a background task's
    future, a helper's result) keeps working; the warning names the view and
    the type, so a forgotten ``await`` or a misspelt return is still found.
    """
    kind = type(value).__name__
    if (view, kind) not in _WARNED:
        _WARNED.add((view, kind))
        logger.warning(
            "%s returned a value of type %s, which is no response: it is ignored (return a "
            "dict, list, pydantic model, dataclass, str, bytes, None, or a "
            "(body, status[, headers]) tuple).",
            view,
            kind,
        )


def _unpack(resp: Response, value: tuple[Any, ...], view: str) -> Any:
    """Set the status and headers of a returned tuple; return its body."""
    if len(value) not in (2, 3):
        raise TypeError(
            f"{view} returned a tuple of {len(value)} items: return (body, status) "
            "or (body, status, headers)."
        )
    body, status = value[0], value[1]
    if type(status) is not int or not 100 <= status <= 599:
        raise TypeError(f"{view} returned {status!r} as the status: it must be an int, 100-599.")
    resp.status_code = status
    if len(value) == 3:
        headers = value[2]
        if not isinstance(headers, Mapping):
            raise TypeError(
                f"{view} returned headers of type {type(headers).__name__}: use a dict."
            )
        resp.headers.update(headers)
    return body


def _is_model(value: Any) -> bool:
    """Whether ``value`` is a dataclass instance or a pydantic model (no pydantic import)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return True
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


def response_model_of(spec: RouteSpec | None, responder: Callable[..., Any] | None) -> Any:
    """The model ``responder``'s success answers are checked against and documented with.

    ``spec.response_model`` when given (``False``: none at all), else what the
    responder's return annotation names; None when there is no model.

    Raises:
        TypeError: the annotation cannot be resolved, or names a type no
            response can be made of; the message names the view.
    """
    if spec is None:
        return None
    model = spec.response_model
    if model is None and responder is not None:
        model = return_model(responder)
    return None if model is False else model


def output_checks(spec: RouteSpec | None, model: Any, view: str) -> list[Hook]:
    """The steps that run after a responder: the route's default status, then ``model``.

    ``model`` is what :func:`response_model_of` found (None: no check).

    Raises:
        TypeError: ``model`` cannot check responses; the message names ``view``.
    """
    if spec is None:
        return []
    steps: list[Hook] = []
    if spec.status_code is not None:
        steps.append(Hook(_default_status(spec.status_code)))
    if model is not None:
        try:
            steps.append(Hook(response_check(model, view)))
        except Exception as exc:
            raise TypeError(f"{model!r} cannot be the response model of {view}: {exc}") from exc
    return steps


def _default_status(status: int) -> Callable[..., None]:
    def default_status(req: Any, resp: Response, params: Any) -> None:
        if resp.status_code is None:  # the view did not choose one
            resp.status_code = status

    return default_status


def return_model(fn: Callable[..., Any]) -> Any:
    """The response model ``fn``'s return annotation names, or None.

    An annotation is a model when it names a pydantic model, a dataclass or a
    ``TypedDict`` anywhere inside (``list[Item]``, ``Item | None``); plain
    types (``dict``, ``str``, ``None``) have nothing to check or strip. A tuple
    annotation (``tuple[Item, int]``) describes its body, the first item.

    Raises:
        TypeError: the annotation cannot be resolved, or is a type no
            response can be made of (``-> int``).
    """
    hint = _return_hint(fn)
    if hint is _MISSING:
        return None
    if typing.get_origin(hint) is tuple and typing.get_args(hint):
        hint = typing.get_args(hint)[0]
    _refuse_unreturnable(hint, fn)
    return hint if _names_model(hint) else None


_MISSING: Any = object()


class _ReturnOnly:
    """Stands for a function with only its return annotation, for ``get_type_hints``.

    Resolving only the return annotation keeps a parameter annotation this
    module does not read from failing the registration here.
    """

    def __init__(self, raw: Any, namespace: dict[str, Any]) -> None:
        self.__annotations__ = {"return": raw}
        self.__globals__ = namespace


def _return_hint(fn: Callable[..., Any]) -> Any:
    """``fn``'s resolved return annotation, or ``_MISSING``."""
    func = getattr(fn, "__func__", fn)  # bound methods, classmethods
    if not inspect.isfunction(func):
        return _MISSING
    raw = func.__annotations__.get("return", _MISSING)
    if raw is _MISSING:
        return _MISSING
    try:
        return typing.get_type_hints(_ReturnOnly(raw, func.__globals__))["return"]
    except (NameError, SyntaxError, TypeError, AttributeError) as exc:
        raise TypeError(
            f"Cannot resolve the return annotation {raw!r} of {view_name(fn)}: {exc}. "
            "Define the types it names at module level, or pass response_model= "
            "(response_model=False to ignore the annotation)."
        ) from None


def _refuse_unreturnable(hint: Any, fn: Callable[..., Any]) -> None:
    """Refuse, at registration, an annotation that says the view returns no response."""
    members = typing.get_args(hint) if _is_union(hint) else (hint,)
    for member in members:
        cls = typing.get_origin(member) or member  # set[int] is a set
        if _is_class(cls) and not _returnable(cls):
            raise TypeError(
                f"{view_name(fn)} is annotated to return {cls.__name__}, which is no "
                "response: return a dict, list, pydantic model, dataclass, str, bytes or None "
                "(or set resp and return nothing)."
            )


def _returnable(cls: type) -> bool:
    if cls is object or cls is type(None) or dataclasses.is_dataclass(cls):
        return True
    if issubclass(cls, (str, tuple, Mapping, *_MEDIA, *_RAW)):
        return True
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and issubclass(cls, pydantic.BaseModel):
        return True
    return cls.__name__ == "Response" and cls.__module__.startswith("responder")


def _names_model(hint: Any) -> bool:
    """Whether a pydantic model, dataclass or TypedDict appears anywhere in ``hint``."""
    if _is_class(hint):
        # A TypedDict from typing or typing_extensions: each has its own metaclass.
        typed_dict = issubclass(hint, dict) and hasattr(hint, "__required_keys__")
        if dataclasses.is_dataclass(hint) or typed_dict:
            return True
        pydantic = sys.modules.get("pydantic")
        if pydantic is not None and issubclass(hint, pydantic.BaseModel):
            return True
    return any(_names_model(arg) for arg in typing.get_args(hint))


def _is_class(hint: Any) -> bool:
    """A plain class: not ``list[int]``, which some Pythons also count as a type."""
    return isinstance(hint, type) and not isinstance(hint, types.GenericAlias)


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def view_name(fn: Callable[..., Any]) -> str:
    """How error messages name a view: its qualified name (``Items.on_get``)."""
    func = fn.func if isinstance(fn, functools.partial) else fn
    return getattr(func, "__qualname__", None) or repr(func)
