"""One entry point per kind of registration, and the 3.3 flags that forward to them."""

import pytest

import responder


@pytest.fixture
def api():
    return responder.API()


def test_add_websocket_route_serves_a_websocket_with_its_params(api):
    async def room(ws, *, room):
        await ws.accept()
        await ws.send_json({"room": room})
        await ws.close()

    assert api.add_websocket_route("/rooms/{room:int}", room) is room
    with api.requests.websocket_connect("/rooms/7") as ws:
        assert ws.receive_json() == {"room": 7}
    assert api.url_for(room, room=7) == "/rooms/7"
    assert api.requests.get("/rooms/7").status_code == 404  # not an HTTP route


def test_add_websocket_route_refuses_a_sync_handler(api):
    def sync_handler(ws):
        pass

    with pytest.raises(TypeError, match="coroutine function"):
        api.add_websocket_route("/ws", sync_handler)


@pytest.mark.parametrize("register", ["add_spa", "static_flag"])
def test_add_spa_serves_index_for_its_path_and_unknown_pages(tmp_path, register):
    (tmp_path / "index.html").write_text("<h1>app</h1>")
    api = responder.API(static_dir=str(tmp_path))
    if register == "add_spa":
        api.add_spa("/")
    else:
        api.add_route("/", static=True)
    client = api.requests
    page = {"accept": "text/html"}
    assert client.get("/", headers=page).text == "<h1>app</h1>"
    assert client.get("/settings/profile", headers=page).text == "<h1>app</h1>"
    assert client.get("/settings/profile", headers={"accept": "*/*"}).status_code == 404


@pytest.mark.parametrize("register", ["before_request", "route_flag"])
def test_a_global_before_hook_by_either_entry_point_answers_first(api, register):
    def deny(req, resp):
        resp.status_code = 403
        resp.text = "no"

    if register == "before_request":
        api.before_request()(deny)
    else:
        assert api.add_route(endpoint=deny, before_request=True) is deny

    @api.route("/x")
    def view(req, resp):
        resp.text = "view"

    r = api.requests.get("/x")
    assert (r.status_code, r.text) == (403, "no")


def test_a_route_without_a_path_is_refused(api):
    with pytest.raises(TypeError, match="needs a path"):
        api.add_route(None, lambda req, resp: None)
    with pytest.raises(TypeError, match="needs a path"):
        api.add_route(None, lambda ws: None, websocket=True)
