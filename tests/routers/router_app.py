"""An app assembled from routers, for the live-server tests (``tests.routers.router_app:api``)."""

import responder
from responder import Router

users = Router("/users", tags=["users"], name="users")


@users.before_request()
def needs_token(req, resp):
    if req.headers.get("authorization") != "Bearer ok":
        resp.status_code = 401
        resp.media = {"error": "no token"}


@users.get("/{id:int}", name="detail")
async def detail(req, resp, *, id):
    resp.media = {"id": id, "self": api.url_for("users:detail", id=id)}


@users.websocket_route("/{id:int}/live")
async def live(ws, *, id):
    await ws.accept()
    await ws.send_json({"id": id})
    await ws.close()


api = responder.API()
api.include_router(users, prefix="/v1")


@api.route("/")
async def home(req, resp):
    resp.text = "home"
