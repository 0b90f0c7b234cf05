"""What registering an endpoint checks, and what routes that share a position do."""

import pytest

import responder


@pytest.fixture
def api():
    return responder.API()


def test_views_sharing_a_position_get_their_own_parameter_names(api):
    @api.route("/hello/{who}")
    def hello(req, resp, *, who):
        resp.text = f"hello {who}"

    @api.route("/hello/{name}/html")
    def hello_html(req, resp, *, name):
        resp.html = f"<p>hello {name}</p>"

    @api.route("/users/{user_id:int}/posts")
    async def posts(req, resp, *, user_id):
        resp.media = {"posts_of": user_id, "params": dict(req.path_params)}

    @api.route("/users/{id:int}")
    class User:
        def on_get(self, req, resp, *, id):
            resp.media = {"id": id}

    client = api.requests
    assert client.get("/hello/guido").text == "hello guido"
    assert client.get("/hello/guido/html").text == "<p>hello guido</p>"
    assert client.get("/users/1").json() == {"id": 1}
    assert client.get("/users/1/posts").json() == {"posts_of": 1, "params": {"user_id": 1}}


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_view_whose_keywords_do_not_match_its_route_is_refused(api, asynchronous):
    if asynchronous:

        async def greet(req, resp, *, whom):
            pass
    else:

        def greet(req, resp, *, whom):
            pass

    with pytest.raises(TypeError) as refused:
        api.add_route("/hello/{who}", greet)
    message = str(refused.value)
    assert "whom" in message and "who" in message and "/hello/{who}" in message
    assert api.requests.get("/hello/x").status_code == 404  # nothing half-registered


def test_a_required_keyword_on_a_route_without_parameters_is_refused(api):
    def view(req, resp, *, page):
        pass

    with pytest.raises(TypeError, match=r"requires page.*gives no parameters"):
        api.add_route("/list", view)


def test_keywords_with_defaults_and_the_route_parameters_are_fine(api):
    @api.route("/hello/{who}")
    def greet(req, resp, *, who, punctuation="!"):
        resp.text = f"hello {who}{punctuation}"

    assert api.requests.get("/hello/ann").text == "hello ann!"


def test_a_class_responder_whose_keywords_do_not_match_is_refused(api):
    class Greeter:
        def on_get(self, req, resp, *, whom):
            pass

    with pytest.raises(TypeError, match=r"Greeter.on_get requires whom.*/hello/\{who\}"):
        api.add_route("/hello/{who}", Greeter)
    with pytest.raises(TypeError, match=r"Greeter.on_get requires whom"):
        api.add_route("/hello/{who}", Greeter())


def test_on_request_is_checked_too(api):
    class Greeter:
        def on_request(self, req, resp, *, whom):
            pass

        def on_get(self, req, resp, *, who):
            pass

    with pytest.raises(TypeError, match=r"on_request requires whom"):
        api.add_route("/hello/{who}", Greeter)


def test_a_class_with_no_responders_answers_405_with_allow(api):
    @api.route("/later")
    class Later:
        """Scaffolding: responders come later."""

    response = api.requests.get("/later")
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS"
    assert api.requests.options("/later").headers["allow"] == "OPTIONS"


@pytest.mark.parametrize("thing", [42, "text", None, object()])
def test_an_unroutable_object_is_refused_with_a_message_naming_it(api, thing):
    with pytest.raises(TypeError) as refused:
        api.add_route("/x", thing)
    message = str(refused.value)
    assert repr(thing) in message and type(thing).__name__ in message
