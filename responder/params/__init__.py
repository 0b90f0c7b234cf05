"""Typed parameters: markers, the per-responder call plan, and reading values per request.

``Query``, ``Header``, ``Cookie``, ``Path``, ``Body``, ``Form`` and ``File``
say where a parameter comes from; a keyword parameter annotated with a model
receives the validated body. The plan is made once per responder, at
registration (:func:`make_plan`); per request :meth:`Plan.arguments` reads,
coerces and checks every value, answering 422 with every error listed.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .markers import Body, Cookie, File, Form, Header, Param, Path, Query

if TYPE_CHECKING:
    from ..uploads import UploadFile
    from .call import Plan, PlanContext, make_plan, params_check
    from .plan import CONVERTOR_TYPES, Parameter

__all__ = [
    "CONVERTOR_TYPES",
    "Body",
    "Cookie",
    "File",
    "Form",
    "Header",
    "Param",
    "Parameter",
    "Path",
    "Plan",
    "PlanContext",
    "Query",
    "UploadFile",
    "make_plan",
    "params_check",
]

#: Names loaded on first access: the markers are all a view's module needs, and
#: the planner loads when the first route declares something.
_LAZY = {
    "CONVERTOR_TYPES": ".plan",
    "Parameter": ".plan",
    "Plan": ".call",
    "PlanContext": ".call",
    "make_plan": ".call",
    "params_check": ".call",
    "UploadFile": "..uploads",  # with it, tempfile and shutil
}


def __getattr__(name: str) -> Any:
    """The planner's names and ``UploadFile``, imported when first asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The package's names, the lazy ones included."""
    return sorted({*globals(), *_LAZY})
