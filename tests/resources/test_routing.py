import uuid

import pytest

from responder.resources import PathTemplate, Router, TemplateError


def router_with(*templates: str) -> Router[str]:
    router: Router[str] = Router()
    for template in templates:
        router.add(PathTemplate(template), template)
    return router


@pytest.mark.parametrize(
    ("template", "path", "params"),
    [
        ("/items/{id:int}", "/items/42", {"id": 42}),
        ("/price/{value:float}", "/price/9.99", {"value": 9.99}),
        ("/price/{value:float}", "/price/3", {"value": 3.0}),
        ("/hello/{who}", "/hello/world", {"who": "world"}),
        ("/hello/{who:str}", "/hello/guido", {"who": "guido"}),
        (
            "/u/{key:uuid}",
            "/u/550e8400-e29b-41d4-a716-446655440000",
            {"key": uuid.UUID("550e8400-e29b-41d4-a716-446655440000")},
        ),
        ("/files/{rest:path}", "/files/a/b/c.txt", {"rest": "a/b/c.txt"}),
        ("/files/{rest:path}", "/files/", {"rest": ""}),
        ("/files/{rest:path}/raw", "/files/a/b/raw", {"rest": "a/b"}),
        ("/{name}.{ext}", "/report.pdf", {"name": "report", "ext": "pdf"}),
        ("/v{major:int}/ping", "/v2/ping", {"major": 2}),
    ],
)
def test_convertors_convert_matching_values(template, path, params):
    assert router_with(template).match(path) == (template, params)


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ("/items/{id:int}", "/items/abc"),
        ("/items/{id:int}", "/items/-1"),
        ("/items/{id:int}", "/items/²"),
        ("/items/{id:int}", "/items/"),
        ("/price/{value:float}", "/price/1e5"),
        ("/price/{value:float}", "/price/nan"),
        ("/u/{key:uuid}", "/u/not-a-uuid"),
        ("/hello/{who}", "/hello/"),
        ("/hello/{who}", "/hello/a/b"),
        ("/files/{rest:path}", "/files"),
        ("/v{major:int}/ping", "/vx/ping"),
    ],
)
def test_values_that_do_not_convert_do_not_match(template, path):
    assert router_with(template).match(path) is None


def test_static_segment_wins_over_parameter_regardless_of_order():
    router = router_with("/users/{name}", "/users/me")
    assert router.match("/users/me") == ("/users/me", {})
    assert router.match("/users/bob") == ("/users/{name}", {"name": "bob"})


def test_parameter_wins_over_path_tail():
    router = router_with("/f/{rest:path}", "/f/{name}")
    assert router.match("/f/a") == ("/f/{name}", {"name": "a"})
    assert router.match("/f/a/b") == ("/f/{rest:path}", {"rest": "a/b"})


def test_matching_backtracks_when_a_deeper_segment_fails():
    router = router_with("/a/{x:int}/edit", "/a/{name}/show")
    assert router.match("/a/5/show") == ("/a/{name}/show", {"name": "5"})
    assert router.match("/a/5/edit") == ("/a/{x:int}/edit", {"x": 5})


def test_typed_parameters_at_the_same_position_are_tried_in_order():
    router = router_with("/n/{id:int}", "/n/{slug}")
    assert router.match("/n/7") == ("/n/{id:int}", {"id": 7})
    assert router.match("/n/seven") == ("/n/{slug}", {"slug": "seven"})


def test_trailing_slash_is_significant():
    router = router_with("/items")
    assert router.match("/items") == ("/items", {})
    assert router.match("/items/") is None


def test_equivalent_templates_conflict():
    router = router_with("/items/{id:int}")
    with pytest.raises(TemplateError):
        router.add(PathTemplate("/items/{other:int}"), "again")


@pytest.mark.parametrize("template", ["items", "/items/{id:nope}", "/a/{x}/{x}", "/a/{x", "/a/x}"])
def test_malformed_templates_are_refused(template):
    with pytest.raises(TemplateError):
        PathTemplate(template)


def test_many_routes_match_through_the_compiled_tree():
    templates = [f"/r{i}/{{id:int}}/s{i % 7}" for i in range(300)]
    router = router_with(*templates)
    assert router.match("/r299/5/s5") == ("/r299/{id:int}/s5", {"id": 5})
    assert router.match("/r12/5/s5") == ("/r12/{id:int}/s5", {"id": 5})
    assert router.match("/r12/5/s4") is None


def test_deep_templates_beyond_python_nesting_still_match():
    template = "/" + "/".join(f"{{p{i}:int}}" for i in range(30))
    router = router_with(template)
    path = "/" + "/".join(str(i) for i in range(30))
    assert router.match(path) == (template, {f"p{i}": i for i in range(30)})


def test_format_uses_convertors():
    assert PathTemplate("/items/{id:int}/{name}").format({"id": 3, "name": "x"}) == "/items/3/x"
    with pytest.raises(KeyError):
        PathTemplate("/items/{id:int}").format({})
