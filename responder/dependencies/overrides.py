"""Overrides scoped to one test client or one ``with`` block, never a global dict.

``api.session(overrides={get_db: fake_db})`` wraps the app in
:class:`OverridingApp`, which puts the overrides in the ASGI scope of each
of that client's connections; ``with api.dependency_overrides({...}):`` sets
a context variable, which the test client carries into the app (it copies
the caller's context for each request). Both are checked when they are given.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..types import ASGIApp, Receive, Scope, Send
from .errors import DependencyResolutionError
from .graph import Graph, Node
from .signature import callable_name

__all__ = ["OVERRIDES_KEY", "OverridingApp", "active_overrides", "build_overrides", "overriding"]

#: Where a client's overrides live in the ASGI scope: ``(graph, {provider: node})``.
OVERRIDES_KEY = "responder.overrides"

_ACTIVE: contextvars.ContextVar[tuple[tuple[Graph, dict[Any, Node]], ...]] = (
    contextvars.ContextVar("responder_dependency_overrides", default=())
)


def build_overrides(graph: Graph, overrides: Mapping[Any, Any]) -> dict[Any, Node]:
    """Check each override against what it replaces; ``{original provider: override node}``.

    Keys are providers or registered names; values are providers (sync or
    async functions, or generators). An override runs in the scope of the
    provider it replaces and may ask only for what that provider could.

    Raises:
        TypeError: a value is not callable.
        DependencyResolutionError: a name is not registered, or the override
            needs an argument the original cannot provide.
        DependencyScopeError, DependencyCycleError: as for any provider.
    """
    built: dict[Any, Node] = {}
    for key, replacement in overrides.items():
        original = _original(graph, key)
        if not callable(replacement):
            raise TypeError(
                f"The override of {callable_name(original)} must be a provider, not "
                f"{replacement!r}; to inject a value, pass lambda: value."
            )
        node = graph.node(original)
        override = graph.node(replacement, scope=node.scope)
        extra = sorted(override.needs - node.needs)
        if extra:
            raise DependencyResolutionError(
                f"Override {callable_name(replacement)} needs {', '.join(extra)}, which "
                f"{node.name} never takes, so a route using it may have none to give."
            )
        built[original] = override
    return built


def _original(graph: Graph, key: Any) -> Callable[..., Any]:
    if isinstance(key, str):
        registered = graph.by_name.get(key)
        if registered is None:
            raise DependencyResolutionError(f"No dependency is registered as {key!r}.")
        return registered.provider
    if not callable(key):
        raise TypeError(f"Override keys are providers or registered names, not {key!r}.")
    provider: Callable[..., Any] = key
    return provider


@contextlib.contextmanager
def overriding(graph: Graph, overrides: Mapping[Any, Any]) -> Iterator[None]:
    """Apply ``overrides`` to requests made in this context (this thread or task)."""
    nodes = build_overrides(graph, overrides)
    token = _ACTIVE.set((*_ACTIVE.get(), (graph, nodes)))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_overrides(scope: Scope, graph: Graph) -> dict[Any, Node] | None:
    """The overrides for this connection: the client's, then ``with`` blocks, innermost last."""
    given = scope.get(OVERRIDES_KEY)
    frames = _ACTIVE.get()
    if given is None and not frames:
        return None
    merged: dict[Any, Node] = {}
    if given is not None and given[0] is graph:
        merged.update(given[1])
    for owner, nodes in frames:
        if owner is graph:
            merged.update(nodes)
    return merged or None


class OverridingApp:
    """An ASGI app that serves ``app`` with one client's overrides in every connection's scope."""

    def __init__(self, app: ASGIApp, graph: Graph, overrides: Mapping[Any, Any]) -> None:
        self.app = app
        self.value = (graph, build_overrides(graph, overrides))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the connection on, overrides added (lifespan passes through untouched)."""
        if scope["type"] != "lifespan":
            scope = {**scope, OVERRIDES_KEY: self.value}
        await self.app(scope, receive, send)
