"""Apps for the live-server tests: trusted hosts, request IDs and gzip; HSTS behind a proxy."""

import responder

api = responder.API(allowed_hosts=["example.com", "*.example.com"], request_id=True, gzip=True)


@api.route("/")
def home(req, resp):
    resp.media = {"host": req.headers["host"], "id": req.state.request_id, "pad": "x" * 600}


#: HTTPS only, served behind a (pretend) TLS proxy: uvicorn runs with --proxy-headers.
hsts_api = responder.API(enable_hsts=True, allowed_hosts=["127.0.0.1", ";"])


@hsts_api.route("/{page}")
def page(req, resp, *, page):
    resp.media = {"page": page, "secure": req.is_secure}
