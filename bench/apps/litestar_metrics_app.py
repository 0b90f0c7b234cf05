"""Litestar with its metrics on (see ``bench.apps._peers_observed``)."""

from bench.apps._peers_observed import ONLY, litestar_metered

__all__ = ["ONLY", "app"]

app = litestar_metered()
