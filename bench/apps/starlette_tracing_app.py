"""Starlette with its tracing on (see ``bench.apps._peers_observed``)."""

from bench.apps._peers_observed import ONLY, starlette_traced

__all__ = ["ONLY", "app"]

app = starlette_traced()
