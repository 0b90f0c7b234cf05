"""Property tests for the router: random route sets against a one-template-at-a-time oracle.

The oracle knows nothing of the tree: it matches a path against each template
on its own (one regex per template, then the convertors). For any route set
and any path, the router must answer with a template the oracle says matches,
with exactly that template's own parameter names and values; it must answer
None only when no template matches; and the compiled matcher and the plain
tree walk must agree.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from responder.resources import PathTemplate, Router, routing
from responder.resources.routing import CONVERTORS, _walking_matcher

LITERALS = ["a", "b", "users", "posts", "1", "html"]
NAMES = ["id", "name", "who", "user_id", "slug", "x"]
KINDS = ["str", "int", "float", "uuid"]
SAMPLE_VALUES = {
    "str": ["guido", "1", "a", "x.json"],
    "int": ["0", "7", "42"],
    "float": ["1.5", "3"],
    "uuid": [str(uuid.UUID(int=5))],
    "path": ["", "a", "a/b", "x/1/html"],
}


@st.composite
def templates(draw: st.DrawFn) -> str:
    """A template of 1-4 segments: literals, typed parameters, a mixed segment, a path tail."""
    segments, used = [], set()
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["literal", "literal", "param", "param", "mixed"]))
        if kind == "literal":
            segments.append(draw(st.sampled_from(LITERALS)))
            continue
        name = draw(st.sampled_from([n for n in NAMES if n not in used]))
        used.add(name)
        convertor = draw(st.sampled_from(KINDS))
        segment = "{" + name + ("" if convertor == "str" else ":" + convertor) + "}"
        segments.append(segment + ".json" if kind == "mixed" else segment)
    if draw(st.booleans()) and len(used) < len(NAMES):
        tail = draw(st.sampled_from([n for n in NAMES if n not in used]))
        segments.append("{" + tail + ":path}")
    return "/" + "/".join(segments)


def _oracle(template: PathTemplate, path: str) -> dict[str, Any] | None:
    """The template's own parameters for ``path``, matching this one template alone."""
    pattern, position = [], 0
    for match in re.finditer(r"{(\w+)(?::(\w+))?}", template.template):
        pattern.append(re.escape(template.template[position : match.start()]))
        regex = CONVERTORS[match.group(2) or "str"].regex
        pattern.append(f"(?P<{match.group(1)}>{regex})")
        position = match.end()
    pattern.append(re.escape(template.template[position:]))
    found = re.fullmatch("".join(pattern), path)
    if found is None:
        return None
    try:
        return {n: template.convertors[n].to_python(found.group(n)) for n in template.param_names}
    except ValueError:
        return None


def _paths_for(template: PathTemplate, draw: st.DrawFn) -> str:
    """A path built from ``template`` with sample values (which may also fit other routes)."""

    def fill(match: re.Match[str]) -> str:
        return draw(st.sampled_from(SAMPLE_VALUES[match.group(2) or "str"]))

    return re.sub(r"{(\w+)(?::(\w+))?}", fill, template.template)


@st.composite
def route_sets(draw: st.DrawFn) -> tuple[list[PathTemplate], list[str]]:
    """Distinct templates (by shape) and paths: some built from them, some random."""
    chosen: dict[str, PathTemplate] = {}
    for text in draw(st.lists(templates(), min_size=1, max_size=12)):
        template = PathTemplate(text)
        chosen.setdefault(template.key, template)
    routes = list(chosen.values())
    paths = [_paths_for(draw(st.sampled_from(routes)), draw) for _ in range(8)]
    paths += draw(st.lists(st.lists(st.sampled_from([*LITERALS, "7", "x.json", ""]), min_size=1)))
    return routes, [p if isinstance(p, str) else "/" + "/".join(p) for p in paths]


@settings(max_examples=300, deadline=None)
@given(route_sets())
def test_every_path_routes_to_a_matching_template_with_its_own_names(
    case: tuple[list[PathTemplate], list[str]],
) -> None:
    _check_routes(case)


@settings(max_examples=300, deadline=None)
@given(route_sets())
def test_matching_through_dict_dispatch_routes_every_path_the_same(
    case: tuple[list[PathTemplate], list[str]],
) -> None:
    """Past a few static siblings the matcher looks the child up in a dict: force it everywhere."""
    with mock.patch.object(routing, "_MOST_COMPARED", 0):
        _check_routes(case)


def _check_routes(case: tuple[list[PathTemplate], list[str]]) -> None:
    routes, paths = case
    router: Router[PathTemplate] = Router()
    for template in routes:
        router.add(template, template)
    walk = _walking_matcher(router._root)
    for path in paths:
        expected = {t.template: _oracle(t, path) for t in routes}
        matching = {k: v for k, v in expected.items() if v is not None}
        found = router.match(path)
        if not matching:
            assert found is None, (path, found)
            continue
        assert found is not None, (path, matching)
        target, params = found
        assert target.template in matching, (path, target.template, matching)
        assert params == matching[target.template], (path, target.template)
        if len(matching) == 1:
            assert params == next(iter(matching.values()))
        if not target.is_static:
            parts = path[1:].split("/")
            assert walk(parts, len(parts)) == found, path


@settings(max_examples=100, deadline=None)
@given(route_sets())
def test_the_route_a_path_reaches_builds_a_path_that_reaches_it_again(
    case: tuple[list[PathTemplate], list[str]],
) -> None:
    routes, _ = case
    router: Router[PathTemplate] = Router()
    for template in routes:
        router.add(template, template)
    for template in routes:
        path = template.format(
            {n: SAMPLE_VALUES[c.name][-1] for n, c in template.convertors.items()}
        )
        found = router.match(path)
        assert found is not None, (template.template, path)
        assert router.match(found[0].format(found[1])) == found, path


def test_routes_sharing_a_position_keep_their_own_names() -> None:
    router: Router[str] = Router()
    for template in ["/hello/{who}", "/hello/{name}/html", "/users/{user_id:int}/posts"]:
        router.add(PathTemplate(template), template)
    router.add(PathTemplate("/users/{id:int}"), "/users/{id:int}")
    router.add(PathTemplate("/f/{a}.json/{rest:path}"), "tail-a")
    router.add(PathTemplate("/f/{b}.json"), "plain-b")
    assert router.match("/hello/guido") == ("/hello/{who}", {"who": "guido"})
    assert router.match("/hello/guido/html") == ("/hello/{name}/html", {"name": "guido"})
    assert router.match("/users/1") == ("/users/{id:int}", {"id": 1})
    assert router.match("/users/1/posts") == ("/users/{user_id:int}/posts", {"user_id": 1})
    assert router.match("/f/x.json") == ("plain-b", {"b": "x"})
    assert router.match("/f/x.json/y/z") == ("tail-a", {"a": "x", "rest": "y/z"})
