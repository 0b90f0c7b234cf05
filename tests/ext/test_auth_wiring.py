"""auth= on routes, routers, inclusions and the API: which wins, opting out, injection, scopes."""

import pytest

import responder
from responder import Depends, Router
from responder.ext.auth import APIKeyAuth, BearerAuth, requires

ADA = {"Authorization": "Bearer t-ada"}
BOB = {"Authorization": "Bearer t-bob"}
KEY = {"X-API-Key": "k-robot"}


def bearer():
    return BearerAuth(
        tokens={"t-ada": {"name": "ada", "scope": "books:read books:write"}, "t-bob": "bob"}
    )


def keys():
    return APIKeyAuth(keys={"k-robot": "robot"})


def test_api_auth_guards_every_route_and_auth_none_opts_out():
    api = responder.API(auth=bearer(), docs_route="/docs")

    @api.route("/private")
    def private(req, resp):
        resp.text = "private"

    @api.route("/public", auth=None)
    def public(req, resp):
        resp.text = "public"

    client = api.requests
    assert client.get("/private").status_code == 401
    assert client.get("/private", headers=ADA).text == "private"
    assert client.get("/public").text == "public"
    # The schema and the docs page stay open, so the docs UI can offer Authorize.
    assert client.get("/schema.yml").status_code == 200
    assert client.get("/docs").status_code == 200


def test_the_most_specific_auth_wins():
    inner = Router("/inner", auth=keys())
    outer = Router("/outer")

    @inner.get("/default")
    def by_router(req, resp, *, user):
        resp.text = str(user)

    @inner.get("/own", auth=bearer())
    def by_route(req, resp, *, user):
        resp.text = str(user)

    @inner.get("/none", auth=None)
    def opted_out(req, resp):
        resp.text = "open"

    @outer.get("/plain")
    def by_inclusion(req, resp, *, user):
        resp.text = str(user)

    outer.include_router(inner)
    api = responder.API(auth=BearerAuth(tokens={"t-api": "api-user"}))
    api.include_router(outer, prefix="/v1", auth=bearer())

    @api.route("/top")
    def by_api(req, resp, *, user):
        resp.text = str(user)

    client = api.requests
    assert client.get("/v1/outer/inner/default", headers=KEY).text == "robot"
    assert client.get("/v1/outer/inner/default", headers=ADA).status_code == 401
    assert client.get("/v1/outer/inner/own", headers=BOB).text == "bob"
    assert client.get("/v1/outer/inner/own", headers=KEY).status_code == 401
    assert client.get("/v1/outer/inner/none").text == "open"
    assert client.get("/v1/outer/plain", headers=BOB).text == "bob"
    assert (
        client.get("/v1/outer/plain", headers={"Authorization": "Bearer t-api"}).status_code == 401
    )
    assert client.get("/top", headers={"Authorization": "Bearer t-api"}).text == "api-user"


def test_include_router_auth_none_opts_a_router_out_of_the_api_auth():
    router = Router()

    @router.get("/open")
    def open_(req, resp):
        resp.text = "open"

    api = responder.API(auth=bearer())
    api.include_router(router, auth=None)
    assert api.requests.get("/open").text == "open"


@pytest.mark.parametrize("name", ["user", "principal", "auth"])
def test_the_principal_is_injected_by_name_into_function_and_class_views(name):
    api = responder.API(auth=bearer())
    seen = []

    if name == "user":

        def view(req, resp, *, user):
            seen.append(user)
    elif name == "principal":

        def view(req, resp, *, principal):
            seen.append(principal)
    else:

        async def view(req, resp, *, auth):
            seen.append(auth)

    api.add_route("/fn", view)

    class Resource:
        def on_get(self, req, resp, *, user):
            seen.append(("class", user))

    api.add_route("/class", Resource)
    assert api.requests.get("/fn", headers=BOB).status_code == 200
    assert api.requests.get("/class", headers=BOB).status_code == 200
    assert seen == ["bob", ("class", "bob")]


def test_a_view_asking_for_user_on_an_open_route_is_an_error_at_registration():
    api = responder.API()
    with pytest.raises(TypeError, match="requires user"):

        @api.route("/x")
        def view(req, resp, *, user):
            pass


def test_a_route_value_or_registered_dependency_named_user_wins():
    api = responder.API(auth=bearer())

    @api.dependency("principal")
    def registered(req):
        return "from-provider"

    @api.route("/users/{user}")
    def view(req, resp, *, user, principal):
        resp.media = [user, principal]

    assert api.requests.get("/users/zed", headers=BOB).json() == ["zed", "from-provider"]


def test_the_scheme_runs_once_and_before_the_other_guards():
    calls = []

    def verify(token):
        calls.append(token)
        return "bob" if token == "t-bob" else None

    def guard(req):
        calls.append(("guard saw", req.state.user))

    api = responder.API(auth=BearerAuth(verify), dependencies=[guard])

    @api.route("/x")
    def view(req, resp, *, user, principal):
        resp.text = user + principal

    assert api.requests.get("/x", headers=BOB).text == "bobbob"
    assert calls == ["t-bob", ("guard saw", "bob")]
    calls.clear()
    assert api.requests.get("/x").status_code == 401
    assert calls == []  # nothing else runs for an unauthenticated request


def test_requires_as_a_route_dependency_is_403_without_the_scope():
    api = responder.API(auth=bearer())

    @api.route("/books", methods=["POST"], dependencies=[requires("books:write")])
    def add(req, resp, *, user):
        resp.status_code = 201

    client = api.requests
    assert client.post("/books").status_code == 401  # no credentials: the scheme's 401
    assert client.post("/books", headers=ADA).status_code == 201
    r = client.post("/books", headers=BOB)
    assert r.status_code == 403
    assert r.headers["www-authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", '
        'error_description="This needs the scope books:write.", scope="books:write"'
    )
    assert r.json()["required_scopes"] == ["books:write"]


def test_scheme_requires_checks_scopes_from_objects_and_lists():
    class Account:
        scopes = ("admin",)

    scheme = BearerAuth(tokens={"t-admin": Account(), "t-list": {"scp": ["admin", "x"]}})
    api = responder.API()

    @api.route("/admin", auth=scheme.requires("admin"))
    def admin(req, resp):
        resp.text = "ok"

    @api.route("/both", auth=scheme.requires("admin").requires("x"))
    def both(req, resp):
        resp.text = "ok"

    client = api.requests
    assert client.get("/admin", headers={"Authorization": "Bearer t-admin"}).text == "ok"
    assert client.get("/admin", headers={"Authorization": "Bearer t-list"}).text == "ok"
    assert client.get("/both", headers={"Authorization": "Bearer t-admin"}).status_code == 403
    assert client.get("/both", headers={"Authorization": "Bearer t-list"}).text == "ok"


def test_api_key_403_has_no_bearer_challenge():
    api = responder.API(auth=keys().requires("admin"))

    @api.route("/x")
    def view(req, resp):
        pass

    r = api.requests.get("/x", headers=KEY)
    assert r.status_code == 403 and "www-authenticate" not in r.headers


def test_requires_on_a_route_without_auth_is_an_error_at_registration():
    api = responder.API()
    with pytest.raises(TypeError, match="requires scopes but has no auth="):
        api.add_route("/x", lambda req, resp: None, dependencies=[requires("a")])
    api = responder.API(auth=bearer())
    with pytest.raises(TypeError, match="no auth="):
        api.add_route("/y", lambda req, resp: None, auth=None, dependencies=[requires("a")])


def test_requires_among_the_api_dependencies_is_refused_for_auth_requires():
    with pytest.raises(TypeError, match=r"API\(auth=Scheme\(...\).requires"):
        responder.API(auth=bearer(), dependencies=[requires("a")])
    api = responder.API(auth=bearer().requires("books:read"), docs_route="/docs")
    api.add_route("/x", lambda req, resp: None)
    assert api.requests.get("/x", headers=ADA).status_code == 200
    assert api.requests.get("/x", headers=BOB).status_code == 403
    assert api.requests.get("/docs").status_code == 200


def test_a_test_can_override_the_scheme_like_any_dependency():
    scheme = bearer()
    api = responder.API(auth=scheme)

    @api.route("/me")
    def me(req, resp, *, user):
        resp.text = user

    with api.session(overrides={scheme.dependency: lambda: "tester"}) as client:
        assert client.get("/me").text == "tester"
    assert api.requests.get("/me").status_code == 401


def test_an_overridden_principal_is_recorded_and_its_scopes_are_checked():
    """Overriding the scheme in a test keeps req.state.user and every scope check working."""
    scheme = bearer()
    api = responder.API(auth=scheme)
    writer = {"name": "tess", "scope": "notes:write"}

    @api.route("/state")
    def state(req, resp):
        resp.media = req.state.user

    @api.route("/write", dependencies=[requires("notes:write")])
    def write(req, resp, *, user):
        resp.text = user["name"]

    @api.route("/admin", auth=scheme.requires("notes:admin"))
    def admin(req, resp, *, user):
        resp.text = user["name"]

    @api.route("/scoped-write", auth=scheme.requires("notes:write"))
    def scoped_write(req, resp, *, user):
        resp.text = user["name"]

    with api.session(overrides={scheme.dependency: lambda: writer}) as client:
        assert client.get("/state").json() == writer
        assert client.get("/write").text == "tess"
        assert client.get("/scoped-write").text == "tess"
        refused = client.get("/admin")
        assert refused.status_code == 403
        assert "notes:admin" in refused.json()["detail"]
    reader = {"name": "rita", "scope": "notes:read"}
    with api.session(overrides={scheme.dependency: lambda: reader}) as client:
        assert client.get("/write").status_code == 403
        assert client.get("/scoped-write").status_code == 403
    assert api.requests.get("/scoped-write").status_code == 401
    assert api.requests.get("/scoped-write", headers=ADA).status_code == 403  # no notes:write


def test_websocket_routes_are_not_guarded_by_the_api_auth():
    api = responder.API(auth=bearer())

    @api.websocket_route("/ws")
    async def ws(ws):
        await ws.accept()
        await ws.send_text("hi")
        await ws.close()

    with api.requests.websocket_connect("ws://;/ws") as conn:
        assert conn.receive_text() == "hi"


def test_a_guard_may_take_the_principal_from_depends():
    scheme = bearer()
    api = responder.API(auth=scheme)

    def is_ada(user=Depends(scheme.dependency)):
        if user != "bob":
            raise responder.HTTPForbidden(detail="bob only")

    @api.route("/x", dependencies=[is_ada])
    def view(req, resp):
        resp.text = "ok"

    assert api.requests.get("/x", headers=BOB).text == "ok"
    assert api.requests.get("/x", headers=ADA).status_code == 403
