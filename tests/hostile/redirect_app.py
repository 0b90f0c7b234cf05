"""Redirects to wherever the client asks: the location is the client's text."""

import responder

api = responder.API()


@api.route("/go")
def go(req, resp):
    resp.redirect(req.params.get("to", "/"), status_code=302)


@api.route("/go-api")
def go_api(req, resp):
    api.redirect(resp, req.params.get("to", "/"))
