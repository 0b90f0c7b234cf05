"""``req.params``: Starlette's query mapping, with ``get_list``.

A module of its own so that ``starlette.datastructures`` (with anyio and
``http.client``, about a fifth of ``import responder``) loads with the first
request that reads its query, headers or URL, not with the package.
"""

from __future__ import annotations

from starlette import datastructures

__all__ = ["QueryParams"]


class QueryParams(datastructures.QueryParams):
    """The query string: a mapping of each name to its last value, with every value on request.

    ``params["tag"]`` and ``dict(params)`` give the last ``tag``;
    ``params.get_list("tag")`` (or ``getlist``) gives them all, in order.
    """

    def get_list(self, key: str) -> list[str]:
        """Every value of ``key``, in the order sent; ``[]`` when absent."""
        return self.getlist(key)
