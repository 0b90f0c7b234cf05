"""Litestar with its tracing on (see ``bench.apps._peers_observed``)."""

from bench.apps._peers_observed import ONLY, litestar_traced

__all__ = ["ONLY", "app"]

app = litestar_traced()
