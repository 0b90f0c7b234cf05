"""The typed description of one HTTP registration, read by routing, validation and OpenAPI.

A :class:`RouteSpec` is built once, when a route is added, and stored on every
handler the registration produces; nothing reads it per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any, TypedDict

from .._records import record
from .hooks import Hook

if TYPE_CHECKING:
    from ..csrf import CSRF

__all__ = ["RouteOptions", "RouteSpec"]


class RouteOptions(TypedDict, total=False):
    """The keywords of ``add_route`` after the path and endpoint, typed once.

    ``route``, the verb decorators (``get``, ``post``, ...) and groups take
    them as ``**options`` and pass them on, so type checkers see every option
    and a misspelt one is an error where it is written.
    """

    methods: list[str] | None
    name: str | None
    websocket: bool
    before_request: bool
    check_existing: bool
    request_model: Any
    response_model: Any
    status_code: int | None
    params_model: Any
    dependencies: list[Any] | None
    static: bool
    include_in_schema: bool
    tags: list[str] | None
    summary: str | None
    description: str | None
    operation_id: str | None
    deprecated: bool
    responses: dict[Any, Any] | None
    timeout: float | bool | None
    auth: Any
    sync_to_thread: bool


@record(frozen=True, slots=True)
class RouteSpec:
    """What one ``add_route`` said about its endpoint, in one typed place.

    Attributes:
        path: the template as written, e.g. ``/items/{id:int}``.
        methods: the methods a function view answers (upper case), or None
            when it was not restricted (or the endpoint is a resource).
        name: what ``url_for("name")`` finds: ``name=``, namespaced by the
            routers it was included through (``users:detail``), or the
            endpoint's ``__name__``.
        request_model, response_model: the pydantic model or marshmallow
            schema that validates request bodies and serializes responses;
            ``response_model=False`` turns off the check a return annotation
            would make.
        status_code: the status a successful answer gets when the view sets
            none (``201`` for a create), or None for 200.
        tags, summary, description, operation_id, deprecated, responses: the
            operation's OpenAPI fields; the docstring's YAML wins where it
            says the same thing. ``responses`` is keyed by status (``201``,
            ``"4XX"``, ``"default"``).
        include_in_schema: whether the OpenAPI document lists the route.
        params_model: the model that validates the whole query string.
        dependencies: the route's ``Depends(...)`` guards, outermost first
            (a group's before the route's own; the API's own run before all).
        all_methods: a function view registered with no ``methods=``: it
            answers everything, so its docs say which methods it means.
        before: the before hooks of the routers it was included through,
            outermost first; they run before anything of the route's own.
        timeout: the seconds its handlers have before the client gets a 504
            (``timeout=``, else the API's ``request_timeout``), or None.
        csrf: the API's CSRF settings (``API(csrf=...)``), or None when off.
        auth: the scheme (``responder.ext.auth``) that guards it: its own
            ``auth=``, else its routers', else the API's; None for none.
        sync_to_thread: whether its plain ``def`` responders (and
            ``on_request``) run on the worker threads (the default) or, when
            False, on the event loop itself: faster, and safe only for code
            that never blocks (see the performance guide).
    """

    path: str
    methods: tuple[str, ...] | None = None
    name: str | None = None
    request_model: Any = None
    response_model: Any = None
    status_code: int | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    description: str | None = None
    operation_id: str | None = None
    deprecated: bool = False
    responses: Mapping[Any, Any] = field(default_factory=dict)
    include_in_schema: bool = True
    all_methods: bool = False
    before: tuple[Hook, ...] = ()
    params_model: Any = None
    dependencies: tuple[Any, ...] = ()
    timeout: float | None = None
    csrf: CSRF | None = None
    auth: Any = None
    sync_to_thread: bool = True

    def __post_init__(self) -> None:
        status = self.status_code
        if status is not None and (type(status) is not int or not 100 <= status <= 599):
            raise ValueError(f"status_code must be an int from 100 to 599, not {status!r}.")
        if type(self.sync_to_thread) is not bool:
            raise TypeError(f"sync_to_thread must be True or False, not {self.sync_to_thread!r}.")
        operation_id = self.operation_id
        if operation_id is not None and (type(operation_id) is not str or not operation_id):
            raise ValueError(f"operation_id must be a non-empty str, not {operation_id!r}.")
