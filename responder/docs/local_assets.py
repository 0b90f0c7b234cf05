"""The docs UIs' files served from your own copy: ``API(docs_assets="node_modules")``.

The directory holds npm packages as ``npm install`` lays them out
(``<directory>/<package>/...``). The API mounts :class:`PackageFiles` at the
path of :data:`~responder.docs.assets.LOCAL_ASSETS_URL` and points the docs
page and GraphiQL there, so they load from the same origin (CSP ``'self'``)
and work without internet access. Only the packages pinned in
:data:`~responder.docs.assets.PACKAGES` are served, each from its own root,
through the static files' path checks: the rest of the directory stays private.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from .._files import safe_join
from ..media import MediaRegistry
from ..staticfiles import StaticFiles
from .assets import PACKAGES, install_command

__all__ = ["PackageFiles", "check_packages"]


class PackageFiles(StaticFiles):
    """Static files from the pinned npm packages under ``directory``, and nothing else.

    Args:
        directory: a ``node_modules`` directory (relative to the working
            directory), checked first with :func:`check_packages`.
        media: the registry the 404 and 405 problem details are negotiated with.
    """

    def __init__(
        self, directory: str | os.PathLike[str], *, media: MediaRegistry | None = None
    ) -> None:
        root = os.path.abspath(os.fspath(directory))
        super().__init__([], media=media)
        self.directory = root
        self.roots = {name: os.path.join(root, name) for name in PACKAGES}

    def find(self, relative: str) -> str | None:
        """The file of a ``<package>/<path>`` URL path, if the package is pinned and has it."""
        parts = relative.lstrip("/").split("/")
        size = 2 if parts[0].startswith("@") else 1  # @scope/name takes two segments
        root = self.roots.get("/".join(parts[:size]))
        rest = "/".join(parts[size:])
        if root is None or not rest:
            return None
        return safe_join(root, rest)  # refuses "..", symlinks out, NUL and backslashes


def check_packages(directory: str | os.PathLike[str], packages: Iterable[str]) -> None:
    """Check that ``directory`` exists and holds every file a page loads from ``packages``.

    Any release of a package that has the files will do: same-origin files
    carry no integrity hash (see :func:`responder.docs.assets.asset_attributes`).

    Raises:
        ValueError: the directory or a file is missing; the message gives the
            ``npm install`` line that fixes it.
    """
    root = os.path.abspath(os.fspath(directory))
    packages = tuple(packages)
    if not os.path.isdir(root):
        raise ValueError(
            f"docs_assets: {root} is not a directory. Install the docs UI files there: "
            f"run `{install_command(packages or None)}` in {os.path.dirname(root)}."
        )
    for name in packages:
        for path in PACKAGES[name].files:
            if safe_join(os.path.join(root, name), path) is None:
                raise ValueError(
                    f"docs_assets: {root} has no {name}/{path}. "
                    f"Run `{install_command([name])}` in {os.path.dirname(root)}."
                )
