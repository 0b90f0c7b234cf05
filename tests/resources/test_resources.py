import inspect
import threading

import pytest

import responder


def test_every_view_kind_answers_get_with_params(api, make_view):
    def body(req, resp, **params):
        resp.media = {"params": params, "path_params": req.path_params}

    api.add_route("/items/{id:int}", make_view(body))
    r = api.requests.get("/items/7")
    assert r.status_code == 200
    assert r.json() == {"params": {"id": 7}, "path_params": {"id": 7}}


def test_every_view_kind_gets_405_with_allow_for_other_methods(api, make_view):
    view = make_view(lambda req, resp: None)
    # Function views answer every method unless told otherwise.
    methods = ["GET"] if inspect.isfunction(view) else None
    api.add_route("/thing", view, methods=methods)
    r = api.requests.delete("/thing")
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert {"GET", "HEAD", "OPTIONS"} <= allowed
    assert "DELETE" not in allowed
    assert r.headers["content-type"] == "application/problem+json"


def test_every_view_kind_answers_head_from_get_without_body(api, make_view):
    def body(req, resp):
        resp.text = "hello there"

    api.add_route("/h", make_view(body))
    r = api.requests.head("/h")
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["content-length"] == str(len("hello there"))


def test_every_view_kind_answers_options_with_allow(api, make_view):
    api.add_route("/o", make_view(lambda req, resp: None))
    r = api.requests.options("/o")
    assert r.status_code == 200
    assert "GET" in r.headers["allow"]
    assert r.content == b""


def test_sync_responders_run_in_a_worker_thread_async_on_the_loop(api):
    seen = {}

    @api.route("/sync")
    def sync_view(req, resp):
        seen["sync"] = threading.current_thread().name

    @api.route("/async")
    async def async_view(req, resp):
        seen["async"] = threading.current_thread().name

    api.requests.get("/sync")
    api.requests.get("/async")
    assert seen["sync"].startswith("responder")
    assert not seen["async"].startswith("responder")


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_routed_class_gets_a_new_instance_for_every_request(api, asynchronous):
    created = []

    class Counter:
        def __init__(self):
            created.append(self)
            self.hits = 0

        def on_request(self, req, resp):
            self.hits += 1  # on_request and on_get of one request share one instance

        if asynchronous:

            async def on_get(self, req, resp):
                self.hits += 1
                resp.media = {"hits": self.hits}
        else:

            def on_get(self, req, resp):
                self.hits += 1
                resp.media = {"hits": self.hits}

    assert api.add_route("/count", Counter) is Counter
    assert [api.requests.get("/count").json()["hits"] for _ in range(3)] == [2, 2, 2]
    assert len(created) == 3 and len(set(map(id, created))) >= 2


def test_state_kept_on_self_does_not_leak_between_users(api):
    @api.route("/me")
    class Me:
        user = None

        def on_get(self, req, resp):
            if req.params.get("user"):
                self.user = req.params["user"]
            resp.media = {"user": self.user}

    assert api.requests.get("/me?user=alice").json() == {"user": "alice"}
    assert api.requests.get("/me").json() == {"user": None}


def test_a_shared_instance_keeps_state_between_requests(api):
    class Counter:
        hits = 0

        async def on_get(self, req, resp):
            self.hits += 1
            resp.media = {"hits": self.hits}

    api.add_route("/count", Counter())
    assert [api.requests.get("/count").json()["hits"] for _ in range(3)] == [1, 2, 3]


def test_a_class_that_needs_arguments_is_refused_at_registration(api):
    class Needs:
        def __init__(self, db):
            self.db = db

        def on_get(self, req, resp):
            pass

    with pytest.raises(
        TypeError, match=r"Needs cannot be created without arguments.*Needs\(\.\.\.\)"
    ):
        api.add_route("/needs", Needs)
    assert api.requests.get("/needs").status_code == 404


def test_static_and_class_method_responders_take_route_params(api):
    class Resource:
        @staticmethod
        def on_get(req, resp, *, who):
            resp.text = f"get {who}"

        @classmethod
        def on_post(cls, req, resp, *, who):
            resp.text = f"post {who} {cls.__name__}"

    api.add_route("/hi/{who}", Resource)
    assert api.requests.get("/hi/ann").text == "get ann"
    assert api.requests.post("/hi/bob").text == "post bob Resource"


def test_instance_is_used_as_given(api):
    class Greeter:
        def __init__(self, greeting):
            self.greeting = greeting

        def on_get(self, req, resp, *, name):
            resp.text = f"{self.greeting}, {name}"

    instance = Greeter("hi")
    assert api.add_route("/greet/{name}", instance) is instance
    assert api.requests.get("/greet/ann").text == "hi, ann"


@pytest.mark.parametrize("asynchronous", [False, True])
def test_on_request_runs_before_the_method_responder(api, asynchronous):
    order = []

    if asynchronous:

        class Resource:
            async def on_request(self, req, resp):
                order.append("on_request")
                resp.headers["X-Seen"] = req.method

            async def on_post(self, req, resp):
                order.append("on_post")
                resp.status_code = 201

    else:

        class Resource:
            def on_request(self, req, resp):
                order.append("on_request")
                resp.headers["X-Seen"] = req.method

            def on_post(self, req, resp):
                order.append("on_post")
                resp.status_code = 201

    api.add_route("/r", Resource)
    r = api.requests.post("/r")
    assert r.status_code == 201
    assert r.headers["x-seen"] == "post"
    assert order == ["on_request", "on_post"]


def test_mixed_sync_and_async_responders_on_one_resource(api):
    @api.route("/mixed/{n:int}")
    class Mixed:
        def on_request(self, req, resp, *, n):
            resp.headers["X-N"] = str(n)

        async def on_get(self, req, resp, *, n):
            resp.media = {"n": n}

        def on_put(self, req, resp, *, n):
            resp.media = {"put": n}

    assert api.requests.get("/mixed/2").json() == {"n": 2}
    r = api.requests.put("/mixed/3")
    assert r.json() == {"put": 3}
    assert r.headers["x-n"] == "3"


def test_resource_with_only_on_request_answers_every_method(api):
    @api.route("/any")
    class Any:
        def on_request(self, req, resp):
            resp.text = req.method

    assert api.requests.get("/any").text == "get"
    assert api.requests.patch("/any").text == "patch"


def test_explicit_on_options_and_on_head_are_used(api):
    @api.route("/explicit")
    class Explicit:
        def on_get(self, req, resp):
            resp.text = "get"

        def on_head(self, req, resp):
            resp.headers["X-Head"] = "yes"

        def on_options(self, req, resp):
            resp.headers["Allow"] = "GET"
            resp.text = "custom"

    r = api.requests.head("/explicit")
    assert r.headers["x-head"] == "yes"
    r = api.requests.options("/explicit")
    assert r.text == "custom"
    assert r.headers["allow"] == "GET"


def test_function_view_without_methods_answers_all_standard_methods(api):
    @api.route("/all")
    def view(req, resp):
        resp.text = req.method

    for method in ("get", "post", "put", "patch", "delete"):
        assert api.requests.request(method, "/all").text == method
    assert api.requests.options("/all").status_code == 200


def test_methods_filters_a_function_route(api):
    @api.route("/only-post", methods=["POST"])
    def create(req, resp):
        resp.status_code = 201

    assert api.requests.post("/only-post").status_code == 201
    r = api.requests.get("/only-post")
    assert r.status_code == 405
    assert r.headers["allow"] == "POST, OPTIONS"


def test_check_existing_false_lets_functions_share_a_path(api):
    @api.route("/items", methods=["GET"])
    def list_items(req, resp):
        resp.media = ["a"]

    @api.route("/items", methods=["POST"], check_existing=False)
    async def create_item(req, resp):
        resp.status_code = 201
        resp.media = await req.media()

    assert api.requests.get("/items").json() == ["a"]
    r = api.requests.post("/items", json={"x": 1})
    assert (r.status_code, r.json()) == (201, {"x": 1})
    assert api.requests.delete("/items").status_code == 405


def test_duplicate_path_raises_at_registration(api):
    api.add_route("/dup", lambda req, resp: None)
    with pytest.raises(ValueError, match="already exists"):
        api.add_route("/dup", lambda req, resp: None)


def test_same_method_twice_on_a_shared_path_raises(api):
    api.add_route("/dup", lambda req, resp: None, methods=["GET"])
    with pytest.raises(ValueError, match="already answers GET"):
        api.add_route("/dup", lambda req, resp: None, methods=["GET"], check_existing=False)


def test_responder_missing_some_route_params_is_refused_at_registration(api):
    def view(req, resp, *, a):
        pass

    with pytest.raises(TypeError, match="lacks b"):
        api.add_route("/{a}/{b}", view)


def test_responder_taking_no_route_params_is_called_without_them(api):
    @api.route("/n/{name}")
    def view(req, resp):
        resp.text = req.path_params["name"]

    assert api.requests.get("/n/zed").text == "zed"


def test_not_a_view_is_refused(api):
    with pytest.raises(TypeError):
        api.add_route("/x", 42)


def test_unknown_path_is_404_problem(api):
    r = api.requests.get("/nowhere")
    assert r.status_code == 404
    assert r.json()["status"] == 404
    assert r.json()["title"] == "Not Found"


def test_value_that_does_not_convert_is_404_not_500(api):
    @api.route("/items/{id:int}")
    def item(req, resp, *, id):
        resp.media = {"id": id}

    assert api.requests.get("/items/abc").status_code == 404
    assert api.requests.get("/items/12").json() == {"id": 12}


def test_groups_share_a_prefix_and_nest(api):
    v1 = api.group("/v1")

    @v1.route("/users/{user_id:int}")
    def get_user(req, resp, *, user_id):
        resp.media = {"id": user_id}

    admin = v1.group("/admin")

    @admin.route("/stats")
    def stats(req, resp):
        resp.text = "stats"

    v1.add_route("/ping", lambda req, resp: setattr(resp, "text", "pong"))
    assert api.requests.get("/v1/users/5").json() == {"id": 5}
    assert api.requests.get("/v1/admin/stats").text == "stats"
    assert api.requests.get("/v1/ping").text == "pong"
    assert api.url_for(get_user, user_id=5) == "/v1/users/5"
    with pytest.raises(ValueError):
        api.group("v2")


def test_url_for_functions_classes_instances_and_names(api):
    @api.route("/items/{id:int}/{slug}")
    def item(req, resp, *, id, slug):
        pass

    @api.route("/things")
    class Things:
        def on_get(self, req, resp):
            pass

    instance = Things()
    api.add_route("/other", instance)
    assert api.url_for(item, id=3, slug="x") == "/items/3/x"
    assert api.url_for("item", id=4, slug="y") == "/items/4/y"
    assert api.url_for(Things) == "/things"
    assert api.url_for(instance) == "/other"
    with pytest.raises(KeyError):
        api.url_for(item, id=3)
    with pytest.raises(ValueError):
        api.url_for(lambda: None)


def test_url_for_result_routes_back_to_the_view(api):
    @api.route("/u/{key:uuid}/{price:float}")
    def view(req, resp, *, key, price):
        resp.media = {"key": str(key), "price": price}

    import uuid

    key = uuid.uuid4()
    r = api.requests.get(api.url_for(view, key=key, price=2.5))
    assert r.json() == {"key": str(key), "price": 2.5}


def test_route_decorator_returns_the_view_unchanged(api):
    def view(req, resp):
        pass

    assert api.route("/v")(view) is view


def test_add_route_returns_the_class_it_was_given(api):
    class R:
        def on_get(self, req, resp):
            pass

    assert api.add_route("/r", R) is R
    assert api.url_for(R) == "/r"


def test_routes_added_after_serving_started_are_served(api):
    api.add_route("/first", lambda req, resp: setattr(resp, "text", "1"))
    assert api.requests.get("/first").text == "1"
    api.add_route("/second/{n:int}", lambda req, resp, *, n: setattr(resp, "text", str(n)))
    assert api.requests.get("/second/2").text == "2"


def test_responder_exports_hooks():
    assert callable(responder.before)
    assert callable(responder.after)


def test_failed_registration_leaves_the_path_free(api):
    def wrong(req, resp, *, a):
        pass

    with pytest.raises(TypeError):
        api.add_route("/{a}/{b}", wrong)
    assert api.requests.get("/x/y").status_code == 404
    api.add_route("/{a}/{b}", lambda req, resp, *, a, b: setattr(resp, "text", a + b))
    assert api.requests.get("/x/y").text == "xy"


def test_shared_path_must_use_the_same_parameter_names(api):
    api.add_route("/items/{id}", lambda req, resp, *, id: None, methods=["GET"])
    with pytest.raises(ValueError, match="names its parameters differently"):
        api.add_route(
            "/items/{key}", lambda req, resp, *, key: None, methods=["POST"], check_existing=False
        )


def test_url_for_percent_encodes_values(api):
    @api.route("/items/{name}")
    def item(req, resp, *, name):
        resp.text = name

    @api.route("/files/{rest:path}")
    def files(req, resp, *, rest):
        resp.text = rest

    url = api.url_for(item, name="a b?#%")
    assert url == "/items/a%20b%3F%23%25"
    assert api.url_for(files, rest="dir/a b.txt") == "/files/dir/a%20b.txt"
    assert api.requests.get(api.url_for(item, name="a b?#")).text == "a b?#"


def test_url_for_gives_the_first_route_by_object_and_by_name(api):
    def view(req, resp):
        pass

    api.add_route("/first", view)
    api.add_route("/second", view)
    assert api.url_for(view) == "/first"
    assert api.url_for("view") == "/first"
