import math
import uuid
from urllib.parse import unquote

import httpx2 as httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import responder
from responder.resources import CONVERTORS, PathTemplate, Router, TemplateError


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
        ("/price/{value:float}", "/price/inf"),
        ("/price/{value:float}", "/price/" + "9" * 400),  # reads as inf
        ("/price/{value:float}", "/price/" + "1" * 65),  # past max_number_param_length
        ("/price/{value:float}", "/price/0." + "0" * 63),
        ("/price/{value:float}", "/p{value:float}x".replace("{value:float}", "9" * 400)),
        ("/items/{id:int}", "/items/" + "1" * 65),
        ("/items/{id:int}", "/items/" + "1" * 5000),  # past Python's own int limit too
        ("/v{major:int}/ping", "/v" + "1" * 65 + "/ping"),
        ("/u/{key:uuid}", "/u/not-a-uuid"),
        ("/hello/{who}", "/hello/"),
        ("/hello/{who}", "/hello/a/b"),
        ("/files/{rest:path}", "/files"),
        ("/v{major:int}/ping", "/vx/ping"),
    ],
)
def test_values_that_do_not_convert_do_not_match(template, path):
    assert router_with(template).match(path) is None


def test_numbers_up_to_the_length_limit_match():
    router = router_with("/items/{id:int}", "/price/{value:float}")
    assert router.match("/items/" + "1" * 64) == ("/items/{id:int}", {"id": int("1" * 64)})
    assert router.match("/price/" + "9" * 62 + ".5")[1] == {"value": float("9" * 62 + ".5")}


def test_the_number_length_limit_is_an_api_setting():
    api = responder.API(max_number_param_length=3)
    api.add_route("/items/{id:int}", lambda req, resp, *, id: setattr(resp, "media", id))
    api.add_route("/price/{p:float}", lambda req, resp, *, p: setattr(resp, "media", p))
    assert api.requests.get("/items/999").json() == 999
    assert api.requests.get("/items/1000").status_code == 404
    assert api.requests.get("/price/1.5").json() == 1.5
    assert api.requests.get("/price/1.25").status_code == 404
    with pytest.raises(ValueError, match="url_for"):
        api.url_for("<lambda>", id=1000)


@pytest.mark.parametrize("limit", [0, -1, "64", 1.5, True])
def test_a_bad_number_length_limit_fails_when_the_api_is_made(limit):
    with pytest.raises(ValueError, match="max_number_param_length"):
        responder.API(max_number_param_length=limit)


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


UUID_VALUE = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")


@pytest.mark.parametrize(
    ("template", "value", "path"),
    [
        ("/p/{x:float}", 1e20, "/p/100000000000000000000.0"),
        ("/p/{x:float}", 5e-7, "/p/0.0000005"),
        ("/p/{x:float}", -0.0, "/p/0.0"),
        ("/p/{x:float}", 3, "/p/3.0"),
        ("/p/{x:float}", "2.50", "/p/2.5"),
        ("/i/{x:int}", True, "/i/1"),
        ("/i/{x:int}", "0042", "/i/42"),
        ("/u/{x:uuid}", "{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}", "/u/" + str(UUID_VALUE)),
        ("/s/{x}", "..", "/s/%2E%2E"),
        ("/s/{x}", ".", "/s/%2E"),
        ("/s/{x}", "...", "/s/..."),
        ("/s/{x}", "a b?#%", "/s/a%20b%3F%23%25"),
        ("/s/{x}", "café", "/s/caf%C3%A9"),
        ("/f/{x:path}", "../../etc/passwd", "/f/%2E%2E/%2E%2E/etc/passwd"),
        ("/f/{x:path}", "a/./b/", "/f/a/%2E/b/"),
        ("/f/{x:path}", "", "/f/"),
        ("/m/{x}.json", "archive.tar", "/m/archive.tar.json"),
    ],
)
def test_url_for_writes_values_so_they_route_back(template, value, path):
    built = PathTemplate(template).format({"x": value})
    assert built == path
    assert router_with(template).match(unquote(built)) is not None


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("/i/{x:int}", {"x": -5}),
        ("/i/{x:int}", {"x": 5.7}),  # never truncated to 5
        ("/i/{x:int}", {"x": "abc"}),
        ("/i/{x:int}", {"x": None}),
        ("/i/{x:int}", {"x": 10**64}),  # 65 digits: past the length limit
        ("/p/{x:float}", {"x": float("nan")}),
        ("/p/{x:float}", {"x": float("inf")}),
        ("/p/{x:float}", {"x": -1.5}),
        ("/p/{x:float}", {"x": 1e300}),  # written out, far past the length limit
        ("/p/{x:float}", {"x": 10**400}),  # too large for a float at all
        ("/p/{x:float}", {"x": "nan"}),
        ("/u/{x:uuid}", {"x": "not-a-uuid"}),
        ("/u/{x:uuid}", {"x": 5}),
        ("/s/{x}", {"x": ""}),
        ("/s/{x}", {"x": "a/b"}),
        ("/s/{x}", {"x": "\ud800"}),  # a lone surrogate: no URL can carry it
        ("/{a}.{b}", {"a": "x", "b": "tar.gz"}),  # would read back as a="x.tar", b="gz"
        ("/r/{y:int}-{m:int}", {"y": 2024, "m": -3}),
    ],
)
def test_url_for_refuses_values_that_would_not_route_back(template, params):
    with pytest.raises(ValueError, match="url_for"):
        PathTemplate(template).format(params)


VALUES = st.one_of(
    st.integers(),
    st.floats(),
    st.text(st.characters(codec=None, categories=None)),  # surrogates included
    st.text(alphabet="./% ab"),
    st.uuids(),
    st.none(),
    st.booleans(),
    st.decimals(allow_nan=True),
)


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(sorted(CONVERTORS)), value=VALUES, mixed=st.booleans())
def test_url_for_either_refuses_a_value_or_routes_back_to_it(kind, value, mixed):
    """For every convertor and any value: ValueError, or a path that reads back the same value."""
    template = f"/t/{{x:{kind}}}.end" if mixed and kind != "path" else f"/t/{{x:{kind}}}"
    convertor = CONVERTORS[kind]
    try:
        built = PathTemplate(template).format({"x": value})
    except ValueError:
        return
    # What a client sends and a server decodes: dot segments must survive a client.
    sent = httpx.URL("http://testserver" + built).raw_path.decode("ascii")
    found = router_with(template).match(unquote(sent))
    assert found is not None, (value, built)
    back = found[1]["x"]
    assert convertor.to_string(back) == convertor.to_string(value)
    if type(value) is type(back) and not (isinstance(value, float) and math.isnan(value)):
        assert back == value
