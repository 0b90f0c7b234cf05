"""Logging: one access line per request, request fields on records, text and JSON lines."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading

import pytest

import responder
from responder.log import ACCESS_LOGGER, JSONFormatter, TextFormatter, get_logger


@pytest.fixture
def api() -> responder.API:
    api = responder.API(enable_logging=True)
    done = threading.Event()
    log = get_logger("tests.observe")

    @api.route("/items/{id:int}")
    async def item(req, resp, *, id):
        api.log.info("looking up %s", id)
        resp.media = {"id": id}

    @api.route("/sync")
    def sync_view(req, resp):
        log.warning("from a thread")
        resp.text = "ok"

    @api.background.task
    def chore():
        log.warning("from a background job")
        done.set()

    @api.route("/chore")
    def start_chore(req, resp):
        chore()
        resp.text = "started"

    @api.route("/after")
    async def after(req, resp):
        async def later():
            await asyncio.sleep(0)
            log.warning("after the response")

        resp.background(later)
        resp.text = "soon"

    api.chore_done = done
    return api


def _records(caplog, name):
    return [r for r in caplog.records if r.name == name]


def test_one_access_line_per_request_with_route_status_bytes_and_request_id(api, caplog):
    caplog.set_level(logging.INFO)
    response = api.requests.get("/items/7", headers={"X-Request-ID": "abc-123"})
    (line,) = _records(caplog, ACCESS_LOGGER)
    assert line.request_id == "abc-123" == response.headers["x-request-id"]
    assert (line.method, line.path, line.route) == ("GET", "/items/7", "/items/{id:int}")
    assert line.status == 200
    assert line.bytes == len(response.content)
    assert line.duration_ms >= 0
    assert line.client.startswith("testclient:")
    assert '"/items/7" 200' in line.getMessage()


def test_api_log_records_carry_the_request_fields(api, caplog):
    caplog.set_level(logging.INFO)
    api.requests.get("/items/7", headers={"X-Request-ID": "req-1"})
    (record,) = _records(caplog, "responder.app")
    assert (record.request_id, record.method, record.path) == ("req-1", "GET", "/items/7")


def test_records_from_a_sync_view_carry_the_request_fields(api, caplog):
    api.requests.get("/sync", headers={"X-Request-ID": "in-a-thread"})
    (record,) = _records(caplog, "tests.observe")
    assert record.request_id == "in-a-thread"
    assert record.path == "/sync"


def test_records_from_background_work_carry_the_request_that_started_it(api, caplog):
    with api.session() as client:
        client.get("/chore", headers={"X-Request-ID": "job-1"})
        assert api.chore_done.wait(10)
        client.get("/after", headers={"X-Request-ID": "after-1"})
    ids = {r.getMessage(): r.request_id for r in _records(caplog, "tests.observe")}
    assert ids == {"from a background job": "job-1", "after the response": "after-1"}


def test_records_outside_a_request_say_so():
    record = get_logger("x").logger.makeRecord("x", logging.INFO, "f", 1, "m", (), None)
    adapter = get_logger("x")
    _, kwargs = adapter.process("m", {})
    assert kwargs["extra"] == {"request_id": "-", "method": "-", "path": "-"}
    assert record.name == "x"


def test_extra_fields_given_to_a_call_are_kept(api, caplog):
    log = get_logger("tests.extra")
    log.warning("hi", extra={"user": "ann", "request_id": "mine"})
    (record,) = _records(caplog, "tests.extra")
    assert (record.user, record.request_id) == ("ann", "mine")


HOSTILE = '/a"b\\c\nINFO forged line\r\x1b[31m\u2028é'


def _access_record(path: str) -> logging.LogRecord:
    api = responder.API(enable_logging=True)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    try:
        api.requests.get(path, headers={"User-Agent": '"\n{'})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    (record,) = records
    return record


def test_json_lines_stay_valid_json_with_a_hostile_path():
    record = _access_record("/" + "%22%0A%0D%1B%5C%E2%80%A8x%FF")
    line = JSONFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["path"] == record.path
    assert "\n" in data["path"] and '"' in data["path"]
    assert data["status"] == 404 and data["route"] == "unmatched"
    assert data["logger"] == ACCESS_LOGGER and data["level"] == "INFO"


def test_text_lines_stay_one_line_with_a_hostile_path():
    record = _access_record("/%22%0AINFO%20forged%0D%1B")
    line = TextFormatter().format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert '\\"\\x0aINFO forged' in line


def test_json_formatter_writes_what_json_has_no_word_for_as_text():
    record = logging.LogRecord("x", logging.ERROR, "f", 1, "boom %s", (object,), None)
    record.thing = {1, 2}
    data = json.loads(JSONFormatter().format(record))
    assert data["message"].startswith("boom <class")
    assert data["thing"] == "{1, 2}"


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="log_format"):
        responder.API(enable_logging=True, log_format="xml")
    with pytest.raises(ValueError, match="log_format"):  # checked with logging off too
        responder.API(log_format="xml")


def test_logging_turns_request_ids_on(api):
    assert api.requests.get("/items/1").headers["x-request-id"]


def test_access_records_fill_the_standard_attributes_a_format_string_names(api):
    # The access record is made without Logger.info: a classic %-format naming the
    # standard LogRecord attributes must still find every one of them.
    lines: list[str] = []
    handler = logging.Handler()
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)s %(levelno)d %(name)s %(filename)s %(module)s "
            "%(lineno)d %(funcName)s %(process)d %(processName)s %(thread)d "
            "%(threadName)s %(relativeCreated)d %(msecs)d [%(request_id)s] %(message)s"
        )
    )
    handler.emit = lambda record: lines.append(handler.format(record))  # type: ignore[method-assign]
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    try:
        api.requests.get("/items/7", headers={"X-Request-ID": "fmt-1"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    (line,) = lines
    shape = (
        rf" INFO 20 {ACCESS_LOGGER} log\.py log \d+ write {os.getpid()} \S+ \d+ \S+ \d+ \d+ "
        r'\[fmt-1\] GET "/items/7" 200 8B [\d.]+ms route=/items/\{id:int\} client=testclient:'
    )
    assert re.search(shape, line), line


def test_filters_on_the_access_logger_see_and_can_drop_access_records(api, caplog):
    caplog.set_level(logging.INFO)
    logger = logging.getLogger(ACCESS_LOGGER)
    seen: list[int] = []

    def only_failures(record: logging.LogRecord) -> bool:
        seen.append(record.status)  # type: ignore[attr-defined]
        return record.status >= 400  # type: ignore[attr-defined, no-any-return]

    logger.addFilter(only_failures)
    try:
        api.requests.get("/items/7")
        api.requests.get("/nowhere")
    finally:
        logger.removeFilter(only_failures)
    assert seen == [200, 404]
    assert [r.status for r in _records(caplog, ACCESS_LOGGER)] == [404]


def test_json_lines_match_what_json_dumps_writes():
    record = _access_record("/caf%C3%A9")
    record.ratio = float("nan")
    record.tags = ("a", 1, None, True)
    line = JSONFormatter().format(record)
    data = json.loads(line)
    assert line == json.dumps(data, default=str, ensure_ascii=True)
    assert "\\u00e9" in line and data["path"] == "/café"


def test_json_access_lines_carry_what_a_filter_added():
    """The JSON formatter's shortcut for untouched access records keeps a filter's field."""
    untouched = _access_record("/items/1")
    plain = json.loads(JSONFormatter().format(untouched))
    assert set(plain) == {"time", "level", "logger", "message"} | {
        "request_id",
        "method",
        "path",
        "route",
        "status",
        "bytes",
        "duration_ms",
        "client",
    }
    touched = _access_record("/items/1")
    touched.tenant = "acme"
    assert json.loads(JSONFormatter().format(touched))["tenant"] == "acme"
