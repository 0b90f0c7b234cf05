"""ETag and Last-Modified on responses, auto_etag, and the 304s they earn (RFC 9110 §13)."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest

import responder
from responder.validators import AUTO_ETAG_THREAD_MINIMUM, parse_etags

UTC = dt.timezone.utc
CHANGED = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def http_date(value: dt.datetime) -> str:
    return format_datetime(value, usegmt=True)


def versioned(api, etag='"v1"', last_modified=CHANGED, calls=None):
    @api.route("/doc")
    def doc(req, resp):
        if calls is not None:
            calls.append(req.method)
        resp.cache_control(max_age=60)
        if etag is not None:
            resp.etag = etag
        if last_modified is not None:
            resp.last_modified = last_modified
        resp.media = {"text": "hello"}

    return api


# -- resp.etag ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "sent"),
    [("v1", '"v1"'), ('"v1"', '"v1"'), ('W/"v1"', 'W/"v1"'), ("W/v1", 'W/"v1"'), ("", '""')],
)
def test_resp_etag_is_sent_quoted(api, given, sent):
    @api.route("/")
    def view(req, resp):
        resp.etag = given
        resp.text = "x"

    r = api.requests.get("/")
    assert r.headers["etag"] == sent


@pytest.mark.parametrize("bad", ["has space", 'in"side', "line\nbreak", "tab\t"])
def test_resp_etag_refuses_what_no_entity_tag_can_carry(api, bad):
    resp = responder.Response(None, api.media)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ETag"):
        resp.etag = bad


def test_resp_etag_none_removes_it(api):
    @api.route("/")
    def view(req, resp):
        resp.etag = "v1"
        resp.etag = None
        resp.text = "x"

    assert "etag" not in api.requests.get("/").headers


def test_a_get_whose_etag_the_client_holds_is_304_without_a_body(api, make_view):
    def body(req, resp):
        resp.etag = "v1"
        resp.set_cookie("seen", "1")
        resp.cache_control(max_age=60)
        resp.media = {"text": "hello"}

    api.add_route("/", make_view(body))
    first = api.requests.get("/")
    assert first.status_code == 200 and first.json() == {"text": "hello"}
    again = api.requests.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == '"v1"'
    assert again.headers["cache-control"] == "max-age=60"
    assert again.headers["vary"] == "Accept"
    assert "seen=1" in again.headers["set-cookie"]
    assert "content-type" not in again.headers
    assert "content-length" not in again.headers


@pytest.mark.parametrize(
    "if_none_match",
    ['"v1"', 'W/"v1"', '"v0", "v1"', '"v0",W/"v1" , "v2"', "*", ' "v1" ', ', "v1",,'],
)
def test_if_none_match_uses_weak_comparison_and_lists(api, if_none_match):
    versioned(api)
    r = api.requests.get("/doc", headers={"If-None-Match": if_none_match})
    assert r.status_code == 304


def test_a_weak_etag_matches_its_strong_twin(api):
    versioned(api, etag='W/"v1"')
    assert api.requests.get("/doc", headers={"If-None-Match": '"v1"'}).status_code == 304


@pytest.mark.parametrize(
    "if_none_match",
    [
        '"v2"',
        "v1",  # unquoted: no entity tag
        '"v1',
        'W/ "v1"',
        '"v1" "v2"',
        'w/"v1"',
        '"v\x01"',
        "",
        "," * 1000 + "garbage",
        '"v0", ' * 5000 + "junk",
    ],
    ids=lambda value: repr(value[:20]),
)
def test_a_mismatched_or_malformed_if_none_match_gets_the_full_answer(api, if_none_match):
    versioned(api)
    r = api.requests.get("/doc", headers={"If-None-Match": if_none_match})
    assert r.status_code == 200 and r.json() == {"text": "hello"}


def test_parse_etags_reads_lists_and_refuses_junk():
    assert parse_etags('"a", W/"b"') == [(False, "a"), (True, "b")]
    assert parse_etags("*") == []
    assert parse_etags('"a" junk') is None
    assert parse_etags(" , ") is None


def test_head_gets_304_too(api):
    versioned(api)
    r = api.requests.head("/doc", headers={"If-None-Match": '"v1"'})
    assert r.status_code == 304


def test_a_post_is_never_turned_into_a_304(api):
    @api.route("/doc", methods=["POST"])
    def doc(req, resp):
        resp.etag = "v1"
        resp.media = {"ok": True}

    r = api.requests.post("/doc", headers={"If-None-Match": '"v1"'})
    assert r.status_code == 200 and r.json() == {"ok": True}


def test_an_error_answer_is_never_turned_into_a_304(api):
    @api.route("/doc")
    def doc(req, resp):
        resp.etag = "v1"
        raise responder.HTTPNotFound()

    assert api.requests.get("/doc", headers={"If-None-Match": '"v1"'}).status_code == 404


def test_an_etag_header_set_by_hand_counts_too(api):
    @api.route("/doc")
    def doc(req, resp):
        resp.headers["ETag"] = '"v1"'
        resp.text = "hello"

    assert api.requests.get("/doc", headers={"If-None-Match": '"v1"'}).status_code == 304


def test_a_hand_set_etag_that_is_no_entity_tag_never_matches(api):
    @api.route("/doc")
    def doc(req, resp):
        resp.headers["ETag"] = "v1"  # unquoted: not an entity tag
        resp.text = "hello"

    assert api.requests.get("/doc", headers={"If-None-Match": "*"}).status_code == 304
    assert api.requests.get("/doc", headers={"If-None-Match": '"v1"'}).status_code == 200


# -- resp.last_modified --------------------------------------------------------------


def test_last_modified_is_sent_as_an_http_date_and_read_back(api):
    seen = []

    @api.route("/")
    def view(req, resp):
        resp.last_modified = dt.datetime(2024, 5, 1, 12, 0, 0, 900000)  # naive: UTC
        seen.append(resp.last_modified)
        resp.text = "x"

    r = api.requests.get("/")
    assert r.headers["last-modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    assert seen == [CHANGED]


def test_last_modified_takes_an_http_date_string(api):
    @api.route("/")
    def view(req, resp):
        resp.last_modified = "Wednesday, 01-May-24 12:00:00 GMT"  # RFC 850 form
        resp.text = "x"

    assert api.requests.get("/").headers["last-modified"] == "Wed, 01 May 2024 12:00:00 GMT"


def test_last_modified_refuses_a_string_that_is_no_date(api):
    resp = responder.Response(None, api.media)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="HTTP-date"):
        resp.last_modified = "yesterday"


def test_a_last_modified_in_the_future_is_sent_as_now(api):
    @api.route("/")
    def view(req, resp):
        resp.last_modified = dt.datetime.now(UTC) + dt.timedelta(days=365)
        resp.text = "x"

    sent = api.requests.get("/").headers["last-modified"]
    parsed = dt.datetime.strptime(sent, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert parsed <= dt.datetime.now(UTC)


@pytest.mark.parametrize(
    ("since", "status"),
    [
        (http_date(CHANGED), 304),
        (http_date(CHANGED + dt.timedelta(days=1)), 304),
        ("Wednesday, 01-May-24 12:00:00 GMT", 304),
        ("Wed May  1 12:00:00 2024", 304),  # asctime
        (http_date(CHANGED - dt.timedelta(seconds=1)), 200),
        ("not a date", 200),
        ("Wed, 01 May 99999 12:00:00 GMT", 200),
        ("Wed, 31 Feb 2024 12:00:00 GMT", 200),
        (http_date(CHANGED) + ", " + http_date(CHANGED), 200),  # two members
        ("x" * 10000, 200),
        pytest.param(
            http_date(dt.datetime.now(UTC) + dt.timedelta(days=30)), 200, id="from-the-future"
        ),
    ],
)
def test_if_modified_since(api, since, status):
    versioned(api, etag=None)
    r = api.requests.get("/doc", headers={"If-Modified-Since": since})
    assert r.status_code == status


def test_if_none_match_wins_over_if_modified_since(api):
    versioned(api)
    headers = {"If-None-Match": '"v0"', "If-Modified-Since": http_date(CHANGED)}
    assert api.requests.get("/doc", headers=headers).status_code == 200
    headers = {"If-None-Match": '"v1"', "If-Modified-Since": "garbage"}
    assert api.requests.get("/doc", headers=headers).status_code == 304


# -- auto_etag ---------------------------------------------------------------------------


def auto_api(**options):
    api = responder.API(auto_etag=True, **options)

    @api.route("/data/{n:int}")
    def data(req, resp, *, n):
        resp.media = {"items": list(range(n))}

    @api.route("/tagged")
    def tagged(req, resp):
        resp.etag = "mine"
        resp.text = "hello"

    @api.route("/echo", methods=["POST"])
    def echo(req, resp):
        resp.text = "posted"

    return api


def test_auto_etag_is_off_by_default(api):
    @api.route("/")
    def view(req, resp):
        resp.text = "x"

    assert "etag" not in api.requests.get("/").headers


def test_auto_etag_tags_bodies_and_answers_304():
    api = auto_api()
    first = api.requests.get("/data/3")
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag == api.requests.get("/data/3").headers["etag"]
    assert api.requests.get("/data/4").headers["etag"] != tag
    again = api.requests.get("/data/3", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""


def test_auto_etag_gives_way_to_an_explicit_etag():
    api = auto_api()
    assert api.requests.get("/tagged").headers["etag"] == '"mine"'


def test_auto_etag_leaves_other_methods_alone():
    api = auto_api()
    assert "etag" not in api.requests.post("/echo").headers


def test_auto_etag_hashes_large_bodies_too():
    api = responder.API(auto_etag=True, gzip=False)
    big = b"x" * (AUTO_ETAG_THREAD_MINIMUM + 1)

    @api.route("/big")
    def view(req, resp):
        resp.content = big

    tag = api.requests.get("/big").headers["etag"]
    assert api.requests.get("/big", headers={"If-None-Match": tag}).status_code == 304


def test_auto_etag_on_a_gzipped_body_is_weak_and_still_revalidates():
    api = auto_api()
    gz = {"Accept-Encoding": "gzip"}
    first = api.requests.get("/data/500", headers=gz)
    assert first.headers["content-encoding"] == "gzip"
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    again = api.requests.get("/data/500", headers={**gz, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["etag"] == tag
    assert "Accept-Encoding" in again.headers["vary"]
    plain = api.requests.get("/data/500", headers={"Accept-Encoding": "identity"})
    assert plain.headers["etag"] == tag.removeprefix("W/")


# -- files -----------------------------------------------------------------------------


def test_a_file_sends_the_etag_the_view_set_instead_of_its_own(api, tmp_path):
    (tmp_path / "a.txt").write_text("hello")

    @api.route("/a")
    def view(req, resp):
        resp.file(tmp_path / "a.txt")
        resp.etag = "release-7"

    r = api.requests.get("/a")
    assert r.headers.get_list("etag") == ['"release-7"']
    assert api.requests.get("/a", headers={"If-None-Match": 'W/"release-7"'}).status_code == 304


@pytest.mark.parametrize("if_none_match", ['"junk', "*, junk"])
def test_a_file_ignores_a_malformed_if_none_match(api, tmp_path, if_none_match):
    (tmp_path / "a.txt").write_text("hello")

    @api.route("/a")
    def view(req, resp):
        resp.file(tmp_path / "a.txt")

    r = api.requests.get("/a", headers={"If-None-Match": if_none_match})
    assert r.status_code == 200 and r.text == "hello"
