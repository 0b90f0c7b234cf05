"""Optional extensions: import each one from its own module (e.g. ``responder.ext.ratelimit``)."""

from typing import Any

__all__ = ["GraphQLView"]


def __getattr__(name: str) -> Any:
    # GraphQLView is importable from here, but graphene loads only when it is used.
    if name == "GraphQLView":
        from .graphql import GraphQLView

        return GraphQLView
    raise AttributeError(f"module 'responder.ext' has no attribute {name!r}")
