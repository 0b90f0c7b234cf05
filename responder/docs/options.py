"""The docs settings: one frozen value, built and checked when the API is created.

``API(title=..., version=..., openapi=..., docs_route=..., ...)`` becomes a
:class:`DocsOptions`; the OpenAPI generator and the docs routes receive it and
read nothing else off the API. Importing this module loads no apispec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from .._records import record

__all__ = ["DEFAULT_OPENAPI_VERSION", "DocsOptions"]

#: The OpenAPI version generated when ``openapi=`` names none but docs are asked for.
DEFAULT_OPENAPI_VERSION = "3.1.0"


@record(frozen=True)
class DocsOptions:
    """Where the schema and the docs page are served, and the document's ``info``.

    Attributes:
        openapi_version: the OpenAPI version to generate (``API(openapi=...)``),
            or None for the default when only ``docs_route`` asked for docs.
        openapi_route: where the schema is served (YAML, with a JSON twin).
        docs_route: where the interactive docs page is served, or None.
        theme: the docs page's UI: ``swagger_ui``, ``redoc``, ``rapidoc`` or ``elements``.
        assets_url: where the docs page (and GraphiQL) load their UI from:
            a template with ``{package}`` and ``{version}``; None for the CDN.
            With ``assets_dir``, the path the API serves that directory at.
        assets_dir: a ``node_modules`` directory the API serves the UI's
            files from (``API(docs_assets=...)``), or None.
        title, version, description, terms_of_service, contact, license:
            the document's ``info``.

    Raises:
        ValueError: an unknown ``theme`` on an API that serves a docs page, or
            both ``assets_url`` and ``assets_dir``.
    """

    openapi_version: str | None = None
    openapi_route: str = "/schema.yml"
    docs_route: str | None = None
    theme: str = "swagger_ui"
    assets_url: str | None = None
    assets_dir: str | None = None
    title: str | None = None
    version: str | None = None
    description: str | None = None
    terms_of_service: str | None = None
    contact: Mapping[str, str] | None = None
    license: Mapping[str, str] | None = field(default=None)

    def __post_init__(self) -> None:
        # The UI and asset tables are imported only by an API that serves docs.
        if self.docs_route:
            from .ui import THEMES

            if self.theme not in THEMES:
                known = ", ".join(THEMES)
                raise ValueError(f"Unknown docs theme {self.theme!r}; choose one of {known}.")
        if self.assets_dir is not None:
            if self.assets_url is not None:
                raise ValueError("Give docs_assets (a directory) or docs_assets_url, not both.")
            from .assets import LOCAL_ASSETS_URL

            # Frozen: set once here, so every reader of assets_url sees the local copy.
            object.__setattr__(self, "assets_url", LOCAL_ASSETS_URL)

    @property
    def enabled(self) -> bool:
        """Whether the API serves a schema (and maybe a docs page) at all."""
        return bool(self.openapi_version or self.docs_route)

    def info(self) -> dict[str, Any]:
        """The document's ``info`` object, with only the fields that were given."""
        info: dict[str, Any] = {
            "title": self.title or "Responder API",
            "version": self.version or "1.0.0",
        }
        optional = {
            "description": self.description,
            "termsOfService": self.terms_of_service,
            "contact": dict(self.contact) if self.contact else None,
            "license": dict(self.license) if self.license else None,
        }
        info.update((key, value) for key, value in optional.items() if value)
        return info
