"""One test per rule of response negotiation (RFC 9110 §12.5.1) and request dispatch."""

import time

import msgpack
import pytest
import yaml

import responder
from responder.media import MediaRegistry
from responder.media.negotiation import MAX_ACCEPT_ENTRIES, parse_accept

DATA = {"key": "value", "n": [1, 2]}


@pytest.fixture
def api():
    api = responder.API()

    @api.route("/data")
    def data(req, resp):
        resp.media = DATA

    return api


def get(api, accept=None):
    return api.requests.get("/data", headers={"Accept": accept} if accept else {})


def test_no_accept_header_gets_json(api):
    r = get(api)
    assert r.headers["content-type"] == "application/json"
    assert r.json() == DATA


@pytest.mark.parametrize("accept", ["application/x-yaml", "application/yaml", "text/yaml"])
def test_yaml_requested_by_accept_header_gets_yaml_labelled_as_asked(api, accept):
    r = get(api, accept)
    assert r.headers["content-type"] == accept
    assert yaml.safe_load(r.text) == DATA
    assert "key: value" in r.text


@pytest.mark.parametrize("accept", ["application/x-msgpack", "application/msgpack"])
def test_msgpack_requested_gets_msgpack(api, accept):
    r = get(api, accept)
    assert r.headers["content-type"] == accept
    assert msgpack.unpackb(r.content) == DATA


def test_higher_q_value_wins(api):
    r = get(api, "application/json;q=0.5, application/x-yaml;q=0.9")
    assert r.headers["content-type"] == "application/x-yaml"


def test_more_specific_range_sets_the_weight(api):
    # application/* is preferred, but YAML (under both its names) and JSON are marked down.
    accept = "application/*;q=0.9, application/x-yaml;q=0.1, application/yaml;q=0.1, "
    r = get(api, accept + "application/json;q=0.5")
    assert r.headers["content-type"] == "application/x-msgpack"


def test_each_name_of_a_format_is_weighed_on_its_own(api):
    # x-yaml is marked down, but application/yaml still gets application/*'s weight,
    # and the response is labelled with the name that earned it.
    r = get(api, "application/*;q=0.9, application/x-yaml;q=0.1, application/json;q=0.5")
    assert r.headers["content-type"] == "application/yaml"


def test_wildcard_gets_the_default(api):
    assert get(api, "*/*").headers["content-type"] == "application/json"
    assert get(api, "application/*").headers["content-type"] == "application/json"


def test_type_wildcard_picks_first_registered_in_that_type(api):
    assert get(api, "text/*").headers["content-type"] == "text/yaml"


def test_q_zero_excludes(api):
    r = get(api, "application/json;q=0, */*;q=0.1")
    assert r.headers["content-type"] == "application/x-yaml"


def test_ties_go_to_registration_order(api):
    r = get(api, "application/x-msgpack, application/x-yaml, application/json")
    assert r.headers["content-type"] == "application/json"
    r = get(api, "application/x-msgpack, application/x-yaml")
    assert r.headers["content-type"] == "application/x-yaml"


def test_structured_suffix_is_understood_and_answered_in_the_registered_type(api):
    r = get(api, "application/vnd.example+json")
    assert r.headers["content-type"] == "application/json"
    assert r.json() == DATA
    r = get(api, "application/vnd.example+yaml")
    assert r.headers["content-type"] == "application/x-yaml"
    assert yaml.safe_load(r.text) == DATA


@pytest.mark.parametrize(
    "accept",
    [
        'application/vnd.a"b+json',
        "application/<script>+json",
        "x/" + "a" * 2000 + "+json",
        "application/json+json",
        "text/html;x=1+json, a/b+json",
        "a/b+yaml;q=1",
    ],
)
def test_only_registered_media_types_are_ever_sent_back(api, accept):
    r = get(api, accept)
    assert r.status_code == 200
    assert r.headers["content-type"] in ("application/json", "application/x-yaml")


def test_parameters_and_case_are_tolerated(api):
    r = get(api, "Application/X-YAML; charset=utf-8; q=1")
    assert yaml.safe_load(r.text) == DATA


def test_nothing_acceptable_falls_back_to_json(api):
    r = get(api, "image/png")
    assert (r.status_code, r.headers["content-type"]) == (200, "application/json")


def test_nothing_acceptable_is_406_when_strict():
    api = responder.API(strict_negotiation=True)
    api.add_route("/data", lambda req, resp: setattr(resp, "media", DATA))
    r = get(api, "image/png")
    assert r.status_code == 406
    assert r.headers["content-type"] == "application/problem+json"
    assert "application/json" in r.json()["detail"]
    assert get(api, "application/json").status_code == 200
    assert get(api).status_code == 200


def test_forms_are_never_chosen_for_responses(api):
    r = get(api, "application/x-www-form-urlencoded, multipart/form-data")
    assert r.headers["content-type"] == "application/json"


def test_negotiated_responses_vary_on_accept(api):
    assert get(api).headers["vary"] == "Accept"
    api.add_route("/text", lambda req, resp: setattr(resp, "text", "hi"))
    assert "vary" not in api.requests.get("/text").headers


def test_malformed_accept_counts_as_no_preference(api):
    assert get(api, "garbage, ;;;, /").headers["content-type"] == "application/json"
    assert get(api, "application/x-yaml;q=banana").headers["content-type"] == "application/json"


def test_errors_are_negotiated_too(api):
    r = api.requests.get("/missing", headers={"Accept": "application/x-msgpack"})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/x-msgpack"
    assert msgpack.unpackb(r.content)["status"] == 404
    r = api.requests.get("/missing", headers={"Accept": "text/yaml"})
    assert r.headers["content-type"] == "application/problem+yaml"
    assert yaml.safe_load(r.text)["title"] == "Not Found"


def test_hostile_accept_header_costs_bounded_time(api):
    hostile = ", ".join(f"application/x-{i};q=0.{i % 10}" for i in range(200_000))
    assert len(parse_accept(hostile)) <= MAX_ACCEPT_ENTRIES
    start = time.perf_counter()
    for _ in range(20):
        MediaRegistry().negotiate(hostile + " ")
    # 20 fresh registries, no cache: still effectively instant (not a timing assertion
    # on the framework's speed, a guard that work does not grow with the header).
    assert time.perf_counter() - start < 5
    assert get(api, hostile).status_code == 200


def test_negotiation_cache_is_bounded():
    registry = MediaRegistry()
    for i in range(5000):
        registry.negotiate(f"application/x-{i}")
    assert len(registry._negotiated) <= 256


def test_cache_is_cleared_when_handlers_change():
    registry = MediaRegistry()
    handler, _ = registry.negotiate("application/x-yaml")
    assert handler.format == "yaml"
    registry.unregister("yaml")
    assert registry.negotiate("application/x-yaml") is None
    assert registry.for_content_type("application/x-yaml") is None


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/json", b'{"a": 1}', {"a": 1}),
        ("APPLICATION/JSON; charset=UTF-8", b'{"a": 1}', {"a": 1}),
        ("application/merge-patch+json", b'{"a": 1}', {"a": 1}),
        ("application/x-yaml", b"a: 1", {"a": 1}),
        ("text/yaml", b"a: 1", {"a": 1}),
        ("application/vnd.thing+yaml", b"a: 1", {"a": 1}),
        ("application/msgpack", msgpack.packb({"a": 1}), {"a": 1}),
        ("application/x-www-form-urlencoded", b"a=1", {"a": "1"}),
    ],
)
def test_request_body_is_read_by_its_content_type(mirror_api, content_type, body, expected):
    r = mirror_api.requests.post("/echo", content=body, headers={"Content-Type": content_type})
    assert r.json() == expected


@pytest.mark.parametrize("fmt", ["json", "yaml", "msgpack", "form", "files"])
def test_explicit_format_names(fmt):
    api = responder.API()
    bodies = {
        "json": (b'{"a": "1"}', "text/plain"),
        "yaml": (b"a: '1'", "text/plain"),
        "msgpack": (msgpack.packb({"a": "1"}), "application/octet-stream"),
        "form": (b"a=1", "application/x-www-form-urlencoded"),
        "files": (b"a=1", "application/x-www-form-urlencoded"),
    }

    @api.route("/echo")
    async def echo(req, resp):
        resp.media = await req.media(fmt)

    body, content_type = bodies[fmt]
    r = api.requests.post("/echo", content=body, headers={"Content-Type": content_type})
    assert r.json() == {"a": "1"}


def test_form_and_files_read_both_kinds_of_form(api):
    @api.route("/both")
    async def both(req, resp):
        form = await req.media("form")
        files = await req.media("files")
        resp.media = {"form": sorted(form), "same": form is files}

    r = api.requests.post("/both", data={"x": "1"}, files={"doc": ("a.txt", b"hi", "text/plain")})
    assert r.json() == {"form": ["doc", "x"], "same": True}
    r = api.requests.post("/both", data={"x": "1"})
    assert r.json() == {"form": ["x"], "same": True}


def test_file_upload_as_documented(api):
    @api.route("/upload")
    async def upload(req, resp):
        files = await req.media("files")
        resp.media = {
            "received": list(files),
            "name": files["doc"]["filename"],
            "type": files["doc"]["content_type"],
            "size": len(files["doc"]["content"]),
        }

    r = api.requests.post("/upload", files={"doc": ("report.pdf", b"%PDF-1.4", "application/pdf")})
    assert r.json() == {
        "received": ["doc"],
        "name": "report.pdf",
        "type": "application/pdf",
        "size": 8,
    }
