"""Typed parameters: markers, the per-responder call plan, and reading values per request.

``Query``, ``Header``, ``Cookie``, ``Path``, ``Body``, ``Form`` and ``File``
say where a parameter comes from; a keyword parameter annotated with a model
receives the validated body. The plan is made once per responder, at
registration (:func:`make_plan`); per request :meth:`Plan.arguments` reads,
coerces and checks every value, answering 422 with every error listed.
"""

from typing import TYPE_CHECKING, Any

from .call import Plan, PlanContext, make_plan, params_check
from .markers import Body, Cookie, File, Form, Header, Param, Path, Query
from .plan import CONVERTOR_TYPES, Parameter

if TYPE_CHECKING:
    from ..uploads import UploadFile

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


def __getattr__(name: str) -> Any:
    """``UploadFile``, imported when first asked for (with it, ``tempfile`` and ``shutil``)."""
    if name == "UploadFile":
        from ..uploads import UploadFile

        return UploadFile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
