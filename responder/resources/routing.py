"""Path templates, convertors and the compiled router.

A template such as ``/users/{id:int}/posts/{slug}`` is split into segments once,
at registration. Matching walks a segment tree: static segments are dict
lookups, parameter segments run their convertor, and a ``path`` parameter
matches the rest of the path with one precompiled regex. No request ever scans
the list of routes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import field
from typing import Any, Generic, TypeVar

from .._records import record
from .convertors import CONVERTORS, Convertor
from .paths import NoMatch, PathTemplate, Segment, TemplateError, match_tail

__all__ = ["CONVERTORS", "Convertor", "PathTemplate", "Router", "TemplateError"]

T = TypeVar("T")


@record
class _Node(Generic[T]):
    static: dict[str, _Node[T]] = field(default_factory=dict)
    dynamic: list[tuple[Segment, _Node[T]]] = field(default_factory=list)
    tails: list[tuple[PathTemplate, T]] = field(default_factory=list)
    target: T | None = None
    names: tuple[str, ...] = ()  # the target's own names for the values matched on the way


class Router(Generic[T]):
    """Maps paths to targets (routes) through templates.

    Static templates live in a dict; templated ones in a segment tree. When
    several templates could match, static segments win over parameters, and
    parameters over ``path`` tails; among equals, the first registered wins.

    Templates share tree nodes by shape, not by parameter names: ``/hello/{who}``
    and ``/hello/{name}/html`` walk the same parameter node, and each target
    names the matched values itself.
    """

    def __init__(self) -> None:
        self._static: dict[str, T] = {}
        self._root: _Node[T] = _Node()
        self._keys: dict[str, T] = {}
        self._matcher: _Matcher[T] | None = None
        #: Whether some path ending in ``/`` (other than ``/``) may match: a template
        #: ending in ``/`` or holding a ``path`` parameter. If none can, a miss on a
        #: path without the slash need not try the path with it.
        self.slash_paths = False

    def __iter__(self) -> Iterator[T]:
        """The targets, in registration order."""
        return iter(self._keys.values())

    def get(self, template: PathTemplate) -> T | None:
        """The target registered for an equivalent template, if any."""
        return self._keys.get(template.key)

    def add(self, template: PathTemplate, target: T) -> None:
        """Register ``target`` under ``template``.

        Raises:
            TemplateError: an equivalent template is already registered.
        """
        if template.key in self._keys:
            raise TemplateError(f"Route {template.template!r} is already registered.")
        self._keys[template.key] = target
        self._matcher = None  # recompiled on the next match
        text = template.template
        if (text.endswith("/") and text != "/") or ":path}" in text:
            self.slash_paths = True
        if template.is_static:
            self._static[template.template] = target
            return
        node = self._root
        for segment in template.segments:
            if segment.literal:
                node = node.static.setdefault(segment.text, _Node())
                continue
            for existing, child in node.dynamic:
                if existing.key == segment.key:
                    node = child
                    break
            else:
                child = _Node()
                node.dynamic.append((segment, child))
                node = child
        if template.tail is not None:
            node.tails.append((template, target))
        else:
            node.target, node.names = target, template.segment_names

    def match(self, path: str) -> tuple[T, dict[str, Any]] | None:
        """Find the target for ``path`` and its converted parameters."""
        target = self._static.get(path)
        if target is not None:
            return target, {}
        if path[:1] != "/":
            return None
        matcher = self._matcher
        if matcher is None:
            matcher = self._matcher = _compile_tree(self._root)
        parts = path[1:].split("/")
        return matcher(parts, len(parts))


def _walk(
    node: _Node[T], parts: list[str], index: int, values: tuple[Any, ...]
) -> tuple[T, dict[str, Any]] | None:
    """The plain recursive tree walk; the compiled matcher does the same, unrolled."""
    if index == len(parts):
        if node.target is None:
            return None
        return node.target, dict(zip(node.names, values, strict=True))
    part = parts[index]
    child = node.static.get(part)
    if child is not None:
        found = _walk(child, parts, index + 1, values)
        if found is not None:
            return found
    for segment, child in node.dynamic:
        try:
            matched = segment.parse(part)
        except NoMatch:
            continue
        found = _walk(child, parts, index + 1, values + matched)
        if found is not None:
            return found
    if node.tails:
        rest = "/".join(parts[index:])
        for template, target in node.tails:
            tail_values = match_tail(template, rest)
            if tail_values is not None:
                return target, {
                    **dict(zip(template.segment_names, values, strict=True)),
                    **tail_values,
                }
    return None


_Matcher = Callable[[list[str], int], "tuple[T, dict[str, Any]] | None"]


def _compile_tree(root: _Node[T]) -> _Matcher[T]:
    """Compile the segment tree into one Python function of nested ``if`` blocks.

    PERF: the generated function does per segment what the tree walk would,
    minus the recursion and the generic bookkeeping: a few string compares
    and one convertor call per parameter. A tree too deep for Python's block
    nesting limit falls back to the (equivalent) recursive walk.
    """
    env: dict[str, Any] = {}
    lines = ["def match(parts, n):"]
    _emit(root, 0, 1, [], lines, env)
    lines.append("    return None")
    try:
        exec(compile("\n".join(lines), "<responder-router>", "exec"), env)  # noqa: S102
    except (SyntaxError, RecursionError, MemoryError):
        return _walking_matcher(root)
    matcher: _Matcher[T] = env["match"]
    return matcher


def _walking_matcher(root: _Node[T]) -> _Matcher[T]:
    def match(parts: list[str], n: int) -> tuple[T, dict[str, Any]] | None:
        return _walk(root, parts, 0, ())

    return match


def _emit(
    node: _Node[Any],
    depth: int,
    indent: int,
    values: list[str],
    lines: list[str],
    env: dict[str, Any],
) -> None:
    """Emit the code matching ``node``; ``values`` are the expressions matched so far."""
    pad = "    " * indent

    def name(obj: Any) -> str:
        key = f"_o{len(env)}"
        env[key] = obj
        return key

    if node.target is not None:
        built = _dict_literal(node.names, values)
        lines += [f"{pad}if n == {depth}:", f"{pad}    return {name(node.target)}, {built}"]
    if node.static or node.dynamic:
        lines += [f"{pad}if n > {depth}:", f"{pad}    p = parts[{depth}]"]
        inner = pad + "    "
        if len(node.static) > _MOST_COMPARED:
            _emit_dispatch(node, depth, inner, values, lines, name)
        for text, child in node.static.items() if len(node.static) <= _MOST_COMPARED else ():
            lines.append(f"{inner}if p == {text!r}:")
            _emit(child, depth + 1, indent + 2, values, lines, env)
            lines.append(f"{inner}    p = parts[{depth}]")
        for index, (segment, child) in enumerate(node.dynamic):
            var = f"v{depth}_{index}"
            if segment.regex is None:
                lines += [
                    f"{inner}try:",
                    f"{inner}    {var} = {name(segment.params[0][1].to_python)}(p)",
                    f"{inner}except ValueError:",
                    f"{inner}    pass",
                    f"{inner}else:",
                ]
                _emit(child, depth + 1, indent + 2, [*values, var], lines, env)
            else:
                lines += [
                    f"{inner}{var} = {name(_parse_or_none(segment))}(p)",
                    f"{inner}if {var} is not None:",
                ]
                matched = [f"{var}[{i}]" for i in range(len(segment.params))]
                _emit(child, depth + 1, indent + 2, [*values, *matched], lines, env)
            lines.append(f"{inner}p = parts[{depth}]")
    for index, (template, target) in enumerate(node.tails):
        var = f"t{depth}_{index}"
        built = _dict_literal(template.segment_names, values, f"**{var}")
        lines += [
            f"{pad}if n > {depth}:",
            f"{pad}    {var} = {name(_tail_matcher(template))}('/'.join(parts[{depth}:]))",
            f"{pad}    if {var} is not None:",
            f"{pad}        return {name(target)}, {built}",
        ]
    lines.append(f"{pad}pass")


#: Static siblings compared one by one; past this many, one dict lookup picks the
#: child (each compiled into a function of its own), so matching stays flat as a
#: table grows to thousands of routes under one parent (``/p1/{id}`` ... ``/p9999/{id}``).
_MOST_COMPARED = 8


def _emit_dispatch(
    node: _Node[Any],
    depth: int,
    pad: str,
    values: list[str],
    lines: list[str],
    name: Callable[[Any], str],
) -> None:
    """Emit a dict lookup of the static child named by ``p``, then a call of its matcher."""
    args = [f"a{i}" for i in range(len(values))]
    children = {
        text: _compile_child(child, depth + 1, args) for text, child in node.static.items()
    }
    call = ", ".join(["parts", "n", *values])
    lines += [
        f"{pad}c = {name(children)}.get(p)",
        f"{pad}if c is not None:",
        f"{pad}    r = c({call})",
        f"{pad}    if r is not None:",
        f"{pad}        return r",
    ]


def _compile_child(node: _Node[T], depth: int, args: list[str]) -> Callable[..., Any]:
    """A matcher of its own for one static child: ``(parts, n, *values matched so far)``."""
    env: dict[str, Any] = {}
    lines = [f"def match({', '.join(['parts', 'n', *args])}):"]
    _emit(node, depth, 1, args, lines, env)
    lines.append("    return None")
    try:
        exec(compile("\n".join(lines), "<responder-router>", "exec"), env)  # noqa: S102
    except (SyntaxError, RecursionError, MemoryError):
        return _walking_child(node, depth)
    child: Callable[..., Any] = env["match"]
    return child


def _walking_child(node: _Node[T], depth: int) -> Callable[..., Any]:
    def match(parts: list[str], n: int, *values: Any) -> tuple[T, dict[str, Any]] | None:
        return _walk(node, parts, depth, values)

    return match


def _dict_literal(names: tuple[str, ...], values: list[str], *extra: str) -> str:
    """``{'who': v0_0, ...}``: a target's own names paired with the matched values."""
    items = [f"{param!r}: {value}" for param, value in zip(names, values, strict=True)]
    return "{" + ", ".join([*items, *extra]) + "}"


def _parse_or_none(segment: Segment) -> Callable[[str], tuple[Any, ...] | None]:
    def parse(text: str) -> tuple[Any, ...] | None:
        try:
            return segment.parse(text)
        except NoMatch:
            return None

    return parse


def _tail_matcher(template: PathTemplate) -> Callable[[str], dict[str, Any] | None]:
    return lambda rest: match_tail(template, rest)
