"""An app for the live gzip tests: gzip left at its default; static files from $GZIP_STATIC_DIR."""

import os

from flask import Flask

import responder

api = responder.API(static_dir=os.environ.get("GZIP_STATIC_DIR"))
REPORT = "all systems nominal\n" * 100


@api.route("/report")
def report(req, resp):
    resp.text = REPORT


@api.route("/feed")
def feed(req, resp):
    @resp.stream
    async def lines():
        for n in range(3):
            yield f"line {n}\n" * 100


flask = Flask(__name__)


@flask.route("/report")
def flask_report():
    return REPORT


api.mount("/flask", flask)
