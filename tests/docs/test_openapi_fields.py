"""Operation fields from route keywords: summary, description, operation_id, tags, deprecated."""

import pytest

import responder
from responder.docs.openapi import iter_operations


def operations(api):
    document = api.requests.get("/schema.json").json()
    return {(path, method): op for path, method, op in iter_operations(document)}


def test_description_keyword_outranks_the_docstring_prose_and_yields_to_its_yaml():
    api = responder.API(openapi="3.1.0")

    @api.get("/a", description="From the keyword.")
    def a(req, resp):
        """Summary of a.

        Prose of a, outranked.
        """

    @api.get("/b", description="From the keyword, outranked.")
    def b(req, resp):
        """Summary of b.

        ---
        description: From the YAML.
        """

    @api.get("/c")
    def c(req, resp):
        """Summary of c.

        Prose of c.
        """

    found = operations(api)
    assert found[("/a", "get")]["summary"] == "Summary of a."
    assert found[("/a", "get")]["description"] == "From the keyword."
    assert found[("/b", "get")]["description"] == "From the YAML."
    assert found[("/c", "get")]["description"] == "Prose of c."


def test_operation_id_keyword_names_the_operation_for_functions_resources_and_routers():
    api = responder.API(openapi="3.1.0")
    router = responder.Router("/users")

    @router.get("/{id:int}", operation_id="getUser", description="One user.")
    def user(req, resp, *, id):
        pass

    api.include_router(router, prefix="/v1")

    @api.get("/ping", operation_id="ping")
    def ping(req, resp):
        pass

    @api.route("/thing", operation_id="thing")
    class Thing:
        def on_get(self, req, resp):
            pass

    found = operations(api)
    assert found[("/v1/users/{id}", "get")]["operationId"] == "getUser"
    assert found[("/v1/users/{id}", "get")]["description"] == "One user."
    assert found[("/ping", "get")]["operationId"] == "ping"
    assert found[("/thing", "get")]["operationId"] == "thing"


def test_the_docstring_yaml_operation_id_wins_over_the_keyword():
    api = responder.API(openapi="3.1.0")

    @api.get("/a", operation_id="keyword")
    def a(req, resp):
        """A.

        ---
        operationId: fromYaml
        """

    assert operations(api)[("/a", "get")]["operationId"] == "fromYaml"


def test_the_same_operation_id_twice_is_refused_at_registration():
    api = responder.API(openapi="3.1.0")
    api.add_route("/a", lambda req, resp: None, methods=["GET"], operation_id="same")
    with pytest.raises(ValueError, match="operation_id 'same' is already given to '/a'"):
        api.add_route("/b", lambda req, resp: None, methods=["GET"], operation_id="same")
    assert api.requests.get("/b").status_code == 404  # nothing was registered


def test_a_router_included_twice_with_an_operation_id_is_refused():
    api = responder.API(openapi="3.1.0")
    router = responder.Router("/users")
    router.add_route("", lambda req, resp: None, methods=["GET"], operation_id="users")
    api.include_router(router, prefix="/v1")
    with pytest.raises(ValueError, match="already given to '/v1/users'"):
        api.include_router(router, prefix="/v2", name="v2")


def test_one_operation_id_on_two_operations_is_refused_when_the_document_is_built():
    api = responder.API(openapi="3.1.0")

    @api.route("/items", operation_id="items")
    class Items:
        def on_get(self, req, resp):
            pass

        def on_post(self, req, resp):
            pass

    with pytest.raises(ValueError, match="'items' is given to GET /items and to POST /items"):
        api.requests.get("/schema.json")


def test_the_same_operation_id_in_two_docstrings_is_refused_when_the_document_is_built():
    api = responder.API(openapi="3.1.0")

    def view(req, resp):
        """View.

        ---
        operationId: twice
        """

    api.add_route("/a", view, methods=["GET"])
    api.add_route("/b/{id:int}", view, methods=["GET"])
    with pytest.raises(ValueError, match=r"given to GET /a and to GET /b/\{id\}"):
        api.requests.get("/schema.json")


def test_derived_operation_ids_avoid_the_given_ones():
    api = responder.API(openapi="3.1.0")

    @api.get("/first")
    def listing(req, resp):
        pass

    @api.get("/second", operation_id="get_listing")
    def other(req, resp):
        pass

    found = operations(api)
    assert found[("/second", "get")]["operationId"] == "get_listing"
    assert found[("/first", "get")]["operationId"] == "get_listing_2"


@pytest.mark.parametrize("bad", ["", 3, b"id"])
def test_an_operation_id_that_is_no_string_is_refused(bad):
    api = responder.API()
    with pytest.raises(ValueError, match="operation_id must be a non-empty str"):
        api.add_route("/a", lambda req, resp: None, operation_id=bad)


def test_every_field_together_on_a_resource():
    api = responder.API(openapi="3.1.0")

    @api.route(
        "/old",
        tags=["legacy"],
        summary="Old things",
        description="Kept for old clients.",
        operation_id="oldThings",
        deprecated=True,
    )
    class Old:
        def on_get(self, req, resp):
            """A summary the keyword outranks."""

    @api.route("/secret", include_in_schema=False, operation_id="secret")
    def secret(req, resp):
        pass

    found = operations(api)
    op = found[("/old", "get")]
    assert {k: op[k] for k in ("tags", "summary", "description", "operationId", "deprecated")} == {
        "tags": ["legacy"],
        "summary": "Old things",
        "description": "Kept for old clients.",
        "operationId": "oldThings",
        "deprecated": True,
    }
    assert all(path != "/secret" for path, _ in found)
