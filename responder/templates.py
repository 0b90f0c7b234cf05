"""Jinja2 templates: files from a directory, or strings; autoescaped.

Jinja2 is imported when the first :class:`Templates` is made, not with
``responder``: it is a fifth of the package's import time, and most APIs
never render a template.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

__all__ = ["Templates"]


class Templates:
    """Renders Jinja2 templates from ``directory``.

    Args:
        directory: where template files live.
        autoescape: escape HTML in values (on by default; turn off only for
            templates that do not produce HTML).
        enable_async: allow :meth:`render_async` (Jinja's async mode).
        context: values every template sees (the API adds itself as ``api``).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] = "templates",
        *,
        autoescape: bool = True,
        enable_async: bool = False,
        context: dict[str, Any] | None = None,
    ) -> None:
        self.directory = directory
        self.context: dict[str, Any] = dict(context or {})
        import jinja2  # on first use: see the module docstring

        self.env: jinja2.Environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(os.fspath(directory)),
            autoescape=autoescape,  # noqa: S701 - on unless the caller turns it off
            enable_async=enable_async,
        )

    def render(self, name: str, context: Mapping[str, Any] | None = None, /, **values: Any) -> str:
        """Render the template file ``name`` with ``context`` and ``values`` (keywords win)."""
        return self.env.get_template(name).render(self._context(context, values))

    async def render_async(
        self, name: str, context: Mapping[str, Any] | None = None, /, **values: Any
    ) -> str:
        """Render without blocking the loop (needs ``enable_async=True``)."""
        template = self.env.get_template(name)
        return await template.render_async(self._context(context, values))

    def render_string(
        self, source: str, context: Mapping[str, Any] | None = None, /, **values: Any
    ) -> str:
        """Render a template given as a string, with ``context`` and ``values``."""
        return self.env.from_string(source).render(self._context(context, values))

    def _context(
        self, context: Mapping[str, Any] | None, values: dict[str, Any]
    ) -> dict[str, Any]:
        """The shared values, then the positional mapping, then the keywords: the last wins."""
        if context is None:
            return {**self.context, **values}
        if not isinstance(context, Mapping):
            raise TypeError(
                f"A template's context is a mapping of names to values, not {context!r}."
            )
        return {**self.context, **context, **values}
