import pytest

import responder
from responder import errors


def test_http_error_becomes_problem_details(api):
    @api.route("/")
    def view(req, resp):
        raise responder.HTTPError(
            409, title="Taken", detail="That name is taken.", headers={"X-Why": "dup"}
        )

    r = api.requests.get("/")
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-why"] == "dup"
    assert r.json() == {
        "type": "about:blank",
        "title": "Taken",
        "status": 409,
        "detail": "That name is taken.",
    }


@pytest.mark.parametrize(
    ("cls", "status", "title"),
    [
        (errors.HTTPBadRequest, 400, "Bad Request"),
        (errors.HTTPUnauthorized, 401, "Unauthorized"),
        (errors.HTTPForbidden, 403, "Forbidden"),
        (errors.HTTPNotFound, 404, "Not Found"),
        (errors.HTTPNotAcceptable, 406, "Not Acceptable"),
        (errors.HTTPConflict, 409, "Conflict"),
        (errors.HTTPGone, 410, "Gone"),
        (errors.HTTPContentTooLarge, 413, "Content Too Large"),
        (errors.HTTPUnsupportedMediaType, 415, "Unsupported Media Type"),
        (errors.HTTPUnprocessableEntity, 422, "Unprocessable Content"),
        (errors.HTTPTooManyRequests, 429, "Too Many Requests"),
        (errors.HTTPInternalServerError, 500, "Internal Server Error"),
        (errors.HTTPServiceUnavailable, 503, "Service Unavailable"),
    ],
)
def test_named_errors_carry_their_status(api, cls, status, title):
    @api.route("/")
    async def view(req, resp):
        raise cls()

    r = api.requests.get("/")
    assert r.status_code == status
    assert r.json() == {"type": "about:blank", "title": title, "status": status}


def test_problem_extensions_are_included(api):
    @api.route("/")
    def view(req, resp):
        raise responder.HTTPBadRequest(detail="bad", errors=[{"field": "x"}])

    assert api.requests.get("/").json()["errors"] == [{"field": "x"}]


def test_error_raised_from_an_undefined_status_gets_a_generic_title():
    assert responder.HTTPError(599).title == "Error"
    assert str(responder.HTTPError(404, detail="gone")) == "404 Not Found: gone"


def test_unhandled_exception_is_500_without_traceback(api):
    @api.route("/fail")
    def fail(req, resp):
        resp.headers["X-Half"] = "set"
        raise RuntimeError("secret internals")

    client = api.session(raise_server_exceptions=False)
    r = client.get(api.url_for(fail))
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in r.text
    assert "Traceback" not in r.text
    assert "x-half" not in r.headers


def test_unhandled_exception_reaches_the_test_client_by_default(api):
    @api.route("/fail")
    def fail(req, resp):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        api.requests.get("/fail")


def test_debug_puts_the_traceback_in_the_500():
    api = responder.API(debug=True)

    @api.route("/fail")
    def fail(req, resp):
        raise RuntimeError("visible in debug")

    r = api.session(raise_server_exceptions=False).get("/fail")
    assert r.status_code == 500
    assert "visible in debug" in r.json()["detail"]
    assert "Traceback" in r.json()["traceback"]


def register(api, exc_class, body, asynchronous):
    """Register ``body(req, resp, exc)`` for ``exc_class`` as a sync or an async handler."""

    async def body_async(req, resp, exc):
        body(req, resp, exc)

    api.exception_handler(exc_class)(body_async if asynchronous else body)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_exception_handler_answers_its_class(api, asynchronous):
    def handle(req, resp, exc):
        resp.status_code = 400
        resp.media = {"error": str(exc)}

    register(api, ValueError, handle, asynchronous)

    @api.route("/fail")
    def fail(req, resp):
        raise ValueError("bad input")

    r = api.requests.get(api.url_for(fail))
    assert (r.status_code, r.json()) == (400, {"error": "bad input"})


def test_exception_handler_is_found_along_the_mro(api):
    class AppError(Exception):
        pass

    class NotYours(AppError):
        pass

    @api.exception_handler(AppError)
    def app_error(req, resp, exc):
        resp.status_code = 403
        resp.text = type(exc).__name__

    @api.exception_handler(Exception)
    def anything(req, resp, exc):
        resp.status_code = 500
        resp.text = "generic"

    @api.route("/mine")
    def mine(req, resp):
        raise NotYours()

    @api.route("/other")
    def other(req, resp):
        raise KeyError("x")

    assert (api.requests.get("/mine").status_code, api.requests.get("/mine").text) == (
        403,
        "NotYours",
    )
    assert api.requests.get("/other").text == "generic"


def test_exception_handler_overrides_framework_errors(api):
    @api.exception_handler(responder.HTTPNotFound)
    def not_found(req, resp, exc):
        resp.status_code = 404
        resp.html = "<h1>nothing here</h1>"

    r = api.requests.get("/nope")
    assert (r.status_code, r.text) == (404, "<h1>nothing here</h1>")


def test_failing_exception_handler_is_a_500(api):
    @api.exception_handler(ValueError)
    def broken(req, resp, exc):
        raise RuntimeError("handler bug")

    @api.route("/")
    def view(req, resp):
        raise ValueError()

    assert api.session(raise_server_exceptions=False).get("/").status_code == 500


def test_exception_handler_raising_http_error_is_rendered(api):
    @api.exception_handler(KeyError)
    def missing(req, resp, exc):
        raise responder.HTTPNotFound(detail=f"no {exc.args[0]}")

    @api.route("/")
    def view(req, resp):
        raise KeyError("widget")

    r = api.requests.get("/")
    assert (r.status_code, r.json()["detail"]) == (404, "no widget")


def test_framework_405_is_problem_details_with_allow(api):
    api.add_route("/", lambda req, resp: None, methods=["GET"])
    r = api.requests.post("/")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD, OPTIONS"
    assert r.json()["title"] == "Method Not Allowed"


@pytest.mark.parametrize("asynchronous", [False, True])
def test_handler_that_sets_no_status_keeps_an_http_errors_own(api, asynchronous):
    def page(req, resp, exc):
        resp.html = f"<h1>No page at {req.url.path}</h1>"

    register(api, responder.HTTPNotFound, page, asynchronous)
    r = api.requests.get("/missing")
    assert r.status_code == 404
    assert r.text == "<h1>No page at /missing</h1>"


@pytest.mark.parametrize("asynchronous", [False, True])
def test_handler_that_sets_no_status_makes_other_exceptions_500(api, asynchronous):
    def describe(req, resp, exc):
        resp.media = {"error": str(exc)}

    register(api, ValueError, describe, asynchronous)

    @api.route("/fail")
    def fail(req, resp):
        raise ValueError("bad input")

    r = api.requests.get("/fail")
    assert (r.status_code, r.json()) == (500, {"error": "bad input"})


def test_status_a_view_set_before_raising_does_not_leak_into_the_handled_answer(api):
    @api.exception_handler(LookupError)
    def describe(req, resp, exc):
        resp.text = "lookup failed"

    @api.route("/create")
    def create(req, resp):
        resp.status_code = 201
        raise KeyError("gone")

    r = api.requests.get("/create")
    assert (r.status_code, r.text) == (500, "lookup failed")


def test_handler_that_sets_no_status_keeps_the_errors_headers(api):
    @api.exception_handler(responder.HTTPMethodNotAllowed)
    def explain(req, resp, exc):
        resp.text = "not here"

    api.add_route("/only-get", lambda req, resp: None, methods=["GET"])
    r = api.requests.post("/only-get")
    assert (r.status_code, r.text) == (405, "not here")
    assert r.headers["allow"] == "GET, HEAD, OPTIONS"


def test_handler_that_sets_a_status_keeps_it(api):
    @api.exception_handler(responder.HTTPNotFound)
    def gone(req, resp, exc):
        resp.status_code = 410
        resp.text = "gone for good"

    assert api.requests.get("/old").status_code == 410


@pytest.mark.parametrize("asynchronous", [False, True])
def test_headers_the_view_set_for_its_own_body_never_label_the_problem(asynchronous):
    api = responder.API()

    def view(req, resp):
        resp.headers["Content-Type"] = "text/csv"
        resp.headers["Content-Encoding"] = "gzip"
        resp.headers["Content-Disposition"] = "attachment; filename=report.csv"
        resp.headers["X-Kept"] = "yes"
        raise responder.HTTPNotFound(detail="No report.")

    async def async_view(req, resp):
        view(req, resp)

    api.add_route("/report", async_view if asynchronous else view)
    r = api.requests.get("/report")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert "content-encoding" not in r.headers and "content-disposition" not in r.headers
    assert r.headers["x-kept"] == "yes"
    assert r.json()["detail"] == "No report."
