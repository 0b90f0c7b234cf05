"""``request_model`` and ``response_model``: validate bodies against models.

Both accept a pydantic model (or any type pydantic can validate, such as
``list[Pet]``) or a marshmallow schema. The checks are built once per route
and run just before and just after the responder. They live next to the
resources they guard because they run on every request that has a model;
``responder.docs.openapi`` reads the same models to describe them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import HTTPInternalServerError, HTTPUnprocessableEntity
from ..media.handlers import JSONHandler
from .hooks import Hook

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = [
    "BODY_METHODS",
    "Model",
    "ResponseModelError",
    "carries_body",
    "checks_for",
    "response_check",
]

logger = logging.getLogger("responder")
_JSON = JSONHandler()


class Model:
    """One model, pydantic or marshmallow, behind one small interface."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._schema: Any = None
        self._adapter: Any = None
        if _is_marshmallow(model):
            self._schema = model() if isinstance(model, type) else model
        else:
            from pydantic import TypeAdapter

            self._adapter = TypeAdapter(model)

    @property
    def is_marshmallow(self) -> bool:
        """Whether the model is a marshmallow schema (else pydantic)."""
        return self._schema is not None

    @property
    def adapter(self) -> Any:
        """The pydantic ``TypeAdapter`` (pydantic models only)."""
        return self._adapter

    def load(self, data: Any) -> Any:
        """Validate incoming data, returning plain Python values.

        Raises:
            HTTPUnprocessableEntity: the data does not fit, with an ``errors`` list.
        """
        if self._schema is not None:
            from marshmallow import ValidationError as MarshmallowError

            try:
                return self._schema.load(data)
            except MarshmallowError as exc:
                raise _unprocessable(_marshmallow_errors(exc.messages)) from None
        return self._adapter.dump_python(self.parse(data))

    def parse(self, data: Any) -> Any:
        """Validate incoming data strictly (pydantic only), returning the typed value.

        Raises:
            HTTPUnprocessableEntity: the data does not fit, with an ``errors`` list.
        """
        from pydantic import ValidationError

        try:
            return self._validate_incoming(data)
        except ValidationError as exc:
            raise _unprocessable(
                [
                    {
                        "field": _dotted(e["loc"]),
                        "loc": list(e["loc"]),
                        "message": e["msg"],
                        "type": e["type"],
                    }
                    for e in exc.errors(include_url=False, include_input=False)
                ]
            ) from None

    def _validate_incoming(self, data: Any) -> Any:
        # Bodies are JSON-shaped whatever their format, so they are checked the way
        # the documented JSON Schema reads: strictly (no "5" for 5, no false for 0).
        # JSON Schema counts 3.0 as an integer; pydantic's strict mode does not, so
        # integral floats are handed over as ints (a float field still takes them).
        try:
            shaped = _JSONInput()
            payload = _JSON.serialize(shaped.convert(data, ()))
        except RecursionError:
            raise _unprocessable(
                [{"field": "", "loc": [], "message": "The body is nested too deeply."}]
            ) from None
        except TypeError:  # a value no JSON carries, from a custom handler
            return self._adapter.validate_python(data, strict=True)
        value = self._adapter.validate_json(payload, strict=True)
        if not shaped.saw_bytes:
            return value
        # Bytes (MessagePack bin, YAML !!binary, uploaded files) went through the
        # strict check above as text; now that it passed, the bytes themselves are
        # read into the model. Nothing but the bytes differs from what was checked.
        return self._adapter.validate_python(_JSONInput(keep_bytes=True).convert(data, ()))

    def dump(self, data: Any) -> Any:
        """Serialize outgoing data through the model: extra fields are dropped.

        Raises:
            ValueError: the data does not fit the model.
        """
        if self._schema is not None:
            from marshmallow import EXCLUDE
            from marshmallow import ValidationError as MarshmallowError

            try:
                return self._schema.dump(self._schema.load(data, unknown=EXCLUDE))
            except MarshmallowError as exc:
                raise ValueError(str(exc.messages)) from None
        from pydantic import ValidationError

        try:
            value = self._adapter.validate_python(data, from_attributes=True)
        except ValidationError as exc:
            raise ValueError(str(exc)) from None
        return self._adapter.dump_python(value, mode="json")


def checks_for(request_model: Any) -> tuple[list[Hook], list[Hook]]:
    """The steps that validate a route's request bodies (responses: :func:`response_check`)."""
    before: list[Hook] = []
    if request_model is not None:
        before.append(Hook(_request_check(Model(request_model))))
    return before, []


#: Methods whose requests are validated: the ones whose meaning includes a body.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def carries_body(req: Request) -> bool:
    """Whether the request says it has a body (a non-zero length, or chunked)."""
    length = req.header(b"content-length")
    if length is not None:
        return length.strip() != "0"
    return req.header(b"transfer-encoding") is not None


def _request_check(model: Model) -> Any:
    async def validate_request(req: Request, resp: Response, params: dict[str, Any]) -> None:
        # A route's model describes what is sent to it: GET, HEAD and OPTIONS on the
        # same route are never checked, and DELETE only when it carries a body.
        method = req.scope["method"]
        if method not in BODY_METHODS and (method != "DELETE" or not carries_body(req)):
            return
        # Any registered format: the body is decoded by its Content-Type first.
        data = await req.media()
        req.replace_media(model.load(data))

    return validate_request


class ResponseModelError(HTTPInternalServerError):
    """A response that does not fit its model: a 500 that tells the client nothing more.

    ``error`` is the mismatch itself; with ``debug`` on, the pipeline answers
    and re-raises it instead, traceback and all.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(detail="The server produced a response that does not fit its own schema.")
        self.error = error


def response_check(response_model: Any, view: str) -> Any:
    """The step that validates, coerces and strips a success response's ``resp.media``.

    Raises:
        ResponseModelError: (per request) the media does not fit the model.
    """
    model = Model(response_model)

    def validate_response(req: Request, resp: Response, params: dict[str, Any]) -> None:
        if resp.media is None or not resp.ok:
            return  # errors and bodiless answers are not the model's business
        try:
            resp.media = model.dump(resp.media)
        except ValueError as exc:
            logger.error(
                "The response of %s to %s %s does not fit its response_model: %s",
                view,
                req.method.upper(),
                req.url.path,
                exc,
            )
            raise ResponseModelError(exc) from exc

    return validate_response


class _JSONInput:
    """Turns a decoded body into what strict JSON validation should see.

    Integral floats become ints (JSON Schema's reading), ``inf`` and ``nan``
    are refused with a 422 wherever a custom handler let them through, and
    bytes become text (latin-1, byte for byte) unless ``keep_bytes``.
    """

    def __init__(self, *, keep_bytes: bool = False) -> None:
        self.keep_bytes = keep_bytes
        self.saw_bytes = False

    def convert(self, value: Any, loc: tuple[Any, ...]) -> Any:
        """The converted copy of ``value``, found at ``loc`` in the body."""
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _unprocessable(
                    [
                        {
                            "field": _dotted(loc),
                            "loc": list(loc),
                            "message": "Input should be a finite number",
                            "type": "finite_number",
                        }
                    ]
                )
            return int(value) if value.is_integer() else value
        if isinstance(value, Mapping):  # an uploaded file is one too
            if self.keep_bytes and not isinstance(value, dict):
                return value  # the model reads an uploaded file as it is
            return {k: self.convert(v, (*loc, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.convert(v, (*loc, i)) for i, v in enumerate(value)]
        if isinstance(value, (bytes, bytearray)) and not self.keep_bytes:
            self.saw_bytes = True
            return bytes(value).decode("latin-1")
        return value


def _unprocessable(errors: list[dict[str, Any]]) -> HTTPUnprocessableEntity:
    return HTTPUnprocessableEntity(
        detail="The request body does not match the expected schema.", errors=errors
    )


def _dotted(loc: Any) -> str:
    return ".".join(str(part) for part in loc)


def _marshmallow_errors(messages: Any, prefix: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    if isinstance(messages, dict):
        found: list[dict[str, Any]] = []
        for key, value in messages.items():
            found.extend(_marshmallow_errors(value, (*prefix, key)))
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"field": _dotted(prefix), "loc": list(prefix), "message": m} for m in messages]
    return [{"field": _dotted(prefix), "loc": list(prefix), "message": str(messages)}]


def _is_marshmallow(model: Any) -> bool:
    try:
        from marshmallow import Schema
    except ImportError:  # pragma: no cover - marshmallow is a dependency
        return False
    return isinstance(model, Schema) or (isinstance(model, type) and issubclass(model, Schema))
