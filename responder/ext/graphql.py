"""GraphQL over HTTP with graphene: ``api.graphql(path, schema=...)``.

GET runs queries from ``?query=`` (or its short alias ``?q=``; a mutation
over GET is a 405 with ``Allow: POST``: GETs must be safe). POST takes
``application/json`` (or any registered format that is not a CORS-safelisted
one) with ``query``, ``variables`` and ``operationName``, or
``application/graphql`` with the query as the body. Form and ``text/plain``
bodies are refused with 415: a browser sends them cross-site without a
preflight, so accepting them would let any page run mutations with a
visitor's cookies. A browser asking for HTML gets GraphiQL.

Results are ``{"data": ..., "errors": [...]}`` in the negotiated format.
Following the GraphQL-over-HTTP conventions, a request that cannot run (no
query, a syntax or validation error, too deep) is a 400 with ``errors``;
errors raised while executing a valid request come back with status 200
next to the data that could be computed. Every refusal the view makes (400,
405, 413, 415) has the GraphQL shape ``{"errors": [{"message": ...}]}`` rather
than problem details, since that is what GraphQL clients read.
"""

from __future__ import annotations

import html
import inspect
import json
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute,
    parse,
    validate,
)

from .. import HTTPError, HTTPMethodNotAllowed, HTTPUnsupportedMediaType
from ..media.negotiation import parse_accept, quality

if TYPE_CHECKING:
    from .. import API, Request, Response

__all__ = ["GraphQLView", "graphiql_page"]

#: Bodies a browser may send cross-site without a CORS preflight.
_SIMPLE_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""}
)


class GraphQLView:
    """A resource that serves a graphene schema.

    Args:
        api: the API (for the GraphiQL asset URL).
        schema: a ``graphene.Schema``.
        graphiql: serve GraphiQL to browsers that ask for HTML.
        max_depth: refuse queries nested deeper than this (None: no limit).
    """

    def __init__(
        self, *, api: API, schema: Any, graphiql: bool = True, max_depth: int | None = None
    ) -> None:
        self.api = api
        self.schema = schema
        self.graphiql = graphiql
        self.max_depth = max_depth

    async def on_get(self, req: Request, resp: Response) -> None:
        """Run a query from the query string (``?query=`` or ``?q=``), or show GraphiQL."""
        params = req.params
        if self.graphiql and "query" not in params and "q" not in params and _wants_html(req):
            resp.html = graphiql_page(self.api, req.url.path)
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
        try:
            document = parse(query)
        except GraphQLError as error:
            return _request_error(resp, [error])
        errors = validate(self.schema.graphql_schema, document)
        if not errors and self.max_depth is not None:
            errors = _depth_errors(document, self.max_depth)
        if errors:
            return _request_error(resp, errors)
        operation = _operation(document, operation_name)
        if operation is None:
            return _request_error(resp, [GraphQLError("No operation with that name.")])
        if operation.operation is not OperationType.QUERY and not allow_mutations:
            raise HTTPMethodNotAllowed(["POST"], detail="Mutations must be sent with POST.")
        result = execute(  # the document is parsed and validated once, above
            self.schema.graphql_schema,
            document,
            variable_values=variables,
            operation_name=operation_name,
            context_value={"request": req, "response": resp},
        )
        if inspect.isawaitable(result):
            result = await result
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        resp.media = body


async def _payload(req: Request) -> Any:
    """The POSTed request: a decoded body, or the query itself for ``application/graphql``."""
    mimetype = req.mimetype
    if mimetype in _SIMPLE_TYPES:
        raise HTTPUnsupportedMediaType(
            detail="Send GraphQL as application/json or application/graphql; form and "
            "text/plain bodies are refused to prevent cross-site request forgery.",
        )
    if mimetype == "application/graphql":
        return {"query": await req.text}
    return await req.media()


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


def _depth_errors(document: DocumentNode, limit: int) -> list[GraphQLError]:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            depth = _depth(definition.selection_set, fragments, 0, limit, frozenset())
            if depth > limit:
                return [GraphQLError(f"The query is nested deeper than {limit} levels.")]
    return []


def _depth(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    depth: int,
    limit: int,
    seen: frozenset[str],
) -> int:
    if selections is None or depth > limit:
        return depth
    deepest = depth
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            below = _depth(selection.selection_set, fragments, depth + 1, limit, seen)
        elif isinstance(selection, InlineFragmentNode):
            below = _depth(selection.selection_set, fragments, depth, limit, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = fragments.get(selection.name.value)
            spread = seen | {selection.name.value}
            below = _depth(
                fragment.selection_set if fragment else None, fragments, depth, limit, spread
            )
        else:
            continue
        deepest = max(deepest, below)
    return deepest


# GraphiQL 4 is the last release that runs from plain files (with React 18's UMD builds).
GRAPHIQL_PACKAGES = {"react": "18", "react-dom": "18", "graphiql": "4"}


def graphiql_page(api: API, endpoint: str) -> str:
    """The GraphiQL page, loading React and GraphiQL from the API's asset URL."""
    from ..docs.ui import DEFAULT_ASSETS_URL

    template = getattr(api, "docs_assets_url", None) or DEFAULT_ASSETS_URL

    def asset(package: str, path: str) -> str:
        base = template.format(package=package, version=GRAPHIQL_PACKAGES[package]).rstrip("/")
        return html.escape(f"{base}/{path}", quote=True)

    url = json.dumps(endpoint)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GraphiQL</title>
<style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
<link rel="stylesheet" href="{asset("graphiql", "graphiql.min.css")}">
</head>
<body>
<div id="graphiql">Loading…</div>
<script src="{asset("react", "umd/react.production.min.js")}"></script>
<script src="{asset("react-dom", "umd/react-dom.production.min.js")}"></script>
<script src="{asset("graphiql", "graphiql.min.js")}"></script>
<script>
const fetcher = GraphiQL.createFetcher({{ url: {url} }});
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {{ fetcher: fetcher }})
);
</script>
</body>
</html>
"""
