"""Typed parameters: markers, the per-responder call plan, and reading values per request.

``Query``, ``Header``, ``Cookie``, ``Path``, ``Body``, ``Form`` and ``File``
say where a parameter comes from; a keyword parameter annotated with a model
receives the validated body. The plan is made once per responder, at
registration (:func:`make_plan`); per request :meth:`Plan.arguments` reads,
coerces and checks every value, answering 422 with every error listed.
"""

from .call import Plan, PlanContext, make_plan, params_check
from .markers import Body, Cookie, File, Form, Header, Param, Path, Query, UploadFile
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
