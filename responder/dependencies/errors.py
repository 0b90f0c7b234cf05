"""The errors a dependency declaration can raise, all at registration."""

from __future__ import annotations

__all__ = [
    "DependencyCycleError",
    "DependencyError",
    "DependencyResolutionError",
    "DependencyScopeError",
]


class DependencyError(TypeError):
    """A dependency cannot be wired as declared (raised when the route or override is given).

    A ``TypeError``, like every other mistake in a view's signature.
    """


class DependencyCycleError(DependencyError):
    """Providers depend on each other in a circle (``a -> b -> a``)."""


class DependencyScopeError(DependencyError):
    """An app-scoped provider depends on something that lives only for one request."""


class DependencyResolutionError(DependencyError):
    """A parameter of a provider or a view names nothing that can be provided."""
