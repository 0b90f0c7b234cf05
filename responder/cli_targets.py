"""What ``responder run`` and ``responder worker`` serve: a TARGET, resolved and loaded.

TARGET is ``pkg.module[:name]``, ``path/to/file.py[:name]`` or a URL
``scheme://host/path/app.py[#name]``; the name defaults to ``api`` and must
name a :class:`responder.API`. A file is imported as a real module (walking up
while the directories are packages), so its relative and sibling imports work
and its name is the same in every worker. A URL is downloaded once, into a
temporary directory, and is a file target from then on. See ``docs/cli.md``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from . import __version__
from ._download import DownloadError, download
from .api import API

__all__ = ["DEFAULT_NAME", "CLIError", "Target", "load_api", "parse_target"]

DEFAULT_NAME = "api"

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


class CLIError(Exception):
    """A user error: printed as one ``error: ...`` line, exit status 1."""


class _UserCodeError(Exception):
    """The target's own code raised while being imported; its traceback is shown."""

    def __init__(self, target: str, cause: BaseException) -> None:
        super().__init__(target)
        self.target, self.cause = target, cause


@dataclass(frozen=True)
class Target:
    """What ``responder run`` serves.

    ``kind`` is ``"module"`` (``ref`` a dotted module name), ``"file"`` (``ref``
    a path to a ``.py`` file) or ``"url"`` (``ref`` the URL without its
    ``#fragment``); ``name`` is the attribute path of the API in it.
    """

    kind: Literal["module", "file", "url"]
    ref: str
    name: str = DEFAULT_NAME

    def __str__(self) -> str:
        if self.kind == "url":
            return f"{self.ref}#{self.name}"
        return f"{self.ref}:{self.name}"


def _is_dotted_name(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def parse_target(text: str) -> Target:
    """Parse a TARGET argument; raise :class:`CLIError` when it is malformed."""
    if not text:
        raise CLIError("empty TARGET; give a module, a .py file or a URL")
    if _URL.match(text):
        ref, _, name = text.partition("#")
        name = name or DEFAULT_NAME
        if not _is_dotted_name(name):
            raise CLIError(f"invalid API name {name!r} after '#' in {text!r}")
        return Target("url", ref, name)
    ref, name = text, DEFAULT_NAME
    head, colon, tail = text.rpartition(":")
    # "C:\\app.py" is a drive letter, not "C" with the name "\\app.py".
    if colon and not (len(head) == 1 and tail[:1] in ("\\", "/")):
        if not _is_dotted_name(tail):
            raise CLIError(f"invalid API name {tail!r} after ':' in {text!r}")
        ref, name = head, tail
    if ref.endswith(".py") or "/" in ref or os.sep in ref:
        return Target("file", ref, name)
    if not _is_dotted_name(ref):
        raise CLIError(f"{ref!r} is neither a module name nor a path to a .py file")
    return Target("module", ref, name)


# -- loading --------------------------------------------------------------------------------


def _import(module_name: str, target: Target) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            detail = "" if missing == module_name else f" (no module named {missing!r})"
            raise CLIError(f"module {module_name!r} not found{detail}") from None
        raise _UserCodeError(target.ref, exc) from exc
    except Exception as exc:  # anything the user's module raises is shown as theirs
        raise _UserCodeError(target.ref, exc) from exc


def _module_for_file(path: Path, shown: str) -> tuple[str, Path]:
    """The dotted module name of a file and the directory to put on ``sys.path``."""
    stem = path.stem
    if not stem.isidentifier():
        raise CLIError(f"cannot import {shown!r}: {stem!r} is not a valid module name")
    parts = [stem]
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.name.isidentifier():
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts), directory


def _put_first_on_path(directory: str) -> None:
    if directory in sys.path:
        sys.path.remove(directory)
    sys.path.insert(0, directory)


def _load_module(target: Target) -> tuple[ModuleType, str]:
    """Import a module or file target; return the module and how to name it in messages."""
    if target.kind == "module":
        # `python -m responder` has the working directory on sys.path; the script does not.
        if "" not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        return _import(target.ref, target), f"module {target.ref!r}"
    path = Path(target.ref)
    if path.is_dir():
        raise CLIError(f"{target.ref!r} is a directory, not a .py file")
    if not path.is_file():
        raise CLIError(f"file {target.ref!r} not found")
    path = path.resolve()
    module_name, root = _module_for_file(path, target.ref)
    _put_first_on_path(str(root))
    module = _import(module_name, target)
    found = getattr(module, "__file__", None)
    if found is None or Path(found).resolve() != path:
        raise CLIError(
            f"{target.ref!r} is shadowed by the module {module_name!r} "
            f"from {found or 'a namespace package'}; rename the file"
        )
    return module, repr(target.ref)


def load_api(target: Target, *, debug: bool = False) -> API:
    """Import a module or file target and return its :class:`responder.API`.

    With ``debug``, the API shows tracebacks in 500 responses.
    """
    module, where = _load_module(target)
    obj: Any = module
    for part in target.name.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            found = sorted(k for k, v in vars(module).items() if isinstance(v, API))
            hint = f"its APIs: {', '.join(found)}" if found else "it has no responder.API"
            raise CLIError(f"{where} has no attribute {target.name!r} ({hint})") from None
    if not isinstance(obj, API):
        kind = type(obj).__name__
        raise CLIError(f"{target} is not a responder.API (it is {kind!r})")
    if debug:
        obj.debug = True
    return obj


# -- URL targets ----------------------------------------------------------------------------


@contextlib.contextmanager
def _local(target: Target) -> Iterator[Target]:
    """A module or file target; a URL target is downloaded into a temporary directory."""
    if target.kind != "url":
        yield target
        return
    try:
        filename, data = download(target.ref, user_agent=f"responder/{__version__}")
    except DownloadError as exc:
        raise CLIError(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="responder-run-") as directory:
        path = Path(directory, filename)
        path.write_bytes(data)
        yield Target("file", str(path), target.name)
