#!/usr/bin/env python3
"""The import graph of ``responder/``, read from the source with ``ast``.

Every import counts: at module level, inside functions and under
``TYPE_CHECKING``, since each is a dependency the design has to answer for.
``tests/test_architecture.py`` fails on any cycle this finds; run this file to
print the graph in layers, the top first, so every arrow points down:

    .venv/bin/python scripts/import_graph.py           # print it
    .venv/bin/python scripts/import_graph.py --write   # refresh it in ARCHITECTURE.md
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "responder"
#: The graph's place in ARCHITECTURE.md: between these two lines.
BEGIN = "<!-- import graph: scripts/import_graph.py --write -->"
END = "<!-- end of import graph -->"

Graph = dict[str, set[str]]


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _owner(name: str, known: Mapping[str, Path]) -> str | None:
    """The module that defines ``name``: itself, or its longest known prefix."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _targets(node: ast.AST, module: str, is_package: bool, known: Mapping[str, Path]) -> set[str]:
    """The package modules one import statement loads."""
    if isinstance(node, ast.Import):
        return {owner for a in node.names if (owner := _owner(a.name, known))}
    if not isinstance(node, ast.ImportFrom):
        return set()
    if node.level:
        # Relative: strip one part per dot past the first (none for a package's own __init__).
        parts = module.split(".")
        keep = len(parts) - node.level + (1 if is_package else 0)
        base = ".".join(parts[:keep] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    found = set()
    for alias in node.names:
        # ``from . import streaming`` loads a module; ``from .. import API`` loads the package.
        owner = _owner(f"{base}.{alias.name}", known) if f"{base}.{alias.name}" in known else None
        owner = owner or _owner(base, known)
        if owner:
            found.add(owner)
    return found


def graph(root: Path = ROOT) -> Graph:
    """Each module of the package and the package modules it imports, anywhere in it."""
    known = modules(root)
    edges: Graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        edges[name] = set()
        for node in ast.walk(tree):
            edges[name] |= _targets(node, name, is_package, known)
        edges[name].discard(name)
    return edges


def cycles(edges: Graph) -> list[list[str]]:
    """One concrete cycle per strongly connected group of modules (none when layered)."""
    found: list[list[str]] = []
    for group in _components(edges):
        if len(group) > 1:
            found.append(_cycle_in(edges, group))
    return found


def _components(edges: Graph) -> list[set[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def _cycle_in(edges: Graph, group: set[str]) -> list[str]:
    """A shortest cycle through the group's first module: a path back to where it starts."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    for node in queue:
        for child in sorted(edges[node] & group):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return [start]  # unreachable for a real component


def layers(edges: Graph) -> dict[str, int]:
    """Each module's height: 0 imports nothing of the package, else 1 + its highest import."""
    height: dict[str, int] = {}

    def measure(name: str, seen: frozenset[str]) -> int:
        if name not in height:
            below = [measure(d, seen | {name}) for d in edges[name] if d not in seen]
            height[name] = 1 + max(below, default=-1)
        return height[name]

    for name in edges:
        measure(name, frozenset())
    return height


def render(edges: Graph) -> str:
    """The graph as text: layers from the top down, ``module -> what it imports``."""
    height = layers(edges)
    lines = []
    for level in sorted(set(height.values()), reverse=True):
        lines.append(f"-- layer {level}")
        for name in sorted(n for n in edges if height[n] == level):
            imports = ", ".join(sorted(edges[name])) or "(nothing of responder)"
            lines.append(f"{name} -> {imports}")
    return "\n".join(lines)


def documented(text: str) -> str:
    """The graph as ARCHITECTURE.md shows it (between BEGIN and END, fenced)."""
    block = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    return block.removeprefix("```").removesuffix("```").strip()


def with_graph(text: str, edges: Graph) -> str:
    """ARCHITECTURE.md's text with the graph between BEGIN and END replaced by ``edges``."""
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{BEGIN}\n```\n{render(edges)}\n```\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Print the graph (or, with ``--write``, refresh ARCHITECTURE.md); exit 1 on a cycle."""
    edges = graph()
    found = cycles(edges)
    for cycle in found:
        print("cycle: " + " -> ".join(cycle), file=sys.stderr)
    if found:
        return 1
    if argv == ["--write"]:
        doc = ROOT / "ARCHITECTURE.md"
        doc.write_text(with_graph(doc.read_text(encoding="utf-8"), edges), encoding="utf-8")
    else:
        print(render(edges))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
