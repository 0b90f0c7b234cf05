"""Path templates: ``/users/{id:int}/posts/{slug}`` parsed once, at registration.

A template knows its segments (static text, or parameters with their
convertors), how to format itself back into a URL (``url_for``), and the key
that makes two templates with different parameter names the same route. The
router (:mod:`responder.resources.routing`) matches paths against them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .._lazy import compiled_on_first_use
from .._records import record
from .convertors import CONVERTORS, Convertor

__all__ = ["NoMatch", "PathTemplate", "Segment", "TemplateError", "match_tail"]

# RFC 3986 pchar minus percent: what a path segment may hold unencoded.
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"
_PATH_SAFE = _SEGMENT_SAFE + "/"
# Clients resolve these segments away (RFC 3986 §5.2.4) unless they are percent-encoded.
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}

_PARAM: re.Pattern[str] = compiled_on_first_use(
    "_PARAM", r"{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_][A-Za-z0-9_]*))?}", globals()
)


def _erase_names(template: str) -> str:
    """``/a/{id:int}/{name}`` → ``/a/{:int}/{:str}``: equal results match equal paths."""
    return _PARAM.sub(lambda m: "{:" + (m.group(2) or "str") + "}", template)


class TemplateError(ValueError):
    """A route template is malformed or conflicts with an existing one."""


class NoMatch(Exception):
    """A segment's text does not fit its parameters (a convertor refused it)."""


@record(frozen=True)
class Segment:
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
        """Match ``text``; the converted values in template order, or raise ``NoMatch``.

        Values, not names: templates that share this segment may name its
        parameters differently, so each route pairs the values with its own names.
        """
        if self.regex is None:
            try:
                return (self.params[0][1].to_python(text),)
            except ValueError:
                raise NoMatch from None
        match = self.regex.fullmatch(text)
        if match is None:
            raise NoMatch
        try:
            return tuple(c.to_python(match.group(n)) for n, c in self.params)
        except ValueError:
            raise NoMatch from None


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
            except NoMatch:
                return None
        found = dict(zip(self.segment_names, values, strict=True))
        if self.tail is not None:
            tail = match_tail(self, "/".join(parts[count:]))
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


def _segment(text: str, convertors: Mapping[str, Convertor]) -> Segment:
    if "{" not in text:
        return Segment(text, True, (), None)
    whole = _PARAM.fullmatch(text)
    if whole:
        convertor = convertors[whole.group(1)]
        return Segment(text, False, ((whole.group(1), convertor),), None)
    params: list[tuple[str, Convertor]] = []
    regex = _compile(text, params, convertors)
    return Segment(text, False, tuple(params), regex)


def match_tail(template: PathTemplate, rest: str) -> dict[str, Any] | None:
    """The converted values of a ``path`` tail, or None if ``rest`` does not fit it."""
    assert template.tail is not None
    match = template.tail.fullmatch(rest)
    if match is None:
        return None
    try:
        return {name: c.to_python(match.group(name)) for name, c in template.tail_params}
    except ValueError:
        return None
