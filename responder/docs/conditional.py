"""What ``@responder.conditional`` adds to an operation: its answers and the headers it reads.

A GET or HEAD may answer 304 and reads ``If-None-Match`` / ``If-Modified-Since``;
any other method may answer 412 and reads ``If-Match``, ``If-None-Match`` and
``If-Unmodified-Since``; with ``require_if_match=True`` a PUT, PATCH or DELETE
needs ``If-Match`` (the parameter is required) and may answer 428. Only the
headers of the validators given are listed. What the docstring or the route's
``responses=`` say about a status or a header wins.
"""

from __future__ import annotations

import copy
from typing import Any

from ..preconditions import Preconditions
from ..resources import Handler
from ..resources.hooks import hooks_of

__all__ = ["describe_conditional"]

_SAFE = frozenset({"GET", "HEAD"})
_CHANGES = frozenset({"PUT", "PATCH", "DELETE"})
_STRING = {"type": "string"}

_HEADERS = {
    "If-None-Match": "Entity tags of the copies the client holds (or `*`): on GET and HEAD "
    "a match is a 304; on other methods it is a 412.",
    "If-Modified-Since": "When the client's copy was last modified; not modified since is a 304.",
    "If-Match": "The entity tag of the version this request changes (or `*`); another is a 412.",
    "If-Unmodified-Since": "The change applies only if the resource is unmodified since then.",
}


def describe_conditional(
    operation: dict[str, Any], method: str, handler: Handler, problems: dict[str, Any]
) -> None:
    """Add the 304, 412 or 428 and the conditional header parameters ``handler`` answers."""
    found = _preconditions(handler)
    if not found:
        return
    etag = any(p.validates[0] for p in found)
    modified = any(p.validates[1] for p in found)
    required = method in _CHANGES and any(p.require_if_match for p in found)
    responses = operation.setdefault("responses", {})
    if method in _SAFE:
        names = [("If-None-Match", etag), ("If-Modified-Since", modified)]
        validators = _validator_headers(etag, modified)
        not_modified: dict[str, Any] = {
            "description": "Not Modified: the client's copy is current."
        }
        if validators:
            not_modified["headers"] = validators
        responses.setdefault("304", not_modified)
    else:
        names = [
            ("If-Match", etag or required),
            ("If-None-Match", etag),
            ("If-Unmodified-Since", modified),
        ]
        failed = _problem("Precondition Failed: the resource is not in the state named.", problems)
        if etag:
            failed["headers"] = _validator_headers(True, False)
        responses.setdefault("412", failed)
        if required:
            what = "Precondition Required: send If-Match with the ETag of the version changed."
            responses.setdefault("428", _problem(what, problems))
    _add_headers(operation, [name for name, wanted in names if wanted], required)


def _preconditions(handler: Handler) -> list[Preconditions]:
    """The ``@conditional`` hooks that guard the handler's responder."""
    if handler.responder is None:
        return []
    before, _ = hooks_of(handler.resource, handler.responder)
    return [hook.action for hook in before if isinstance(hook.action, Preconditions)]


def _validator_headers(etag: bool, modified: bool) -> dict[str, Any]:
    headers = {}
    if etag:
        headers["ETag"] = {"description": "The current entity tag.", "schema": dict(_STRING)}
    if modified:
        headers["Last-Modified"] = {
            "description": "When the resource last changed (an HTTP-date).",
            "schema": dict(_STRING),
        }
    return headers


def _problem(description: str, problems: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": copy.deepcopy(problems)}


def _add_headers(operation: dict[str, Any], names: list[str], if_match_required: bool) -> None:
    """Header parameters for ``names``, unless the operation already lists one (any case)."""
    parameters = operation.get("parameters", [])
    taken = {str(p.get("name", "")).lower() for p in parameters if p.get("in") == "header"}
    for name in names:
        if name.lower() in taken:
            continue
        parameter = {
            "name": name,
            "in": "header",
            "description": _HEADERS[name],
            "required": if_match_required and name == "If-Match",
            "schema": dict(_STRING),
        }
        parameters.append(parameter)
    if parameters:
        operation["parameters"] = parameters
