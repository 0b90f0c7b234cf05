"""An app for the live-server test: one trusted host, request IDs, gzip."""

import responder

api = responder.API(allowed_hosts=["example.com", "*.example.com"], request_id=True, gzip=True)


@api.route("/")
def home(req, resp):
    resp.media = {"host": req.headers["host"], "id": req.state.request_id, "pad": "x" * 600}
