"""Functions whose module loads on their first call, then called directly: no per-call cost.

``import responder`` should load only what a hello app needs. A module that
calls, say, the caching validators only for responses that carry an ``ETag``
binds the name to a stand-in made by :func:`on_first_call`; the first call
imports the real function, puts it in the caller's globals in the stand-in's
place, and calls it. Every later call looks the global up as before and finds
the real function: nothing is checked per call (an import statement inside
the function would look the module up in ``sys.modules`` each time).

Type checkers see the real function: the caller imports it under
``TYPE_CHECKING`` and binds the stand-in otherwise.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["on_first_call"]


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
