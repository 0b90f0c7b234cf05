"""An app for the multi-worker rate limit test, configured by environment variables.

``RATELIMIT_REDIS_URL`` and ``RATELIMIT_PREFIX`` choose the Redis store,
``RATELIMIT_REQUESTS`` and ``RATELIMIT_PERIOD`` the limit. The bucket is the
``X-Bucket`` header, so one test can run several independent rounds.
``RATELIMIT_FAIL_OPEN=0`` makes the limiter answer 503 while Redis cannot answer;
``RATELIMIT_TIMEOUT`` is the store's timeout in seconds (0.25 by default). Every
response says which worker process answered it in ``X-Worker-Pid``.
"""

import os

import responder
from responder.ext.ratelimit import RateLimiter, RedisStore

api = responder.API()

RateLimiter(
    requests=int(os.environ.get("RATELIMIT_REQUESTS", "10")),
    period=float(os.environ.get("RATELIMIT_PERIOD", "60")),
    key=lambda req: req.headers.get("X-Bucket", "default"),
    store=RedisStore(
        os.environ["RATELIMIT_REDIS_URL"],
        prefix=os.environ["RATELIMIT_PREFIX"],
        timeout=float(os.environ.get("RATELIMIT_TIMEOUT", "0.25")),
    ),
    fail_open=os.environ.get("RATELIMIT_FAIL_OPEN", "1") == "1",
).install(api)


class TellPid:
    """Added after the limiter, so it wraps it: its 429s say which worker answered too."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def send_with_pid(message):
            if message["type"] == "http.response.start":
                pid = str(os.getpid()).encode()
                message["headers"] = [*message.get("headers", ()), (b"x-worker-pid", pid)]
            await send(message)

        await self.app(scope, receive, send_with_pid)


api.add_middleware(TellPid)


@api.route("/")
async def index(req, resp):
    resp.media = {"pid": os.getpid()}
