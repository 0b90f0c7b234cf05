"""A JWKS endpoint for the live JWT tests: serves the file named by $JWKS_FILE, counts fetches."""

import json
import os

import responder

api = responder.API()
fetches = {"jwks": 0}


@api.route("/jwks.json")
def jwks(req, resp):
    fetches["jwks"] += 1
    with open(os.environ["JWKS_FILE"], encoding="utf-8") as source:
        resp.media = json.load(source)


@api.route("/garbage.json")
def garbage(req, resp):
    resp.text = "<html>not a key set</html>"


@api.route("/fetches")
def count(req, resp):
    resp.media = fetches
