"""GraphQL over HTTP with graphene: ``api.graphql(path, schema=...)``.

GET runs queries from ``?query=`` (or its short alias ``?q=``; a mutation
over GET is a 405 with ``Allow: POST``: GETs must be safe). POST takes
``application/json`` (or any registered format that is not a CORS-safelisted
one) with ``query``, ``variables`` and ``operationName``, or
``application/graphql`` with the query as a UTF-8 body. Form and
``text/plain`` bodies are refused with 415: a browser sends them cross-site
without a preflight, so accepting them would let any page run mutations with
a visitor's cookies. A browser asking for HTML gets GraphiQL.

Results are ``{"data": ..., "errors": [...]}`` in the negotiated format.
Following the GraphQL-over-HTTP conventions, a request that cannot run (no
query, a syntax or validation error, over a limit) is a 400 with ``errors``;
errors raised while executing a valid request come back with status 200
next to the data that could be computed. Every refusal the view makes (400,
405, 413, 415) has the GraphQL shape ``{"errors": [{"message": ...}]}`` rather
than problem details, since that is what GraphQL clients read.

Parsing, validation and execution run in the worker thread pool, one hop per
request, so neither a large document nor a slow sync resolver holds up the
event loop; async resolvers (and the fields below them) run on the loop.
What a request may ask for is bounded by :class:`GraphQLLimits`.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
)

from .._concurrency import run_sync
from ..docs.assets import DEFAULT_ASSETS_URL, asset_attributes
from ..errors import HTTPError, HTTPMethodNotAllowed, HTTPUnsupportedMediaType
from ..media.negotiation import body_charset, parse_accept, parse_content_type, quality
from .graphql_limits import (
    GraphQLLimits,
    document_errors,
    parse_query,
    standard_rules,
    validation_errors,
    variables_errors,
)

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["GraphQLLimits", "GraphQLView", "graphiql_page"]

#: Bodies a browser may send cross-site without a CORS preflight.
_SIMPLE_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""}
)


class _Refused(Exception):
    """The request cannot run: a 400 with these GraphQL errors."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__(errors)
        self.errors = errors


class GraphQLView:
    """A resource that serves a graphene schema.

    Args:
        schema: a ``graphene.Schema``.
        api: an API whose ``docs_assets_url`` GraphiQL loads from, read once
            here (``api.graphql`` passes ``assets_url`` instead).
        assets_url: where GraphiQL loads React and GraphiQL from: a template
            with ``{package}`` and ``{version}`` (a CDN by default).
        graphiql: serve GraphiQL to browsers that ask for HTML.
        **limits: any field of :class:`GraphQLLimits` (``max_query_size``,
            ``max_tokens``, ``max_depth``, ``max_fields``, ``max_aliases``,
            ``max_variables_depth``, ``max_variable_values``,
            ``max_validation_cost``); ``None`` turns one off, and the ones
            not given keep their defaults.

    Raises:
        TypeError: an unknown limit.
        ValueError: a limit that is not a positive int or None.
    """

    def __init__(
        self,
        *,
        schema: Any,
        api: object = None,
        assets_url: str | None = None,
        graphiql: bool = True,
        **limits: int | None,
    ) -> None:
        # Only the asset URL is read off ``api``, once: the view holds no reference back.
        self.assets_url = assets_url or getattr(api, "docs_assets_url", None) or DEFAULT_ASSETS_URL
        self.schema = schema
        self.graphiql = graphiql
        self.limits = GraphQLLimits(**limits)  # checked once, here, not per request
        self.rules = standard_rules(self.limits.max_validation_cost)

    async def on_get(self, req: Request, resp: Response) -> None:
        """Run a query from the query string (``?query=`` or ``?q=``), or show GraphiQL."""
        params = req.params
        if self.graphiql and "query" not in params and "q" not in params and _wants_html(req):
            resp.html = graphiql_page(self.assets_url, req.url.path)
            return
        try:
            await self._run(req, resp, _from_params(req), allow_mutations=False)
        except HTTPError as error:
            _http_error(resp, error)

    async def on_post(self, req: Request, resp: Response) -> None:
        """Run a query or mutation from the body."""
        try:
            await self._run(req, resp, await _payload(req), allow_mutations=True)
        except HTTPError as error:
            _http_error(resp, error)

    async def _run(
        self, req: Request, resp: Response, payload: Any, *, allow_mutations: bool
    ) -> None:
        query, variables, operation_name = _unpack(payload)
        context = {"request": req, "response": resp}
        try:
            # PERF: one thread hop runs parse, validate and the sync part of execution.
            result = await run_sync(
                self._execute, query, variables, operation_name, allow_mutations, context
            )
        except _Refused as refusal:
            return _request_error(resp, refusal.errors)
        if inspect.isawaitable(result):  # async resolvers finish on the event loop
            result = await result
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        resp.media = body

    def _execute(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        allow_mutations: bool,
        context: dict[str, Any],
    ) -> ExecutionResult | Awaitable[ExecutionResult]:
        """Check, parse, validate and run the request (in a worker thread).

        Raises:
            _Refused: the request cannot run.
            HTTPMethodNotAllowed: a mutation sent with GET.
        """
        limits = self.limits
        errors = variables_errors(variables, limits)
        if errors:
            raise _Refused(errors)
        try:
            document = parse_query(query, limits)
        except GraphQLError as error:
            raise _Refused([error]) from None
        # The cheap, linear checks first: the standard rules then see only bounded documents.
        errors = document_errors(document, limits)
        if errors:
            raise _Refused(errors)
        operation = _operation(document, operation_name)
        if operation is None:
            raise _Refused([GraphQLError("No operation with that name.")])
        if operation.operation is not OperationType.QUERY and not allow_mutations:
            raise HTTPMethodNotAllowed(["POST"], detail="Mutations must be sent with POST.")
        errors = validation_errors(self.schema.graphql_schema, document, self.rules)
        if errors:
            raise _Refused(errors)
        return execute(  # the document is parsed and validated once, above
            self.schema.graphql_schema,
            document,
            variable_values=variables,
            operation_name=operation_name,
            context_value=context,
        )


async def _payload(req: Request) -> Any:
    """The POSTed request: a decoded body, or the query itself for ``application/graphql``."""
    mimetype = req.mimetype
    if mimetype in _SIMPLE_TYPES:
        raise HTTPUnsupportedMediaType(
            detail="Send GraphQL as application/json or application/graphql; form and "
            "text/plain bodies are refused to prevent cross-site request forgery.",
        )
    if mimetype == "application/graphql":
        return {"query": _utf8_query(req.headers.get("content-type"), await req.content)}
    return await req.media()


def _utf8_query(content_type: str | None, body: bytes) -> str:
    """An ``application/graphql`` body as text: UTF-8 only, as GraphQL over HTTP has it.

    Any other ``charset`` is a 415 naming it, so a codec that is not a text
    encoding (``idna``, ``hex``, ``rot13``, ``zlib``) never sees the body.
    """
    charset = parse_content_type(content_type)[1].get("charset")
    if charset is not None and body_charset(charset) != "utf-8":
        raise HTTPUnsupportedMediaType(
            detail=f"An application/graphql body must be UTF-8, not charset={charset!r}."
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, detail="The query is not valid UTF-8.") from None


def _http_error(resp: Response, error: HTTPError) -> None:
    """Answer a request that cannot run the GraphQL way: its status, ``{"errors": [...]}``."""
    resp.status_code = error.status
    if error.headers:
        resp.headers.update(error.headers)  # e.g. Allow: POST with a 405
    resp.media = {"errors": [{"message": error.detail or error.title}]}


def _wants_html(req: Request) -> bool:
    ranges = parse_accept(req.headers.get("accept"))
    return quality(ranges, "text/html") > quality(ranges, "application/json")


def _from_params(req: Request) -> dict[str, Any]:
    params = req.params
    variables: Any = params.get("variables")
    if variables:
        try:
            variables = json.loads(variables)
        except RecursionError:  # json's C parser refuses to nest past the stack
            raise HTTPError(400, detail="The variables nest too deeply.") from None
        except ValueError:
            raise HTTPError(400, detail="variables must be a JSON object.") from None
    return {
        "query": params.get("query", params.get("q")),
        "variables": variables,
        "operationName": params.get("operationName"),
    }


def _unpack(payload: Any) -> tuple[str, dict[str, Any] | None, str | None]:
    if not isinstance(payload, dict):
        raise HTTPError(400, detail="The body must be an object with a 'query'.")
    query = payload.get("query")
    variables = payload.get("variables")
    operation_name = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise HTTPError(400, detail="A GraphQL request needs a 'query' string.")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPError(400, detail="'variables' must be an object.")
    if operation_name is not None and not isinstance(operation_name, str):
        raise HTTPError(400, detail="'operationName' must be a string.")
    return query, variables, operation_name


def _request_error(resp: Response, errors: list[GraphQLError]) -> None:
    resp.status_code = 400
    resp.media = {"errors": [error.formatted for error in errors]}


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


@functools.lru_cache(maxsize=32)  # a view serves one path (per root_path): built once each
def graphiql_page(assets_url: str, endpoint: str) -> str:
    """The GraphiQL page, loading React and GraphiQL from ``assets_url``.

    Their releases are pinned, and their tags carry integrity hashes when
    ``assets_url`` names the version (see :mod:`responder.docs.assets`).

    Args:
        assets_url: a template with ``{package}`` and ``{version}``, as
            ``API(docs_assets_url=...)`` takes.
        endpoint: the path the page sends its queries to.
    """

    def asset(package: str, path: str, attribute: str = "src") -> str:
        return asset_attributes(assets_url, package, path, attribute)

    url = json.dumps(endpoint)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL</title>
<style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
<link rel="stylesheet" {asset("graphiql", "graphiql.min.css", "href")}>
</head>
<body>
<div id="graphiql">Loading…</div>
<script {asset("react", "umd/react.production.min.js")}></script>
<script {asset("react-dom", "umd/react-dom.production.min.js")}></script>
<script {asset("graphiql", "graphiql.min.js")}></script>
<script>
const fetcher = GraphiQL.createFetcher({{ url: {url} }});
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {{ fetcher: fetcher }})
);
</script>
</body>
</html>
"""
