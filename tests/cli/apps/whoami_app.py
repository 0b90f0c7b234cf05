"""An API that says who it thinks the client is, behind a rate limit of 2 per hour per client."""

import responder
from responder.ext.ratelimit import RateLimiter

api = responder.API()
RateLimiter(requests=2, period=3600).install(api)


@api.route("/")
def whoami(req, resp):
    resp.media = {"client": req.client.host, "scheme": req.url.scheme}
