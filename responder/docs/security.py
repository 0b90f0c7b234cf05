"""Security in the OpenAPI document: the schemes routes use, and each operation's requirement.

Every route with an auth scheme gets ``security: [{scheme: scopes}]`` and the
401 (and, with scopes, 403) it may answer; a route that opted out of the
API's scheme gets ``security: []``. The schemes go in
``components.securitySchemes``, so a docs UI offers **Authorize**. A
docstring's own ``security`` wins.
"""

from __future__ import annotations

import copy
from typing import Any

from ..resources import RouteSpec
from ..resources.auth import AuthScheme, required_scopes

__all__ = ["SecuritySchemes"]


class SecuritySchemes:
    """The schemes one document names, and the requirement each operation gets.

    Args:
        api_auth: the API's scheme, if any (its open routes say ``security: []``).
        version: the document's OpenAPI version: 3.0 allows scopes only for
            OAuth 2 and OpenID Connect, so its requirements list none.
    """

    def __init__(self, api_auth: AuthScheme | None, version: str = "3.1.0") -> None:
        self.api_auth = api_auth
        self.scopes_allowed = version.startswith("3.1")
        #: name → entry, in the order first used.
        self.entries: dict[str, dict[str, Any]] = {}
        self._names: dict[int, str] = {}

    def name(self, scheme: AuthScheme) -> str:
        """The scheme's name in the document: its own, or suffixed if another entry has it."""
        base, entry = scheme.openapi()
        for name, known in self.entries.items():
            if known == entry and (name == base or name.startswith(f"{base}_")):
                return name
        name, n = base, 2
        while name in self.entries:
            name, n = f"{base}_{n}", n + 1
        self.entries[name] = entry
        return name

    def describe(self, operation: dict[str, Any], spec: RouteSpec, problems: Any) -> None:
        """Set ``operation``'s ``security`` and add the 401 and 403 it may answer."""
        scheme = spec.auth
        if scheme is None:
            if self.api_auth is not None:
                operation.setdefault("security", [])
            return
        scopes = list(dict.fromkeys((*scheme.scopes, *required_scopes(spec.dependencies))))
        requirement = {self.name(scheme): scopes if self.scopes_allowed else []}
        operation.setdefault("security", [requirement])
        responses = operation.setdefault("responses", {})
        responses.setdefault("401", _problem("Missing or invalid credentials.", problems))
        if scopes:
            what = f"The credentials lack a required scope: {', '.join(scopes)}."
            responses.setdefault("403", _problem(what, problems))


def _problem(description: str, problems: Any) -> dict[str, Any]:
    return {"description": description, "content": copy.deepcopy(problems)}
