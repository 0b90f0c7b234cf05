"""An app for the live-server media tests: request mappings and common types in ``resp.media``."""

import datetime
import decimal
import uuid

import responder

api = responder.API()


@api.route("/types")
def types(req, resp):
    resp.media = {
        "params": req.params,
        "all": req.params.get_list("a"),
        "headers": req.headers,
        "when": datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc),
        "id": uuid.UUID(int=7),
        "price": decimal.Decimal("19.90"),
        "set": {"b", "a"},
    }


@api.route("/text")
async def text(req, resp):
    req.encoding = "latin-1"
    resp.encoding = "latin-1"
    resp.content = await req.text
