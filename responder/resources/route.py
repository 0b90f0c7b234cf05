"""A route: one path template and the handlers that answer it, by method."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .adapters import METHODS, Checks, Handler, adapt
from .planned import Inputs
from .routing import PathTemplate
from .spec import RouteSpec
from .timeouts import with_deadline

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["Route"]


class Route:
    """A path template with its handlers, plus the HEAD and OPTIONS answers derived from them.

    Several endpoints can share one route (``check_existing=False``) as long
    as they answer different methods.
    """

    __slots__ = ("_explicit", "allowed", "endpoints", "handlers", "template")

    def __init__(self, template: PathTemplate) -> None:
        self.template = template
        self.endpoints: list[Any] = []
        self._explicit: dict[str, Handler] = {}  # what endpoints answer themselves
        self.handlers: dict[str, Handler] = {}  # plus derived HEAD and OPTIONS
        self.allowed: tuple[str, ...] = ()

    @property
    def explicit(self) -> dict[str, Handler]:
        """The handlers endpoints provide themselves (no derived HEAD or OPTIONS)."""
        return dict(self._explicit)

    @property
    def path(self) -> str:
        """The template as written, e.g. ``/items/{id:int}``."""
        return self.template.template

    def add(
        self,
        endpoint: Any,
        spec: RouteSpec | None = None,
        checks: Checks = ((), ()),
        inputs: Inputs | None = None,
    ) -> Any:
        """Adapt ``endpoint`` as ``spec`` describes it and add its handlers; returns the resource.

        Raises:
            ValueError: a method is already answered by another endpoint.
        """
        spec = spec or RouteSpec(self.path)
        resource, handlers = adapt(
            endpoint,
            self.template.param_names,
            spec.methods,
            spec,
            checks,
            path=self.path,
            inputs=inputs,
        )
        if spec.csrf is not None:  # PERF: only an API with csrf= wraps its handlers
            from .csrf_guard import with_csrf  # and only it loads the CSRF module

            handlers = with_csrf(handlers, spec.csrf, endpoint)
        if spec.timeout is not None:  # PERF: only timed routes carry a deadline
            handlers = with_deadline(handlers, spec.timeout)
        clash = sorted(set(self._explicit) & set(handlers))
        if clash:
            raise ValueError(f"Route {self.path!r} already answers {', '.join(clash)}.")
        self._explicit.update(handlers)
        self.endpoints.append(endpoint)
        self._derive()
        return resource

    def _derive(self) -> None:
        """Answer HEAD from GET and OPTIONS with ``Allow`` when the resource does not."""
        handlers = dict(self._explicit)
        if "GET" in handlers and "HEAD" not in handlers:
            handlers["HEAD"] = handlers["GET"]
        allowed = set(handlers) | {"OPTIONS"}
        self.allowed = tuple(m for m in METHODS if m in allowed)
        if "OPTIONS" not in handlers:
            allow = ", ".join(self.allowed)
            handlers["OPTIONS"] = Handler(_options(allow), resource=None, responder=None)
        self.handlers = handlers


def _options(allow: str) -> Any:
    async def answer_options(req: Request, resp: Response, params: dict[str, Any]) -> None:
        resp.headers["allow"] = allow
        resp.status_code = resp.status_code or 200

    return answer_options
