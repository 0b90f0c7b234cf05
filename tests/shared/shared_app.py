"""An app whose sessions and broadcast live in the Redis at ``REDIS_URL``: run it twice.

Two processes serving this module are two "hosts" behind one load balancer:
a session made on one is read and revoked on the other, and server-sent
events published on one reach streams opened on the other.
"""

import os

import responder
from tests.shared.session_routes import session_routes

REDIS_URL = os.environ["REDIS_URL"]
PREFIX = os.environ.get("SHARED_PREFIX", "shared:")

api = responder.API(
    secret_key="one key for every process",
    sessions=responder.RedisSessions(REDIS_URL, prefix=PREFIX + "session:"),
    broadcast=responder.Broadcast(REDIS_URL, prefix=PREFIX + "broadcast:"),
)


session_routes(api)


@api.route("/news")
async def news(req, resp):
    @resp.sse
    async def stream():
        async with api.broadcast.subscribe("news") as events:
            yield {"comment": "subscribed"}  # the client knows it will hear what follows
            async for event in events:
                yield {"event": "news", "data": event.message}


@api.route("/publish", methods=["POST"])
async def publish(req, resp):
    await api.broadcast.publish("news", await req.media())
    resp.status_code = 204
