"""Two APIs in one module, for every TARGET form; self-contained, so it can be served by URL."""

import os

import responder

api = responder.API()
other = responder.API()
not_an_api = {"routes": []}


@api.route("/")
def hello(req, resp):
    resp.text = "hello from api"


@other.route("/")
def hello_other(req, resp):
    resp.text = "hello from other"


@api.route("/pid")
@other.route("/pid")
def pid(req, resp):
    resp.text = str(os.getpid())


@api.route("/boom")
def boom(req, resp):
    raise RuntimeError("boom from the view")
