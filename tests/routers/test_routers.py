"""Routers: routes declared apart, included under prefixes, with names, tags and hooks."""

import pytest

import responder
from responder import RouteNotFoundError, Router


def users_router() -> Router:
    users = Router("/users", tags=["users"], name="users")

    @users.get("", name="list")
    async def list_users(req, resp):
        resp.media = ["ada", "grace"]

    @users.get("/{id:int}", name="detail")
    async def detail(req, resp, *, id):
        resp.media = {"id": id}

    @users.post("/{id:int}")
    def rename(req, resp, *, id):
        resp.media = {"renamed": id}

    @users.route("/{id:int}/card")
    class Card:
        def on_get(self, req, resp, *, id):
            resp.text = f"card {id}"

    @users.websocket_route("/{id:int}/live", name="live")
    async def live(ws, *, id):
        await ws.accept()
        await ws.send_json({"id": id})
        await ws.close()

    return users


def test_an_included_router_answers_under_its_prefixes_with_every_kind_of_route():
    api = responder.API()
    api.include_router(users_router(), prefix="/v1")
    client = api.requests
    assert client.get("/v1/users").json() == ["ada", "grace"]
    assert client.get("/v1/users/3").json() == {"id": 3}
    assert client.post("/v1/users/3").json() == {"renamed": 3}
    assert client.get("/v1/users/3/card").text == "card 3"
    with client.websocket_connect("ws://;/v1/users/7/live") as ws:
        assert ws.receive_json() == {"id": 7}
    assert client.get("/users/3").status_code == 404  # only under the prefix


def test_route_names_are_namespaced_by_the_routers_and_the_inclusion():
    api = responder.API()
    router = users_router()
    api.include_router(router, prefix="/v1")
    api.include_router(router, prefix="/v2", name="v2")  # one router, two prefixes
    assert api.url_for("users:detail", id=3) == "/v1/users/3"
    assert api.url_for("v2:users:detail", id=3) == "/v2/users/3"
    assert api.url_for("users:list") == "/v1/users"
    assert api.url_for("users:live", id=1) == "/v1/users/1/live"
    assert api.url_for("users:rename", id=2) == "/v1/users/2"  # the function's name
    assert api.requests.get("/v2/users/5").json() == {"id": 5}
    with pytest.raises(RouteNotFoundError, match="'users:nope' is not routed"):
        api.url_for("users:nope")
    with pytest.raises(LookupError):
        api.url_for("nope")


def test_a_given_name_may_not_name_two_paths():
    api = responder.API()
    api.add_route("/a", lambda req, resp: None, name="page", methods=["GET"])
    api.add_route(
        "/a", lambda req, resp: None, name="page", methods=["POST"], check_existing=False
    )
    with pytest.raises(ValueError, match="Route name 'page' already names '/a'"):
        api.add_route("/b", lambda req, resp: None, name="page")
    router = users_router()
    api.include_router(router)
    with pytest.raises(ValueError, match="'users:list' already names '/users'"):
        api.include_router(router, prefix="/again")  # same names: give the inclusion a name


def test_routers_nest_prefixes_compose_and_tags_merge():
    api = responder.API(openapi="3.1.0")
    inner = Router("/items", tags=["items"], name="items")

    @inner.get("/{id:int}", name="one", tags=["read"])
    def one(req, resp, *, id):
        """Get one item."""
        resp.media = {"item": id}

    outer = Router("/shop", tags=["shop"], name="shop")
    outer.include_router(inner, prefix="/v1", tags=["v1"])
    api.include_router(outer, prefix="/api", tags=["public"])
    assert api.requests.get("/api/shop/v1/items/4").json() == {"item": 4}
    assert api.url_for("shop:items:one", id=4) == "/api/shop/v1/items/4"
    schema = api.requests.get("/schema.json").json()
    operation = schema["paths"]["/api/shop/v1/items/{id}"]["get"]
    assert operation["tags"] == ["public", "shop", "v1", "items", "read"]


def test_a_routers_hooks_run_only_for_its_routes_and_may_answer():
    api = responder.API()
    seen = []
    admin = Router("/admin")

    @admin.before_request()
    async def only_staff(req, resp):
        seen.append(req.url.path)
        if req.headers.get("x-staff") != "yes":
            resp.status_code = 403
            resp.media = {"error": "staff only"}

    @admin.route("/stats")
    class Stats:
        def on_request(self, req, resp):
            seen.append("on_request")

        def on_get(self, req, resp):
            resp.media = {"users": 2}

    @api.route("/public")
    async def public(req, resp):
        resp.text = "hi"

    api.include_router(admin)
    client = api.requests
    assert client.get("/public").text == "hi"
    assert seen == []  # the router's hook is not global
    refused = client.get("/admin/stats")
    assert (refused.status_code, refused.json()) == (403, {"error": "staff only"})
    assert seen == ["/admin/stats"]  # the hook ran first; nothing of the route did
    assert client.get("/admin/stats", headers={"x-staff": "yes"}).json() == {"users": 2}
    assert seen == ["/admin/stats", "/admin/stats", "on_request"]
    assert client.get("/admin/other").status_code == 404


def test_router_hooks_compose_outermost_first_with_the_apis_own():
    api = responder.API()
    order = []
    outer = Router("/o", before_request=[lambda req, resp: order.append("outer")])
    inner = Router("/i", before_request=[lambda req, resp: order.append("inner")])

    @inner.get("/x")
    async def x(req, resp):
        order.append("view")

    outer.include_router(inner)

    @api.before_request()
    def everywhere(req, resp):
        order.append("api")

    api.include_router(outer)
    api.requests.get("/o/i/x")
    assert order == ["api", "outer", "inner", "view"]


def test_a_router_records_routes_only():
    router = Router()
    with pytest.raises(TypeError, match=r"router\.before_request"):
        router.add_route("/", lambda req, resp: None, before_request=True)
    with pytest.raises(TypeError, match=r"api\.add_spa"):
        router.add_route("/", None, static=True)
    with pytest.raises(ValueError, match="must start with '/'"):
        Router("users")
    with pytest.raises(ValueError, match="cannot include itself"):
        router.include_router(router)


def test_registration_errors_surface_when_the_router_is_included():
    router = Router("/r")

    @router.get("/{id}")
    def needs_name(req, resp, *, name):
        pass

    api = responder.API()
    with pytest.raises(TypeError, match="requires name"):
        api.include_router(router)


def test_router_guards_concatenate_outermost_first():
    order = []

    def guard(name):
        def check(req):
            order.append(name)
            if req.headers.get("x-deny") == name:
                raise responder.HTTPForbidden(detail=f"{name} says no")

        check.__name__ = f"guard_{name}"
        return responder.Depends(check)

    inner = Router("/inner", dependencies=[guard("inner")])

    @inner.get("/x", dependencies=[guard("route")])
    def x(req, resp):
        order.append("view")
        return {"ok": True}

    @inner.route("/res")
    class Res:
        def on_get(self, req, resp):
            order.append("resource")

    outer = Router("/outer", dependencies=[guard("outer")])
    outer.include_router(inner, dependencies=[guard("nesting")])
    api = responder.API(dependencies=[guard("api")])
    api.include_router(outer, dependencies=[guard("inclusion")])

    assert api.requests.get("/outer/inner/x").json() == {"ok": True}
    assert order == ["api", "inclusion", "outer", "nesting", "inner", "route", "view"]
    order.clear()
    api.requests.get("/outer/inner/res")
    assert order == ["api", "inclusion", "outer", "nesting", "inner", "resource"]
    order.clear()
    refused = api.requests.get("/outer/inner/x", headers={"x-deny": "nesting"})
    assert (refused.status_code, refused.json()["detail"]) == (403, "nesting says no")
    assert order == ["api", "inclusion", "outer", "nesting"]


@pytest.mark.parametrize("guard", ["hook", "dependency"])
@pytest.mark.parametrize("kind", ["async", "sync"])
def test_a_guarded_view_may_return_its_answer(guard, kind):
    router = Router(
        "/r",
        before_request=[lambda req, resp: None] if guard == "hook" else (),
        dependencies=[responder.Depends(lambda req: None)] if guard == "dependency" else (),
    )
    if kind == "async":

        async def view(req, resp):
            return {"answer": 42}, 201
    else:

        def view(req, resp):
            return {"answer": 42}, 201

    router.add_route("/v", view)
    api = responder.API()
    api.include_router(router)
    r = api.requests.get("/r/v")
    assert (r.status_code, r.json()) == (201, {"answer": 42})
