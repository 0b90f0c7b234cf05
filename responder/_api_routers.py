"""``api.include_router``, a mixin of ``API``: `responder.routers` loads with the first router.

An app that includes no router (and builds none) never imports the module
that records and walks them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .resources.auth import NOT_GIVEN

if TYPE_CHECKING:
    from .resources.hooks import Hook
    from .routers import Router

__all__ = ["RouterInclusion"]


class RouterInclusion:
    """``api.include_router``: a mixin of :class:`responder.API`."""

    _router_hooks: tuple[Hook, ...] = ()  # set while include_router adds a router's routes
    add_route: Callable[..., Any]
    add_websocket_route: Callable[..., Any]

    def include_router(
        self,
        router: Router,
        *,
        prefix: str = "",
        tags: Sequence[str] = (),
        dependencies: Sequence[Any] = (),
        name: str | None = None,
        auth: Any = NOT_GIVEN,
    ) -> None:
        """Add ``router``'s routes (nested routers' too) under ``prefix``.

        ``dependencies`` guard every HTTP route of the router, before the
        router's own guards (WebSocket routes take their guards themselves).
        ``auth`` guards the HTTP routes for which neither the route nor a
        router says otherwise, instead of the API's.

        Prefixes compose (``prefix`` + the router's own + its routes' paths),
        tags merge, names are namespaced by ``name`` and the routers' names
        (``url_for("users:detail")``), and each router's before hooks run for
        its own routes only. A router may be included more than once, at
        different prefixes (give each inclusion its own ``name`` to
        address each one by name).

        Raises:
            ValueError: a path or a given name is taken (what was added
                before it stays: fix the app and restart).
        """
        from .routers import add_routes_of

        add_routes_of(self, router, prefix, tags, dependencies, name, auth)
