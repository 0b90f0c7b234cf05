"""OpenAPI generation and the interactive docs pages.

The API imports this package only when it asks for docs (``openapi=`` or
``docs_route=``), so ``apispec`` loads only then; the hot path never imports
it, and nothing here imports the API: :func:`responder.docs.routes.docs_routes`
returns routes, and the API adds them.
"""
