"""Path templates, convertors and the compiled router.

A template such as ``/users/{id:int}/posts/{slug}`` is split into segments once,
at registration. Matching walks a segment tree: static segments are dict
lookups, parameter segments run their convertor, and a ``path`` parameter
matches the rest of the path with one precompiled regex. No request ever scans
the list of routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from .convertors import CONVERTORS, Convertor

__all__ = ["CONVERTORS", "Convertor", "PathTemplate", "Router", "TemplateError"]

T = TypeVar("T")

# RFC 3986 pchar minus percent: what a path segment may hold unencoded.
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"
_PATH_SAFE = _SEGMENT_SAFE + "/"
# Clients resolve these segments away (RFC 3986 §5.2.4) unless they are percent-encoded.
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}

_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_][A-Za-z0-9_]*))?}")


def _erase_names(template: str) -> str:
    """``/a/{id:int}/{name}`` → ``/a/{:int}/{:str}``: equal results match equal paths."""
    return _PARAM.sub(lambda m: "{:" + (m.group(2) or "str") + "}", template)


class TemplateError(ValueError):
    """A route template is malformed or conflicts with an existing one."""


class _NoMatch(Exception):
    pass


@dataclass(frozen=True)
class _Segment:
    """One ``/``-separated piece of a template: literal, a lone parameter, or mixed."""

    text: str
    literal: bool
    params: tuple[tuple[str, Convertor], ...]
    regex: re.Pattern[str] | None  # only for mixed segments such as ``{name}.json``

    @property
    def key(self) -> str:
        """The segment with parameter names erased: equal keys match equal paths."""
        return _erase_names(self.text)

    def parse(self, text: str) -> tuple[Any, ...]:
        """Match ``text``; the converted values in template order, or raise ``_NoMatch``.

        Values, not names: templates that share this segment may name its
        parameters differently, so each route pairs the values with its own names.
        """
        if self.regex is None:
            try:
                return (self.params[0][1].to_python(text),)
            except ValueError:
                raise _NoMatch from None
        match = self.regex.fullmatch(text)
        if match is None:
            raise _NoMatch
        try:
            return tuple(c.to_python(match.group(n)) for n, c in self.params)
        except ValueError:
            raise _NoMatch from None


def _compile(
    pieces: str, params: list[tuple[str, Convertor]], convertors: Mapping[str, Convertor]
) -> re.Pattern[str]:
    regex, position = [], 0
    for match in _PARAM.finditer(pieces):
        regex.append(re.escape(pieces[position : match.start()]))
        convertor = convertors[match.group(1)]
        regex.append(f"(?P<{match.group(1)}>{convertor.regex})")
        params.append((match.group(1), convertor))
        position = match.end()
    regex.append(re.escape(pieces[position:]))
    return re.compile("".join(regex))


class PathTemplate:
    """A parsed route template such as ``/items/{id:int}``.

    Args:
        template: the route's path, parameters in braces.
        convertors: the convertor table (an API's own, from ``make_convertors``).

    Raises:
        TemplateError: the template is malformed (no leading slash, unknown
            convertor, repeated parameter name, unbalanced braces).
    """

    def __init__(self, template: str, convertors: Mapping[str, Convertor] = CONVERTORS) -> None:
        if not template.startswith("/"):
            raise TemplateError(f"Route {template!r} must start with '/'.")
        self.template = template
        self.param_names: list[str] = []
        self.convertors: dict[str, Convertor] = {}
        for match in _PARAM.finditer(template):
            name, kind = match.group(1), match.group(2) or "str"
            if kind not in convertors:
                known = ", ".join(convertors)
                raise TemplateError(f"Unknown convertor {kind!r} in {template!r}; use {known}.")
            if name in self.convertors:
                raise TemplateError(f"Parameter {name!r} appears twice in {template!r}.")
            self.param_names.append(name)
            self.convertors[name] = convertors[kind]
        if "{" in _PARAM.sub("", template) or "}" in _PARAM.sub("", template):
            raise TemplateError(f"Malformed parameter in route {template!r}.")
        segments = template[1:].split("/")
        tail_at = next(
            (
                i
                for i, s in enumerate(segments)
                if any(self.convertors[m.group(1)].name == "path" for m in _PARAM.finditer(s))
            ),
            None,
        )
        self.segments = [_segment(s, self.convertors) for s in segments[:tail_at]]
        self.tail: re.Pattern[str] | None = None
        self.tail_params: list[tuple[str, Convertor]] = []
        if tail_at is not None:
            self.tail = _compile("/".join(segments[tail_at:]), self.tail_params, self.convertors)
        #: The names of the parameters before a ``path`` tail, in order: the names
        #: this template gives to the values its (possibly shared) segments match.
        self.segment_names = tuple(
            self.param_names[: len(self.param_names) - len(self.tail_params)]
        )

    @property
    def is_static(self) -> bool:
        """True when the template has no parameters: matched by one dict lookup."""
        return not self.param_names

    @property
    def key(self) -> str:
        """The template with parameter names erased, for conflict detection."""
        return _erase_names(self.template)

    def parse(self, path: str) -> dict[str, Any] | None:
        """The parameters this template reads in ``path`` (decoded, as served), or None.

        The template alone decides, as if no other route existed.
        """
        parts = path[1:].split("/") if path.startswith("/") else []
        count = len(self.segments)
        if len(parts) < count or (self.tail is None) != (len(parts) == count):
            return None
        values: list[Any] = []
        for segment, part in zip(self.segments, parts, strict=False):
            if segment.literal:
                if part != segment.text:
                    return None
                continue
            try:
                values.extend(segment.parse(part))
            except _NoMatch:
                return None
        found = dict(zip(self.segment_names, values, strict=True))
        if self.tail is not None:
            tail = _match_tail(self, "/".join(parts[count:]))
            if tail is None:
                return None
            found.update(tail)
        return found

    def format(self, params: Mapping[str, Any]) -> str:
        """Build the path that this template matches back to the same values (``url_for``).

        Each value is written by its convertor and percent-encoded; a ``.`` or
        ``..`` segment is encoded too, since clients would resolve it away.

        Raises:
            KeyError: a parameter is missing.
            ValueError: a value its convertor does not match (an empty or
                slashed ``str``, a negative ``int``, ``nan``, too many digits),
                or values a mixed segment would split differently.
        """
        texts = {name: self._text(name, params) for name in self.param_names}
        back = self.parse(_PARAM.sub(lambda m: texts[m.group(1)], self.template))
        if back is None or any(self.convertors[n].to_string(back[n]) != texts[n] for n in texts):
            raise ValueError(
                f"url_for: {self.template!r} would read these values back differently: "
                f"{dict(params)!r}."
            )
        try:
            path = _PARAM.sub(lambda m: self._quote(m.group(1), texts), self.template)
        except UnicodeEncodeError:
            raise ValueError(
                f"url_for: a value for {self.template!r} is not valid text."
            ) from None
        return "/".join(_DOT_SEGMENTS.get(part, part) for part in path.split("/"))

    def _text(self, name: str, params: Mapping[str, Any]) -> str:
        """``params[name]`` as its convertor writes it, checked to match that convertor."""
        if name not in params:
            raise KeyError(f"url_for needs a value for {name!r} in {self.template!r}.")
        convertor, value = self.convertors[name], params[name]
        try:
            text = convertor.to_string(value)
            convertor.to_python(text)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(
                f"url_for: {name}={value!r} is not a value {{{name}:{convertor.name}}} matches."
            ) from None
        return text

    def _quote(self, name: str, texts: Mapping[str, str]) -> str:
        safe = _PATH_SAFE if self.convertors[name].name == "path" else _SEGMENT_SAFE
        return quote(texts[name], safe=safe)


def _segment(text: str, convertors: Mapping[str, Convertor]) -> _Segment:
    if "{" not in text:
        return _Segment(text, True, (), None)
    whole = _PARAM.fullmatch(text)
    if whole:
        convertor = convertors[whole.group(1)]
        return _Segment(text, False, ((whole.group(1), convertor),), None)
    params: list[tuple[str, Convertor]] = []
    regex = _compile(text, params, convertors)
    return _Segment(text, False, tuple(params), regex)


@dataclass
class _Node(Generic[T]):
    static: dict[str, _Node[T]] = field(default_factory=dict)
    dynamic: list[tuple[_Segment, _Node[T]]] = field(default_factory=list)
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
        except _NoMatch:
            continue
        found = _walk(child, parts, index + 1, values + matched)
        if found is not None:
            return found
    if node.tails:
        rest = "/".join(parts[index:])
        for template, target in node.tails:
            tail_values = _match_tail(template, rest)
            if tail_values is not None:
                return target, {
                    **dict(zip(template.segment_names, values, strict=True)),
                    **tail_values,
                }
    return None


def _match_tail(template: PathTemplate, rest: str) -> dict[str, Any] | None:
    assert template.tail is not None
    match = template.tail.fullmatch(rest)
    if match is None:
        return None
    try:
        return {name: c.to_python(match.group(name)) for name, c in template.tail_params}
    except ValueError:
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
        for text, child in node.static.items():
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


def _dict_literal(names: tuple[str, ...], values: list[str], *extra: str) -> str:
    """``{'who': v0_0, ...}``: a target's own names paired with the matched values."""
    items = [f"{param!r}: {value}" for param, value in zip(names, values, strict=True)]
    return "{" + ", ".join([*items, *extra]) + "}"


def _parse_or_none(segment: _Segment) -> Callable[[str], tuple[Any, ...] | None]:
    def parse(text: str) -> tuple[Any, ...] | None:
        try:
            return segment.parse(text)
        except _NoMatch:
            return None

    return parse


def _tail_matcher(template: PathTemplate) -> Callable[[str], dict[str, Any] | None]:
    return lambda rest: _match_tail(template, rest)
