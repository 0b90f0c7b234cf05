"""OpenAPI generation, interactive docs and model validation.

Only loaded when an API asks for docs (``openapi=`` or ``docs_route=``) or a
route has a ``request_model`` / ``response_model``: the hot path never imports it.
"""

from .routes import install

__all__ = ["install"]
