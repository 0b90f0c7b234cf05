"""Responder with logging on (see ``bench.apps._observed``)."""

from bench.apps._observed import ONLY, observed

__all__ = ["ONLY", "app"]

app = observed(logging_on=True)
