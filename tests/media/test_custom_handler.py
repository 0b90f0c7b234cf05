"""A custom format, registered in a few lines, is known everywhere media is."""

import csv
import io

import pytest

import responder
from responder.media import MediaHandler


class CSVHandler(MediaHandler):
    """Rows of dicts as CSV with a header line; a single dict is one row."""

    media_types = ("text/csv",)
    format = "csv"

    def serialize(self, obj):
        rows = [obj] if isinstance(obj, dict) else list(obj)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode()

    def deserialize(self, data, *, charset=None, **_):
        try:
            return list(csv.DictReader(io.StringIO(data.decode(charset or "utf-8"), newline="")))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise responder.MediaMalformedError(title="Malformed CSV", detail=str(exc)) from None


@pytest.fixture
def api():
    api = responder.API()
    api.media.register(CSVHandler())

    @api.route("/people")
    async def people(req, resp):
        if req.method == "post":
            rows = await req.media()
            resp.media = {"count": len(rows), "names": [r["name"] for r in rows]}
        else:
            resp.media = [{"name": "ann", "age": 31}, {"name": "bob", "age": 42}]

    return api


def test_custom_format_reads_requests(api):
    r = api.requests.post(
        "/people",
        content=b"name,age\r\nann,31\r\nbob,42\r\n",
        headers={"Content-Type": "text/csv"},
    )
    assert r.json() == {"count": 2, "names": ["ann", "bob"]}


def test_custom_format_is_read_by_name(api):
    @api.route("/named")
    async def named(req, resp):
        resp.media = await req.media("csv")

    r = api.requests.post("/named", content=b"a\r\n1\r\n", headers={"Content-Type": "text/plain"})
    assert r.json() == [{"a": "1"}]


def test_custom_format_answers_when_asked(api):
    r = api.requests.get("/people", headers={"Accept": "text/csv"})
    assert r.headers["content-type"] == "text/csv"
    assert r.text == "name,age\r\nann,31\r\nbob,42\r\n"
    assert api.requests.get("/people").headers["content-type"] == "application/json"


def test_custom_format_carries_errors(api):
    r = api.requests.get("/nowhere", headers={"Accept": "text/csv"})
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/csv"
    assert r.text.splitlines()[0] == "type,title,status,detail"


def test_custom_format_malformed_body_is_400(api):
    r = api.requests.post(
        "/people", content=b"\xff\xfe", headers={"Content-Type": "text/csv", "Accept": "text/csv"}
    )
    assert r.status_code == 400
    assert "Malformed CSV" in r.text


def test_unregistered_format_is_415_again(api):
    api.media.unregister("csv")
    r = api.requests.post("/people", content=b"a\r\n", headers={"Content-Type": "text/csv"})
    assert r.status_code == 415
    assert api.requests.get("/people", headers={"Accept": "text/csv"}).headers["content-type"] == (
        "application/json"
    )


def test_registry_refuses_handlers_without_names():
    class Nameless(CSVHandler):
        format = ""

    with pytest.raises(ValueError):
        responder.API().media.register(Nameless())


def test_registry_keeps_one_handler_able_to_respond():
    registry = responder.media.MediaRegistry([responder.media.JSONHandler()])
    with pytest.raises(ValueError):
        registry.unregister("json")


def test_registering_a_format_again_replaces_it():
    api = responder.API()
    first = CSVHandler()
    second = CSVHandler()
    api.media.register(first)
    api.media.register(second)
    assert api.media.by_format("csv") is second
    assert len([h for h in api.media if h.format == "csv"]) == 1
