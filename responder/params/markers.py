"""The markers that say where a view's parameter comes from: ``Query``, ``Header``, ``Body``, ….

A marker is a plain description, read once when the route is added: its
location, the key it reads (``alias``), its default and pydantic's
constraints. Used as a default (``limit: int = Query(10, le=100)``) or inside
``Annotated[int, Query(le=100)]``. Nothing here imports pydantic, so an app
that declares no markers never loads it.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "MISSING",
    "Body",
    "Cookie",
    "File",
    "Form",
    "Header",
    "Param",
    "Path",
    "Query",
]


class _Missing:
    """The default of a required marker (``Query()`` or ``Query(...)``)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Param:
    """Where one parameter is read from, and the constraints its value must meet.

    Args:
        default: the value when the client sends none; omitted (or ``...``)
            means the parameter is required.
        alias: the key read from the request, when it differs from the
            parameter's name.
        title, description, examples, deprecated: for the OpenAPI document.
        gt, ge, lt, le, multiple_of, min_length, max_length, pattern:
            pydantic's constraints, checked on the coerced value.
    """

    #: The part of the request the value comes from; ``""`` on the base class.
    location: ClassVar[str] = ""

    def __init__(
        self,
        default: Any = MISSING,
        *,
        alias: str | None = None,
        title: str | None = None,
        description: str | None = None,
        examples: list[Any] | None = None,
        deprecated: bool | None = None,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        multiple_of: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
    ) -> None:
        self.default = MISSING if default is ... else default
        self.alias = alias
        self.title, self.description = title, description
        self.examples, self.deprecated = examples, deprecated
        given = {
            "gt": gt,
            "ge": ge,
            "lt": lt,
            "le": le,
            "multiple_of": multiple_of,
            "min_length": min_length,
            "max_length": max_length,
            "pattern": pattern,
        }
        #: The constraints that were given, as ``pydantic.Field`` keywords.
        self.constraints = {key: value for key, value in given.items() if value is not None}

    @property
    def required(self) -> bool:
        """Whether the marker itself gives no default."""
        return self.default is MISSING

    def field_options(self) -> dict[str, Any]:
        """The keywords for ``pydantic.Field``: constraints and the documentation fields.

        ``deprecated`` is left out: pydantic would warn on every read of the
        value, and it only matters to the OpenAPI document, which reads it here.
        """
        options: dict[str, Any] = dict(self.constraints)
        for key in ("title", "description", "examples"):
            value = getattr(self, key)
            if value is not None:
                options[key] = value
        return options

    def key_for(self, name: str) -> str:
        """The key this parameter reads from the request: ``alias``, else ``name``."""
        return self.alias or name

    def __repr__(self) -> str:
        default = "" if self.required else repr(self.default)
        return f"{type(self).__name__}({default})"


class Query(Param):
    """A query string value: ``?limit=10``; a ``list[...]`` type collects repeated keys."""

    location = "query"


class Path(Param):
    """A route parameter (``{id}`` in the path), typed or constrained by the view."""

    location = "path"


class Cookie(Param):
    """A cookie sent by the client."""

    location = "cookie"


class Header(Param):
    """A request header; ``user_agent`` reads ``user-agent`` unless ``convert_underscores=False``.

    Header names are matched without regard to case.
    """

    location = "header"

    def __init__(
        self, default: Any = MISSING, *, convert_underscores: bool = True, **options: Any
    ) -> None:
        super().__init__(default, **options)
        self.convert_underscores = convert_underscores

    def key_for(self, name: str) -> str:
        """The header read: the alias, or the name with ``_`` as ``-``, lower-case."""
        if self.alias:
            return self.alias.lower()
        return (name.replace("_", "-") if self.convert_underscores else name).lower()


class Body(Param):
    """The whole request body, decoded by its ``Content-Type`` and validated by the type."""

    location = "body"


class Form(Param):
    """One field of a form body (``application/x-www-form-urlencoded`` or multipart)."""

    location = "form"


class File(Form):
    """One uploaded file of a multipart body, as an :class:`UploadFile` (or ``bytes``)."""

    location = "file"
