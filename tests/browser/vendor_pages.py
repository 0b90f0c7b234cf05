"""Standalone pages for each vendored UI, loading only the local npm files (no CDN).

They prove the asset paths in README.md work offline, and show later tests the markup each
UI needs. ``PAGES[name]`` is the HTML; ``{spec}`` in it stands for the URL of the OpenAPI
document (of the GraphQL endpoint for GraphiQL). Swagger UI's page is the smoke test's, in
``apps.py``.
"""

from __future__ import annotations

_HEAD = (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
)

# ReDoc 2 always requests its "API docs by Redocly" logo from cdn.redoc.ly (no option turns
# it off; the image hides itself when that fails): see OFFSITE.
REDOC = (
    _HEAD.format(title="ReDoc") + "</head>\n<body>\n"
    '<redoc spec-url="{spec}"></redoc>\n'
    '<script src="/vendor/redoc/bundles/redoc.standalone.js"></script>\n'
    "</body>\n</html>\n"
)

# load-fonts="false": otherwise RapiDoc fetches Open Sans from Google Fonts.
RAPIDOC = (
    _HEAD.format(title="RapiDoc") + "</head>\n<body>\n"
    '<script type="module" src="/vendor/rapidoc/dist/rapidoc-min.js"></script>\n'
    '<rapi-doc spec-url="{spec}" render-style="read" show-header="false" load-fonts="false">'
    "</rapi-doc>\n"
    "</body>\n</html>\n"
)

ELEMENTS = (
    _HEAD.format(title="Stoplight Elements")
    + '<link rel="stylesheet" href="/vendor/@stoplight/elements/styles.min.css">\n'
    "</head>\n<body>\n"
    '<script src="/vendor/@stoplight/elements/web-components.min.js"></script>\n'
    '<elements-api apiDescriptionUrl="{spec}" router="hash" layout="sidebar"></elements-api>\n'
    "</body>\n</html>\n"
)

# GraphiQL 4's UMD build wants React and ReactDOM as globals: React 18's UMD files give them
# (React 19 ships no UMD build, and GraphiQL 5 only an ESM build that imports bare names).
GRAPHIQL = (
    _HEAD.format(title="GraphiQL")
    + '<link rel="stylesheet" href="/vendor/graphiql/graphiql.min.css">\n'
    "<style>body { margin: 0; } #graphiql { height: 100vh; }</style>\n"
    "</head>\n<body>\n"
    '<div id="graphiql"></div>\n'
    '<script src="/vendor/react/umd/react.production.min.js"></script>\n'
    '<script src="/vendor/react-dom/umd/react-dom.production.min.js"></script>\n'
    '<script src="/vendor/graphiql/graphiql.min.js"></script>\n'
    "<script>\n"
    'const fetcher = GraphiQL.createFetcher({url: "{spec}"});\n'
    'ReactDOM.createRoot(document.getElementById("graphiql")).render(\n'
    '  React.createElement(GraphiQL, {fetcher, defaultQuery: "{ hello }"}));\n'
    "</script>\n</body>\n</html>\n"
)

PAGES = {
    "redoc": REDOC,
    "rapidoc": RAPIDOC,
    "elements": ELEMENTS,
    "graphiql": GRAPHIQL,
}

# The only requests that may leave the machine, per page: anything else is a CDN leak.
OFFSITE = {"redoc": ["https://cdn.redoc.ly/redoc/logo-mini.svg"]}
