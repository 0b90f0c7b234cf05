"""Responder with all three on, tracing one request in ten (see ``bench.apps._observed``)."""

from bench.apps._observed import ONLY, observed

__all__ = ["ONLY", "app"]

app = observed(metrics=True, logging_on=True, tracing=True, sample=0.1)
