"""Reading the body into a typed parameter, and form fields, through the media registry.

The body is decoded by ``await req.media()``, so every registered format
feeds a body parameter. JSON, YAML, MessagePack and custom formats are
validated strictly (no ``"5"`` for ``5``), as ``request_model`` does; forms
carry only text, so their values are read the way query values are.
"""

from __future__ import annotations

import typing
from typing import Any

from ..errors import HTTPUnprocessableEntity, HTTPUnsupportedMediaType
from ..resources.validation import Model, carries_body
from .markers import MISSING
from .plan import Parameter, is_sequence

if typing.TYPE_CHECKING:
    from ..request import Request

__all__ = ["FORM_TYPES", "BodyReader", "list_fields", "read_form"]

#: The media types whose values are all text: a typed parameter reads them leniently.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_READ_ON = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def sends_body(req: Request) -> bool:
    """Whether this request has a body for a body parameter to read."""
    return req.scope["method"] in _READ_ON and carries_body(req)


async def read_form(req: Request) -> dict[str, Any]:
    """The decoded form fields; an absent body is an empty form.

    Raises:
        HTTPUnsupportedMediaType: the body is not a form.
    """
    if not sends_body(req):
        return {}
    if req.mimetype not in FORM_TYPES:
        raise HTTPUnsupportedMediaType(
            detail=f"This endpoint reads form fields, not {req.mimetype or 'a body'!r}.",
            accepted=list(FORM_TYPES),
        )
    data = await req.media()
    return data if isinstance(data, dict) else {}


class BodyReader:
    """One body parameter: its strict model and its lenient (form) reading."""

    def __init__(self, parameter: Parameter) -> None:
        from pydantic import TypeAdapter, ValidationError

        self.parameter = parameter
        self.strict = Model(parameter.annotation)
        self.lenient = TypeAdapter(parameter.annotation)
        self._invalid = ValidationError
        self._lists = list_fields(parameter.annotation)

    async def read(self, req: Request, errors: list[dict[str, Any]]) -> Any:
        """The validated body; on failure the errors are appended and MISSING returned."""
        parameter = self.parameter
        if not sends_body(req):
            if not parameter.required:
                return parameter.default
            errors.append(_error("", "A request body is required.", "missing"))
            return MISSING
        data = await req.media()
        if req.mimetype in FORM_TYPES:
            return self._lenient(data, errors)
        try:
            return self.strict.parse(data)
        except HTTPUnprocessableEntity as exc:
            for found in exc.extensions.get("errors", ()):
                errors.append(_error(found["field"], found["message"], found.get("type", "")))
            return MISSING

    def _lenient(self, data: Any, errors: list[dict[str, Any]]) -> Any:
        if isinstance(data, dict) and self._lists:
            data = {
                k: [v] if k in self._lists and not isinstance(v, list) else v
                for k, v in data.items()
            }
        try:
            return self.lenient.validate_python(data)
        except self._invalid as exc:
            for found in exc.errors(include_url=False, include_input=False):
                name = ".".join(str(part) for part in found["loc"])
                errors.append(_error(name, found["msg"], found["type"]))
            return MISSING


def _error(name: str, message: str, kind: str) -> dict[str, Any]:
    return {"location": "body", "name": name, "message": message, "type": kind}


def list_fields(annotation: Any) -> frozenset[str]:
    """A model's fields that take several values, which a form sends as repeated keys."""
    fields = getattr(annotation, "model_fields", None)
    if not isinstance(fields, dict):
        return frozenset()
    return frozenset(
        (info.alias or name) for name, info in fields.items() if is_sequence(info.annotation)
    )
