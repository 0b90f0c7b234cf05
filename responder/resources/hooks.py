"""Per-resource hooks: ``responder.before`` and ``responder.after``.

Decorate a responder (``on_get``, a function view) or a whole resource class.
The hooks are recorded on the decorated object and composed into the
resource's responders once, when the route is added, so a hook costs nothing
at request time beyond its own call.

A before hook is called as ``action(req, resp, resource, params, *args, **kwargs)``
and may change ``params`` (the path parameters). A before hook that changes
``resp.status_code`` answers the request: the remaining before hooks and the
responder are skipped, the after hooks still run. An after hook is called as
``action(req, resp, resource, *args, **kwargs)``. Either may be sync or async;
sync hooks run on the event loop, so keep them quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .._concurrency import is_async_callable

__all__ = ["Hook", "after", "before", "hooks_of"]

T = TypeVar("T")

BEFORE_ATTR = "__responder_before__"
AFTER_ATTR = "__responder_after__"


@dataclass(frozen=True)
class Hook:
    """A hook action with the extra arguments it was declared with."""

    action: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_async(self) -> bool:
        """Whether the action must be awaited."""
        return is_async_callable(self.action)


def before(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[T], T]:
    """Run ``action`` before the decorated responder(s).

    Hooks listed first run first. On a class, the hook applies to every
    ``on_<method>`` responder and runs before the responders' own hooks.
    """
    hook = Hook(action, args, kwargs)

    def decorator(target: T) -> T:
        setattr(target, BEFORE_ATTR, (hook, *getattr(target, BEFORE_ATTR, ())))
        return target

    return decorator


def after(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[T], T]:
    """Run ``action`` after the decorated responder(s).

    The hook nearest the function runs first, as if each wrapped the next. On a
    class, the hook applies to every ``on_<method>`` responder and runs after
    the responders' own hooks.
    """
    hook = Hook(action, args, kwargs)

    def decorator(target: T) -> T:
        setattr(target, AFTER_ATTR, (*getattr(target, AFTER_ATTR, ()), hook))
        return target

    return decorator


def hooks_of(resource: Any, responder: Any) -> tuple[tuple[Hook, ...], tuple[Hook, ...]]:
    """The before and after hooks that apply to ``responder`` of ``resource``."""
    owner = resource if isinstance(resource, type) else type(resource)
    class_before: tuple[Hook, ...] = ()
    class_after: tuple[Hook, ...] = ()
    if resource is not responder:
        class_before = getattr(owner, BEFORE_ATTR, ())
        class_after = getattr(owner, AFTER_ATTR, ())
    own_before = getattr(responder, BEFORE_ATTR, ())
    own_after = getattr(responder, AFTER_ATTR, ())
    if own_before is class_before:  # a class attribute seen through the method
        own_before = ()
    if own_after is class_after:
        own_after = ()
    return (*class_before, *own_before), (*own_after, *class_after)
