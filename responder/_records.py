"""``@record``: dataclasses whose methods are shared, not generated, so importing them is cheap.

``dataclasses.dataclass`` writes each class's ``__init__``, ``__repr__`` and
``__eq__`` (and, when frozen, ``__hash__``, ``__setattr__`` and
``__delattr__``) as source text and compiles it: 0.3-1 ms a class, about a
tenth of ``import responder`` for the dozen every import builds (route specs,
path segments, the option objects of ``API``). ``record`` lets ``dataclass``
collect the fields, so ``dataclasses.fields``, ``replace``, ``asdict`` and
``is_dataclass`` work as before, and gives the class methods that read its
field table instead: the same arguments, ``repr``, equality, hash and frozen
errors as the generated ones. They are slower to call, so ``record`` is for
classes built when something is registered or configured, never per request.

Type checkers see ``dataclasses.dataclass`` itself.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

__all__ = ["record"]

_MISSING = dataclasses.MISSING
_Params = tuple[tuple[str, Any, Any], ...]  # (name, default, default factory) per __init__ field


def _record(
    cls: Any = None, /, *, frozen: bool = False, eq: bool = True, slots: bool = False
) -> Any:
    """Make ``cls`` a dataclass with shared methods (``dataclass``'s keywords that are used)."""

    def wrap(cls: Any) -> Any:
        # dataclass's rule: a method the class body writes itself is kept.
        own_hash = "__hash__" in cls.__dict__ and not (
            cls.__dict__["__hash__"] is None and "__eq__" in cls.__dict__
        )
        # dataclass gives an undocumented class the __init__ signature as its doc, which for a
        # class with no __init__ of its own means tokenizing object's (a 2 ms regex): made here.
        undocumented = not cls.__doc__
        if undocumented:
            cls.__doc__ = cls.__name__
        cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=slots)
        fields = dataclasses.fields(cls)
        cls._record_params = tuple(
            (f.name, f.default, f.default_factory) for f in fields if f.init
        )
        cls._record_repr = tuple(f.name for f in fields if f.repr)
        cls._record_compared = tuple(f.name for f in fields if f.compare)
        cls._record_hashed = tuple(
            f.name for f in fields if (f.compare if f.hash is None else f.hash)
        )
        methods: dict[str, Any] = {"__init__": _init, "__repr__": _repr}
        if eq:
            methods["__eq__"] = _eq
        if frozen:
            methods["__setattr__"], methods["__delattr__"] = _frozen(cls)
        for name, method in methods.items():
            if name not in cls.__dict__:
                setattr(cls, name, method)
        if eq and not own_hash:
            cls.__hash__ = _hash if frozen else None
        if frozen and slots:  # pickling and copying set slots through __setattr__: go around it
            cls.__getstate__, cls.__setstate__ = _getstate, _setstate
        cls.__signature__ = _Signature()  # for inspect and help()
        if undocumented:
            cls.__doc__ = cls.__name__ + str(cls.__signature__).replace(" -> None", "")
        return cls

    return wrap if cls is None else wrap(cls)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    """Bind the arguments as the generated ``__init__`` would, then run ``__post_init__``."""
    cls = type(self)
    params: _Params = cls._record_params
    if len(args) > len(params):
        least = sum(default is _MISSING is factory for _, default, factory in params)
        takes = f"from {least + 1} to {len(params) + 1}" if least < len(params) else least + 1
        raise TypeError(
            f"{cls.__qualname__}.__init__() takes {takes} positional arguments"
            f" but {len(args) + 1} were given"
        )
    values = {name: value for (name, _, _), value in zip(params, args, strict=False)}
    for name, value in kwargs.items():
        if name in values:
            raise TypeError(
                f"{cls.__qualname__}.__init__() got multiple values for argument {name!r}"
            )
        values[name] = value
    for name, default, factory in params:
        if name in values:
            value = values.pop(name)
        elif default is not _MISSING:
            value = default
        elif factory is not _MISSING:
            value = factory()
        else:
            raise TypeError(
                f"{cls.__qualname__}.__init__() missing 1 required positional argument: {name!r}"
            )
        object.__setattr__(self, name, value)
    if values:
        raise TypeError(
            f"{cls.__qualname__}.__init__() got an unexpected keyword argument"
            f" {next(iter(values))!r}"
        )
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self)._record_repr)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = type(self)._record_compared
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, name) for name in type(self)._record_hashed))


def _frozen(cls: Any) -> tuple[Callable[[Any, str, Any], None], Callable[[Any, str], None]]:
    """The frozen ``__setattr__`` and ``__delattr__`` of ``cls``: fields cannot change."""
    names = frozenset(cls.__dataclass_fields__)

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state, strict=True):
        object.__setattr__(self, f.name, value)


class _Factory:
    """The default a signature shows for a field made by a factory, as dataclass shows it."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _default(default: Any) -> Any:
    return inspect.Parameter.empty if default is _MISSING else default


class _Signature:
    """``cls.__signature__``: what the generated ``__init__``'s would be, made when asked for."""

    def __get__(self, instance: Any, owner: Any) -> inspect.Signature:
        params = [
            inspect.Parameter(
                name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=_FACTORY if factory is not _MISSING else _default(default),
                annotation=owner.__annotations__.get(name, inspect.Parameter.empty),
            )
            for name, default, factory in owner._record_params
        ]
        return inspect.Signature(params, return_annotation=None)


if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:
    record = _record
