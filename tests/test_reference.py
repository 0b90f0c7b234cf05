"""Every public name of ``responder`` is on a reference page, so the reference cannot fall behind.

The reference (``docs/reference/**/*.md``) is made of mkdocstrings directives:
``::: responder.API`` documents an object; ``::: responder.errors`` with an
``options: members: [...]`` list documents those members of a module (and a
module with no list, its ``__all__``). A public name is covered when a
directive documents the very object ``responder.<name>`` is (re-exports
resolve to their definition), or names ``responder.<name>`` itself (for a
value such as ``__version__``). ``mkdocs build --strict`` (``scripts/check``)
then proves each directive renders.
"""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import responder

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference"
# A directive line, then its indented YAML options (if any).
DIRECTIVE = re.compile(r"^:::[ \t]+(?P<path>[\w.]+)[ \t]*\n(?P<options>(?:[ \t]+\S.*\n?)*)", re.M)


@dataclass(frozen=True)
class Directive:
    """One ``::: path`` of a reference page and the members it lists, if it lists any."""

    page: str
    path: str
    members: list[str] | bool | None

    def target(self) -> Any:
        """The object the directive names, imported."""
        parts = self.path.split(".")
        for split in range(len(parts), 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:split]))
            except ModuleNotFoundError:
                continue
            for attr in parts[split:]:
                obj = getattr(obj, attr)
            return obj
        raise ModuleNotFoundError(self.path)

    def documented(self) -> list[Any]:
        """The objects this directive puts on its page: its target and the members it shows."""
        target = self.target()
        shown = [target]
        if isinstance(target, types.ModuleType) and self.members is not False:
            names = self.members if isinstance(self.members, list) else _all_of(target)
            shown += [getattr(target, name) for name in names]
        return shown


def _all_of(module: types.ModuleType) -> list[str]:
    # GraphQLView-style lazy names (a module __getattr__) would import optional packages.
    return [name for name in getattr(module, "__all__", []) if name in vars(module)]


def find_directives(reference: Path = REFERENCE) -> list[Directive]:
    """Every mkdocstrings directive under ``reference``, in page order."""
    found = []
    for page in sorted(reference.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in DIRECTIVE.finditer(text):
            options = yaml.safe_load(textwrap.dedent(match["options"])) or {}
            members = (options.get("options") or {}).get("members")
            found.append(Directive(page.relative_to(reference).as_posix(), match["path"], members))
    return found


def undocumented(directives: list[Directive], public: list[str]) -> list[str]:
    """The names of ``public`` (``responder.__all__``) that no directive documents."""
    named = {directive.path for directive in directives}
    shown = {id(obj) for directive in directives for obj in directive.documented()}
    return [
        name
        for name in public
        if f"responder.{name}" not in named
        and not (_has_identity(getattr(responder, name)) and id(getattr(responder, name)) in shown)
    ]


def _has_identity(obj: Any) -> bool:
    # Only objects defined once can be matched by identity; an equal string or int could not.
    return isinstance(obj, types.ModuleType) or callable(obj)


DIRECTIVES = find_directives()


def test_the_reference_has_directives():
    # Guards against a pattern that silently matches nothing.
    assert len(DIRECTIVES) > 20
    assert any(directive.path == "responder.API" for directive in DIRECTIVES)


def test_every_public_name_is_documented():
    missing = undocumented(DIRECTIVES, list(responder.__all__))
    assert missing == [], f"add these to a page under docs/reference/: {missing}"


def test_a_name_left_off_every_page_is_reported(tmp_path):
    (tmp_path / "api.md").write_text("# API\n\n::: responder.API\n")
    (tmp_path / "errors.md").write_text(
        "# Errors\n\n::: responder.errors\n    options:\n      members:\n        - HTTPNotFound\n"
    )
    directives = find_directives(tmp_path)
    assert [d.path for d in directives] == ["responder.API", "responder.errors"]
    missing = undocumented(directives, ["API", "HTTPNotFound", "HTTPGone", "Request"])
    assert missing == ["HTTPGone", "Request"]


def test_a_module_without_a_members_list_documents_its_all(tmp_path):
    (tmp_path / "params.md").write_text("::: responder.params\n")
    missing = undocumented(find_directives(tmp_path), ["Query", "Body", "API"])
    assert missing == ["API"]


@pytest.mark.parametrize("directive", DIRECTIVES, ids=[d.path for d in DIRECTIVES])
def test_every_directive_names_something_that_exists(directive):
    assert directive.documented()


@pytest.mark.parametrize("name", [n for n in responder.__all__ if n != "__version__"])
def test_every_public_object_has_a_summary_line(name):
    # mkdocstrings shows a heading and nothing else for an object without a docstring.
    doc = inspect.getdoc(getattr(responder, name))
    assert doc, f"responder.{name} has no docstring"
    assert doc.splitlines()[0].strip()
