"""An app for the multi-worker rate limit test, configured by environment variables.

``RATELIMIT_REDIS_URL`` and ``RATELIMIT_PREFIX`` choose the Redis store,
``RATELIMIT_REQUESTS`` and ``RATELIMIT_PERIOD`` the limit. The bucket is the
``X-Bucket`` header, so one test can run several independent rounds. Every
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
    store=RedisStore(os.environ["RATELIMIT_REDIS_URL"], prefix=os.environ["RATELIMIT_PREFIX"]),
).install(api)


@api.after_request()
def tell_pid(req, resp):
    resp.headers["X-Worker-Pid"] = str(os.getpid())


@api.route("/")
async def index(req, resp):
    resp.media = {"pid": os.getpid()}
