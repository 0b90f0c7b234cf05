"""Providers and the graph between them, resolved when a route (or an override) is given.

A :class:`Node` is one provider with everything its call needs worked out:
how to call it (async, sync, generator), its scope, and where each of its
arguments comes from. Per request, nothing is inspected: the runtime walks
the nodes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import field
from typing import Any

from .._concurrency import is_async_callable
from .._records import record
from .errors import DependencyCycleError, DependencyResolutionError, DependencyScopeError
from .signature import callable_name, read_signature

__all__ = ["SCOPES", "Depends", "Graph", "Node", "Registered", "context_of"]

SCOPES = ("request", "app")
#: The per-connection objects a provider can ask for, by parameter name.
CONTEXT_NAMES = {"req": "req", "request": "req", "resp": "resp", "response": "resp"}
CONTEXT_NAMES.update({"ws": "ws", "websocket": "ws"})


class Depends:
    """Mark a parameter as given by ``provider``: ``db = Depends(get_db)``.

    The provider runs once per request (its value is shared by every
    parameter and provider that asks for it), unless it was registered with
    ``scope="app"``, when it runs once for the app's life.
    """

    __slots__ = ("provider",)

    def __init__(self, provider: Callable[..., Any]) -> None:
        if not callable(provider):
            raise TypeError(f"Depends() takes a provider function, not {provider!r}.")
        self.provider = provider

    def __repr__(self) -> str:
        return f"Depends({callable_name(self.provider)})"


@record(eq=False)
class Node:
    """One provider, ready to call.

    Attributes:
        provider: the function (or generator function) that makes the value.
        scope: ``"request"`` or ``"app"``.
        kind: ``"async"``, ``"sync"``, ``"async_gen"`` or ``"gen"``.
        inputs: ``(argument name, source)`` pairs; a source is ``"req"``,
            ``"resp"``, ``"ws"`` or another node.
        needs: the connection objects it needs, itself or through its inputs.
    """

    provider: Callable[..., Any]
    scope: str
    kind: str
    inputs: tuple[tuple[str, Any], ...] = ()
    needs: frozenset[str] = field(default_factory=frozenset)

    @property
    def name(self) -> str:
        """The provider's name, for messages."""
        return callable_name(self.provider)


@record(frozen=True)
class Registered:
    """A provider registered on the API, with its scope (and the name it answers to)."""

    provider: Callable[..., Any]
    scope: str


def context_of(declared_name: str, annotation: Any) -> str | None:
    """Which connection object a parameter asks for (``"req"``, ``"resp"``, ``"ws"``), if any."""
    if annotation is not None and isinstance(annotation, type):
        from ..request import Request
        from ..response import Response
        from ..websockets import WebSocket

        for cls, kind in ((Request, "req"), (Response, "resp"), (WebSocket, "ws")):
            if issubclass(annotation, cls):
                return kind
    return CONTEXT_NAMES.get(declared_name)


class Graph:
    """An API's providers: by name and by identity, and the nodes built from them.

    Two providers with the same ``__name__`` are two providers: every lookup
    but the by-name one goes by identity.
    """

    def __init__(self) -> None:
        self.by_name: dict[str, Registered] = {}
        self.scopes: dict[Callable[..., Any], str] = {}
        self._nodes: dict[Callable[..., Any], Node] = {}

    def register(self, name: str, provider: Callable[..., Any], scope: str = "request") -> None:
        """Make ``provider`` available as ``name`` (and by identity, with its scope).

        Raises:
            ValueError: the scope is unknown, or the name is taken by another provider.
            TypeError: ``provider`` is not callable.
        """
        if scope not in SCOPES:
            raise ValueError(f"A dependency's scope is 'request' or 'app', not {scope!r}.")
        if not callable(provider):
            raise TypeError(f"Dependency {name!r} needs a provider function, not {provider!r}.")
        known = self.by_name.get(name)
        if known is not None and known.provider is not provider:
            raise ValueError(
                f"A dependency named {name!r} is already registered "
                f"({callable_name(known.provider)}); choose another name."
            )
        self.by_name[name] = Registered(provider, scope)
        self.scopes[provider] = scope
        self._nodes.pop(provider, None)

    def node(self, provider: Callable[..., Any], scope: str | None = None) -> Node:
        """The node for ``provider`` (built once), in its registered scope unless told.

        Raises:
            DependencyCycleError, DependencyScopeError, DependencyResolutionError.
        """
        if scope is None:
            found = self._nodes.get(provider)
            if found is not None:
                return found
        node = self._build(provider, scope or self.scopes.get(provider, "request"), ())
        if scope is None:
            self._nodes[provider] = node
        return node

    def _build(self, provider: Callable[..., Any], scope: str, path: tuple[Any, ...]) -> Node:
        if provider in path:
            chain = " -> ".join(
                callable_name(p) for p in (*path[path.index(provider) :], provider)
            )
            raise DependencyCycleError(f"Dependencies form a cycle: {chain}.")
        read = read_signature(provider, 0, lambda value: isinstance(value, Depends))
        inputs: list[tuple[str, Any]] = []
        needs: set[str] = set()
        for declared in read[0] if read is not None else ():
            source = self._source(provider, declared, (*path, provider))
            if source is None:
                continue
            inputs.append((declared.name, source))
            needs.update(source.needs if isinstance(source, Node) else (source,))
        node = Node(provider, scope, _kind(provider), tuple(inputs), frozenset(needs))
        _check_scope(node)
        return node

    def _source(self, provider: Callable[..., Any], declared: Any, path: tuple[Any, ...]) -> Any:
        """Where one argument of ``provider`` comes from; None to leave it to its default."""
        if isinstance(declared.marker, Depends):
            inner = declared.marker.provider
            return self._cached(inner, self.scopes.get(inner, "request"), path)
        kind = context_of(declared.name, declared.annotation)
        if kind is not None:
            return kind
        registered = self.by_name.get(declared.name)
        if registered is not None:
            return self._cached(registered.provider, registered.scope, path)
        if declared.has_default:
            return None
        raise DependencyResolutionError(
            f"Provider {callable_name(provider)} needs {declared.name!r}, which is neither "
            "req, resp, ws, a Depends(...) default nor a registered dependency; register "
            f"it with api.add_dependency({declared.name!r}, provider) or give it a default."
        )

    def _cached(self, provider: Callable[..., Any], scope: str, path: tuple[Any, ...]) -> Node:
        found = self._nodes.get(provider)
        if found is not None and found.scope == scope:
            return found
        node = self._build(provider, scope, path)
        if scope == self.scopes.get(provider, "request"):
            self._nodes[provider] = node
        return node


def _kind(provider: Callable[..., Any]) -> str:
    target = inspect.unwrap(provider) if inspect.isfunction(provider) else provider
    if inspect.isasyncgenfunction(target):
        return "async_gen"
    if inspect.isgeneratorfunction(target):
        return "gen"
    return "async" if is_async_callable(provider) else "sync"


def _check_scope(node: Node) -> None:
    """Refuse an app-scoped node that needs a request, a response, a socket or a request node."""
    if node.scope != "app":
        return
    for name, source in node.inputs:
        if isinstance(source, Node) and source.scope == "app":
            continue
        what = f"the request-scoped {source.name}" if isinstance(source, Node) else source
        raise DependencyScopeError(
            f"App-scoped provider {node.name} cannot depend on {what} (its argument "
            f"{name!r}): it runs once for the app's life, not once per request."
        )
