import pytest

import responder


@pytest.mark.parametrize("asynchronous", [False, True])
def test_global_before_and_after_hooks_run_around_the_view(api, asynchronous):
    order = []

    if asynchronous:

        async def before(req, resp):
            order.append("before")
            resp.headers["X-Version"] = "1"

        async def after(req, resp):
            order.append("after")
            resp.headers["X-Status"] = str(resp.status_code)

    else:

        def before(req, resp):
            order.append("before")
            resp.headers["X-Version"] = "1"

        def after(req, resp):
            order.append("after")
            resp.headers["X-Status"] = str(resp.status_code)

    api.before_request()(before)
    api.after_request()(after)

    @api.route("/")
    def view(req, resp):
        order.append("view")
        resp.status_code = 202

    r = api.requests.get("/")
    assert order == ["before", "view", "after"]
    assert r.headers["x-version"] == "1"
    assert r.headers["x-status"] == "202"


def test_route_with_before_request_registers_a_global_hook(api):
    @api.route(before_request=True)
    def add_version(req, resp):
        resp.headers["X-Version"] = "3.2"

    @api.route("/")
    def view(req, resp):
        resp.text = "ok"

    r = api.requests.get("/")
    assert r.headers["X-Version"] == "3.2"
    assert r.text == "ok"


@pytest.mark.parametrize("asynchronous", [False, True])
def test_before_hook_that_sets_status_short_circuits(api, asynchronous):
    ran = []

    def guard(req, resp):
        if "authorization" not in req.headers:
            resp.status_code = 401
            resp.media = {"error": "unauthorized"}

    async def async_guard(req, resp):
        guard(req, resp)

    api.before_request()(async_guard if asynchronous else guard)

    @api.after_request()
    def tag(req, resp):
        resp.headers["X-After"] = "yes"

    @api.route("/secret")
    def secret(req, resp):
        ran.append(True)
        resp.text = "the secret"

    r = api.requests.get("/secret")
    assert (r.status_code, r.json()) == (401, {"error": "unauthorized"})
    assert r.headers["x-after"] == "yes"
    assert ran == []
    r = api.requests.get("/secret", headers={"Authorization": "x"})
    assert (r.status_code, r.text) == (200, "the secret")


def test_global_hooks_run_for_unknown_paths_too(api):
    @api.before_request()
    def before(req, resp):
        resp.headers["X-Before"] = "1"

    @api.after_request()
    def after(req, resp):
        resp.headers["X-After"] = str(resp.status_code)

    r = api.requests.get("/missing")
    assert r.status_code == 404
    assert r.headers["x-before"] == "1"
    assert r.headers["x-after"] == "404"


def test_after_hooks_see_errors_raised_by_views(api):
    seen = []

    @api.after_request()
    def after(req, resp):
        seen.append(resp.status_code)

    @api.route("/teapot")
    def teapot(req, resp):
        raise responder.HTTPError(418)

    assert api.requests.get("/teapot").status_code == 418
    assert seen == [418]


def test_exception_in_after_hook_becomes_a_500(api):
    @api.after_request()
    def broken(req, resp):
        raise RuntimeError("hook bug")

    api.add_route("/", lambda req, resp: None)
    client = api.session(raise_server_exceptions=False)
    assert client.get("/").status_code == 500


def audit(req, resp, resource, params, label):
    resp.headers.setdefault("X-Order", "")
    resp.headers["X-Order"] += f"{label};"


async def async_audit(req, resp, resource, params, label):
    audit(req, resp, resource, params, label)


def stamp(req, resp, resource, label):
    resp.headers["X-Order"] = resp.headers.get("X-Order", "") + f"{label};"


async def async_stamp(req, resp, resource, label):
    stamp(req, resp, resource, label)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_resource_hooks_on_class_and_method_run_in_order(api, asynchronous):
    b, a = (async_audit, async_stamp) if asynchronous else (audit, stamp)

    @responder.before(b, "class-before")
    @responder.after(a, label="class-after")
    class Resource:
        @responder.before(b, "method-before-1")
        @responder.before(b, "method-before-2")
        @responder.after(a, "method-after-2")
        @responder.after(a, "method-after-1")
        def on_get(self, req, resp):
            resp.headers["X-Order"] += "view;"

        def on_post(self, req, resp):
            resp.headers["X-Order"] += "post;"

    api.add_route("/r", Resource)
    assert api.requests.get("/r").headers["x-order"] == (
        "class-before;method-before-1;method-before-2;view;"
        "method-after-1;method-after-2;class-after;"
    )
    assert api.requests.post("/r").headers["x-order"] == "class-before;post;class-after;"


def test_class_hooks_do_not_leak_to_undecorated_classes(api):
    class Base:
        def on_get(self, req, resp):
            resp.text = resp.headers.get("X-Order", "none")

    @responder.before(audit, "sub")
    class Sub(Base):
        pass

    api.add_route("/base", Base)
    api.add_route("/sub", Sub)
    assert api.requests.get("/base").text == "none"
    assert api.requests.get("/sub").text == "sub;"


def test_before_hook_receives_resource_and_can_change_params(api):
    def double(req, resp, resource, params):
        assert isinstance(resource, Resource)
        params["n"] *= 2

    class Resource:
        @responder.before(double)
        async def on_get(self, req, resp, *, n):
            resp.media = {"n": n}

    api.add_route("/n/{n:int}", Resource)
    assert api.requests.get("/n/21").json() == {"n": 42}


def test_resource_before_hook_setting_status_skips_the_responder(api):
    ran = []

    def deny(req, resp, resource, params):
        resp.status_code = 403
        resp.text = "no"

    class Resource:
        @responder.before(deny)
        @responder.after(stamp, "after")
        def on_get(self, req, resp):
            ran.append(True)

    api.add_route("/deny", Resource)
    r = api.requests.get("/deny")
    assert (r.status_code, r.text) == (403, "no")
    assert r.headers["x-order"] == "after;"
    assert ran == []


def test_function_views_take_hooks_too(api):
    @api.route("/f")
    @responder.before(audit, "before")
    @responder.after(stamp, "after")
    async def view(req, resp):
        resp.headers["X-Order"] += "view;"

    assert api.requests.get("/f").headers["x-order"] == "before;view;after;"


def test_hook_raising_http_error_is_rendered(api):
    def refuse(req, resp, resource, params):
        raise responder.HTTPForbidden(detail="not you")

    @api.route("/x")
    @responder.before(refuse)
    def view(req, resp):
        resp.text = "never"

    r = api.requests.get("/x")
    assert r.status_code == 403
    assert r.json()["detail"] == "not you"


def test_before_hook_answers_even_after_on_request_set_a_status(api):
    ran = []

    def deny(req, resp, resource, params):
        resp.status_code = 403

    def never(req, resp, resource, params):
        ran.append("second hook")

    @responder.before(deny)
    @responder.before(never)
    class Resource:
        def on_request(self, req, resp):
            resp.status_code = 200

        def on_get(self, req, resp):
            ran.append("responder")

    api.add_route("/r", Resource)
    assert api.requests.get("/r").status_code == 403
    assert ran == []


def _deny(req, resp, *rest):
    resp.status_code = 401
    resp.media = {"error": "who are you?"}


async def _async_deny(req, resp, *rest):
    _deny(req, resp)


@pytest.mark.parametrize("where", ["global", "class", "responder"])
@pytest.mark.parametrize("asynchronous", [False, True])
def test_one_short_circuit_rule_for_global_and_resource_before_hooks(api, where, asynchronous):
    ran = []
    deny = _async_deny if asynchronous else _deny

    def later(req, resp, *rest):
        ran.append("later before hook")

    def resource_after(req, resp, *rest):
        ran.append("resource after hook")

    def global_after(req, resp):
        ran.append("global after hook")

    def on_get(self, req, resp):
        ran.append("responder")

    if where == "responder":
        on_get = responder.before(deny)(responder.before(later)(on_get))
    resource = type("Resource", (), {"on_get": on_get})
    if where == "class":
        resource = responder.before(deny)(responder.before(later)(resource))
    if where == "global":
        api.before_request()(deny)
        api.before_request()(later)
    resource = responder.after(resource_after)(resource)
    api.after_request()(global_after)
    api.add_route("/r", resource)

    r = api.requests.get("/r")
    assert (r.status_code, r.json()) == (401, {"error": "who are you?"})
    # The later before hooks and the responder were skipped; the after hooks of the
    # level that answered and those outside it ran (a global answer never enters the route).
    expected = ["global after hook"]
    if where != "global":
        expected.insert(0, "resource after hook")
    assert ran == expected


def test_a_before_hook_that_answers_skips_request_and_response_validation(api):
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str

    @api.route("/items", methods=["POST"], request_model=Item, response_model=Item)
    @responder.before(_deny)
    async def make(req, resp):
        resp.media = await req.media()

    # The body is invalid, but the hook answered first: a 401 with its own body, not a 422.
    r = api.requests.post("/items", json={"name": 1})
    assert (r.status_code, r.json()) == (401, {"error": "who are you?"})


class _Recorder:
    """An object whose ``__call__`` is a coroutine function: awaited like ``async def``."""

    def __init__(self, log, label, status=None):
        self.log, self.label, self.status = log, label, status

    async def __call__(self, req, resp, *rest):
        self.log.append(self.label)
        if self.status is not None:
            resp.status_code = self.status


def test_async_callable_objects_are_awaited_wherever_a_hook_runs(api):
    log = []
    api.before_request()(_Recorder(log, "global before"))
    api.after_request()(_Recorder(log, "global after"))
    api.exception_handler(KeyError)(_Recorder(log, "handler", status=409))

    @api.route("/r")
    @responder.before(_Recorder(log, "resource before"))
    @responder.after(_Recorder(log, "resource after"))
    def view(req, resp):
        raise KeyError("missing")

    assert api.requests.get("/r").status_code == 409
    assert log == ["global before", "resource before", "handler", "global after"]
