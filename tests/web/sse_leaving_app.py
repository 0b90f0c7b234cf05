"""An event stream that waits on a broadcast channel, for tests of clients leaving it."""

import responder

api = responder.API()
closed: list[str] = []


@api.route("/feed")
async def feed(req, resp):
    @resp.sse
    async def events():
        try:
            async with api.broadcast.subscribe("feed") as updates:
                yield {"event": "hello", "data": "listening"}
                async for update in updates:
                    yield {"data": update.message}
        finally:
            closed.append("feed")


@api.route("/listening")
def listening(req, resp):
    resp.media = {"subscribers": api.broadcast.subscribers("feed"), "closed": len(closed)}
