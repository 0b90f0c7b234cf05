"""Hooks: the one shape every user callback takes, and the one short-circuit rule.

A :class:`Hook` wraps a user callable (a global before/after hook, a
per-resource hook, an exception handler, a validation step) with the extra
arguments it was declared with. Whether it must be awaited is decided once,
when it is registered; callers await the hook, or run a list of them with
:func:`run_hooks` / :func:`run_before`, and never ask again.

:func:`run_before` holds the rule for every before hook, global or per
resource: **a before hook answered the request when it changed
``resp.status_code``**. A global before hook always starts from a response
with no status, so for it "changed" is "set".

This module also owns ``responder.before`` and ``responder.after``. Decorate a
responder (``on_get``, a function view) or a whole resource class. The hooks
are recorded on the decorated object and composed into the resource's
responders once, when the route is added, so a hook costs nothing at request
time beyond its own call.

A before hook is called as ``action(req, resp, resource, params, *args, **kwargs)``
and may change ``params`` (the path parameters). An after hook is called as
``action(req, resp, resource, *args, **kwargs)``. Either may be sync or async;
sync hooks run on the event loop, so keep them quick.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from .._concurrency import is_async_callable

__all__ = ["Hook", "after", "before", "hooks_of", "run_before", "run_hooks"]

T = TypeVar("T")

BEFORE_ATTR = "__responder_before__"
AFTER_ATTR = "__responder_after__"


class _Answerable(Protocol):
    """What the short-circuit rule reads of a response (kept abstract: hooks sit below it)."""

    @property
    def status_code(self) -> int | None:
        """The status set so far, if any."""


class Hook:
    """A user callable and its declared extra arguments, called the same way everywhere.

    ``call(*call_args)`` calls ``action(*call_args, *args, **kwargs)``;
    ``is_async`` says, decided once here, whether its result must be awaited.
    ``await hook(*call_args)`` does both; lists of hooks go through
    :func:`run_hooks` and :func:`run_before`, which inline the same step.
    """

    __slots__ = ("action", "args", "call", "is_async", "kwargs")

    def __init__(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.action = action
        self.args = args
        self.kwargs = kwargs
        self.is_async = is_async_callable(action)
        self.call: Callable[..., Any] = action
        if args or kwargs:  # PERF: without extras the action is called as it is

            def call(*call_args: Any) -> Any:
                return action(*call_args, *args, **kwargs)

            self.call = call

    async def __call__(self, *call_args: Any) -> None:
        """Run the action with the call's arguments followed by the declared ones."""
        if self.is_async:
            await self.call(*call_args)
        else:
            self.call(*call_args)

    def bound(self, inputs: Any, where: str) -> Hook:
        """Bind the hook to one route, when its action reads the route's inputs at registration.

        An action with a ``bind_route(inputs, where)`` method (``@conditional``,
        whose validators may take dependencies) is replaced by what it returns;
        any other hook is returned as it is.
        """
        bind = getattr(self.action, "bind_route", None)
        if bind is None:
            return self
        action = bind(inputs, where)
        return self if action is self.action else Hook(action, *self.args, **self.kwargs)

    def __repr__(self) -> str:
        return f"Hook({self.action!r}, args={self.args!r}, kwargs={self.kwargs!r})"


# PERF: the runners below inline ``await hook(...)``: a sync hook then costs a
# plain call, not a coroutine of its own (measured: ~0.2 µs a hook).


async def run_hooks(hooks: Sequence[Hook], *call_args: Any) -> None:
    """Run every hook in order (after hooks, validation checks)."""
    for hook in hooks:
        if hook.is_async:
            await hook.call(*call_args)
        else:
            hook.call(*call_args)


async def run_before(hooks: Sequence[Hook], resp: _Answerable, *call_args: Any) -> bool:
    """Run before hooks in order until one answers; True when one did.

    The rule, the same for global and per-resource hooks: a hook answered when
    ``resp.status_code`` differs after it from what it was before it. The
    caller then skips what the hooks guard (later before hooks, the view) but
    still runs the after hooks.
    """
    for hook in hooks:
        status = resp.status_code
        if hook.is_async:
            await hook.call(*call_args)
        else:
            hook.call(*call_args)
        if resp.status_code != status:
            return True
    return False


def before(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[T], T]:
    """Run ``action`` before the decorated responder(s).

    Hooks listed first run first. On a class, the hook applies to every
    ``on_<method>`` responder and runs before the responders' own hooks.
    """
    hook = Hook(action, *args, **kwargs)

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
    hook = Hook(action, *args, **kwargs)

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
