"""Functions and regexes made on first use, then used directly: no per-call cost.

``import responder`` should load only what a hello app needs. A module that
calls, say, the caching validators only for responses that carry an ``ETag``
binds the name to a stand-in made by :func:`on_first_call`; the first call
imports the real function, puts it in the caller's globals in the stand-in's
place, and calls it. Every later call looks the global up as before and finds
the real function: nothing is checked per call (an import statement inside
the function would look the module up in ``sys.modules`` each time).

Type checkers see the real function: the caller imports it under
``TYPE_CHECKING`` and binds the stand-in otherwise.

:func:`compiled_on_first_use` does the same for a module's regular expressions:
compiling one costs 0.05-0.5 ms at import, for patterns most apps never use
(a ``uuid`` route parameter, ``Accept-Encoding`` with q-values, the hosts
check); the first use compiles it and puts the pattern in the stand-in's place.

:func:`imported_on_first_use` does the same for a module a hot path uses but
a hello app never reaches: orjson costs about 5 ms to load, and only a JSON
body or answer needs it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

__all__ = ["compiled_on_first_use", "imported_on_first_use", "on_first_call"]


def on_first_call(module: str, name: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    """A stand-in for ``module.name`` that, when first called, replaces itself in ``namespace``.

    Args:
        module: the absolute module name (``"responder.validators"``).
        name: the function's name there, and the global it is bound to in ``namespace``.
        namespace: the caller's ``globals()``.
    """

    def first_call(*args: Any, **kwargs: Any) -> Any:
        real = getattr(importlib.import_module(module), name)
        namespace[name] = real  # later calls find it; racing first calls store the same
        return real(*args, **kwargs)

    first_call.__name__ = first_call.__qualname__ = name
    return first_call


def compiled_on_first_use(
    name: str, pattern: str | bytes, namespace: dict[str, Any], flags: int = 0
) -> Any:
    """A stand-in for ``re.compile(pattern, flags)`` bound to ``name`` in ``namespace``.

    The first attribute read (``.fullmatch``, ``.search``, ...) compiles the
    pattern and puts it in ``namespace`` in the stand-in's place. Read it
    through the module's global only: a copy imported elsewhere stays a stand-in.
    """
    return _Pattern(name, pattern, flags, namespace)


class _Pattern:
    """A regular expression compiled when first used (see :func:`compiled_on_first_use`)."""

    __slots__ = ("_flags", "_name", "_namespace", "_pattern")

    def __init__(self, name: str, pattern: str | bytes, flags: int, namespace: dict[str, Any]):
        self._name, self._pattern, self._flags, self._namespace = name, pattern, flags, namespace

    def __getattr__(self, attribute: str) -> Any:
        compiled = re.compile(self._pattern, self._flags)
        self._namespace[self._name] = compiled
        return getattr(compiled, attribute)


def imported_on_first_use(module: str, name: str, namespace: dict[str, Any]) -> Any:
    """A stand-in for the module ``module``, bound to ``name`` in ``namespace``.

    The first attribute read (``orjson.dumps``) imports the module and puts it
    in ``namespace`` in the stand-in's place; later reads find the module
    itself. Read it through the module's global only, as for patterns.
    """
    return _Module(module, name, namespace)


class _Module:
    """A module imported when first used (see :func:`imported_on_first_use`)."""

    __slots__ = ("_module", "_name", "_namespace")

    def __init__(self, module: str, name: str, namespace: dict[str, Any]) -> None:
        self._module, self._name, self._namespace = module, name, namespace

    def __getattr__(self, attribute: str) -> Any:
        imported = importlib.import_module(self._module)
        self._namespace[self._name] = imported
        return getattr(imported, attribute)
