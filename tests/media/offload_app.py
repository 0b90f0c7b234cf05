"""An app for the async offload tests: a format whose encoder and decoder are slow.

"Slow" here is a wait for another request: ``/release`` lets the waiting
encoder (or decoder) finish. If it ran on the event loop, ``/entered`` and
``/release`` could not be answered while it waits.
"""

import threading

import anyio

import responder
from responder.media import MediaHandler

ENTERED = threading.Event()
RELEASE = threading.Event()


def slow_step() -> None:
    ENTERED.set()
    if not RELEASE.wait(10):  # a bound, so a broken offload fails the test instead of hanging
        raise RuntimeError("never released")
    RELEASE.clear()
    ENTERED.clear()


class SlowLines(MediaHandler):
    """One value per line; the encoder and decoder take a while (see above)."""

    media_types = ("text/x-lines",)
    format = "lines"

    def serialize(self, obj):
        slow_step()
        return "\n".join(str(item) for item in obj).encode()

    def deserialize(self, data, *, charset=None):
        slow_step()
        return data.decode(charset or "utf-8").splitlines()

    async def serialize_async(self, obj):
        return await anyio.to_thread.run_sync(self.serialize, obj)

    async def deserialize_async(self, data, *, charset=None):
        return await anyio.to_thread.run_sync(lambda: self.deserialize(data, charset=charset))


api = responder.API()
api.media.register(SlowLines())


@api.route("/numbers")
async def numbers(req, resp):
    if req.method == "post":
        resp.media = {"count": len(await req.media())}
    else:
        resp.media = [1, 2, 3]


@api.route("/entered")
async def entered(req, resp):
    resp.media = {"entered": ENTERED.is_set()}


@api.route("/release")
async def release(req, resp):
    RELEASE.set()
    resp.media = {"released": True}
