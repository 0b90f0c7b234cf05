"""Dependency injection: providers, their graph, per-request values, teardown and overrides.

``Depends(provider)`` marks a parameter; ``api.dependency()`` registers a
provider by name and scope. The graph is resolved when a route is added
(cycles, scopes and unknown names are errors there); per request the
:class:`Injector` walks it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._lazy import on_first_call
from ..types import Scope
from .errors import (
    DependencyCycleError,
    DependencyError,
    DependencyResolutionError,
    DependencyScopeError,
)
from .graph import Depends, Graph, Node
from .runtime import SCOPE_KEY, AppValues, Call, RequestScope, request_scope, resolve

if TYPE_CHECKING:
    from .overrides import active_overrides
else:  # PERF: loaded by the first request that resolves a dependency; then called directly
    active_overrides = on_first_call(
        "responder.dependencies.overrides", "active_overrides", globals()
    )

__all__ = [
    "SCOPE_KEY",
    "Call",
    "DependencyCycleError",
    "DependencyError",
    "DependencyResolutionError",
    "DependencyScopeError",
    "Depends",
    "Graph",
    "Injector",
    "Node",
    "RequestScope",
    "resolve",
]


class Injector:
    """One API's providers (the graph), its app-scoped values, and its media registry.

    Args:
        media: the registry that renders a refused WebSocket handshake.
    """

    def __init__(self, media: Any = None) -> None:
        self.graph = Graph()
        self.app_values = AppValues()
        self.media = media

    def call(self, conn: dict[str, Any], scope: Scope) -> Call:
        """The resolution context of one connection (its cache, teardowns and overrides)."""
        return Call(
            conn, request_scope(scope), self.app_values, active_overrides(scope, self.graph)
        )

    async def resolve_all(
        self, nodes: tuple[Node, ...], conn: dict[str, Any], scope: Scope
    ) -> None:
        """Run ``nodes`` for their effect (a route's ``dependencies=[...]`` guards)."""
        call = self.call(conn, scope)
        for node in nodes:
            await resolve(node, call)
