"""Responder with tracing on (see ``bench.apps._observed``)."""

from bench.apps._observed import ONLY, observed

__all__ = ["ONLY", "app"]

app = observed(tracing=True)
