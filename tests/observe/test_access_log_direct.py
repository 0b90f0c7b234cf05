"""Access lines written straight to a lone stream handler: the same text, and no shortcut
when a filter or another handler would see the record."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys

import pytest

import responder
from responder.log import ACCESS_LOGGER, JSONFormatter, TextFormatter

FORMATTERS = {"json": JSONFormatter, "text": TextFormatter}


class _AccessLogger:
    """The access logger, made to hold one handler of the test's and not to propagate."""

    def __init__(self) -> None:
        self.logger = logging.getLogger(ACCESS_LOGGER)

    def only(self, handler: logging.Handler) -> logging.Logger:
        # Set in the test itself: pytest attaches its capture handlers to every logger
        # that does not propagate when the test starts.
        self.logger.handlers[:] = [handler]
        self.logger.propagate = False
        return self.logger


@pytest.fixture
def access_logger():
    """See :class:`_AccessLogger`; everything restored afterwards."""
    logger = logging.getLogger(ACCESS_LOGGER)
    saved = (logger.handlers[:], logger.filters[:], logger.propagate, logger.level)
    logger.filters.clear()
    logger.setLevel(logging.INFO)
    yield _AccessLogger()
    logger.handlers[:], logger.filters[:], logger.propagate, _ = saved
    logger.setLevel(saved[3])


@pytest.fixture
def api():
    api = responder.API(enable_logging=True)

    @api.route("/items/{id:int}")
    async def item(req, resp, *, id):
        resp.media = {"id": id}

    return api


def _stream_handler(formatter: str) -> tuple[logging.StreamHandler, io.StringIO]:  # type: ignore[type-arg]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(FORMATTERS[formatter]())
    return handler, stream


@pytest.fixture
def handled(monkeypatch):
    """The names of the loggers whose ``handle`` got a record (the full path)."""
    names: list[str] = []
    original = logging.Logger.handle

    def spy(self, record):
        names.append(self.name)
        return original(self, record)

    monkeypatch.setattr(logging.Logger, "handle", spy)
    return names


def _mask(line: str) -> str:
    """The line without what changes from one request to the next (time, duration)."""
    line = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z?", "TIME", line)
    line = re.sub(r"[\d.]+ms", "Nms", line)
    return re.sub(r'"duration_ms": [\d.e-]+', '"duration_ms": N', line)


@pytest.mark.parametrize("formatter", ["json", "text"])
def test_a_lone_stream_handler_gets_the_line_without_a_record(
    api, access_logger, handled, formatter
):
    handler, stream = _stream_handler(formatter)
    access_logger.only(handler)
    api.requests.get("/items/7", headers={"X-Request-ID": "direct-1"})
    (line,) = stream.getvalue().splitlines()
    assert ACCESS_LOGGER not in handled
    assert "direct-1" in line and "/items/{id:int}" in line


@pytest.mark.parametrize("formatter", ["json", "text"])
def test_the_direct_line_is_the_line_the_formatter_writes(api, access_logger, formatter):
    handler, stream = _stream_handler(formatter)
    access_logger.only(handler)
    api.requests.get("/items/7?secret=1", headers={"X-Request-ID": "same"})
    handler.addFilter(lambda record: True)  # a filter: the record takes the full path
    api.requests.get("/items/7?secret=1", headers={"X-Request-ID": "same"})
    direct, full = stream.getvalue().splitlines()
    assert _mask(direct) == _mask(full)
    if formatter == "json":
        data = json.loads(direct)
        assert (data["logger"], data["level"], data["status"]) == (ACCESS_LOGGER, "INFO", 200)
        assert "secret" not in direct


def test_a_filter_added_to_the_handler_later_still_sees_every_record(api, access_logger):
    handler, stream = _stream_handler("json")
    access_logger.only(handler)
    api.requests.get("/items/1")
    handler.addFilter(lambda record: record.status >= 400)
    api.requests.get("/items/2")
    api.requests.get("/nowhere")
    statuses = [json.loads(line)["status"] for line in stream.getvalue().splitlines()]
    assert statuses == [200, 404]


def test_a_second_handler_gets_the_record_too(api, access_logger, handled):
    handler, stream = _stream_handler("text")
    records: list[logging.LogRecord] = []
    second = logging.Handler()
    second.emit = records.append  # type: ignore[method-assign]
    logger = access_logger.only(handler)
    logger.addHandler(second)
    api.requests.get("/items/3", headers={"X-Request-ID": "both"})
    assert "[both]" in stream.getvalue()
    assert [record.request_id for record in records] == ["both"]  # type: ignore[attr-defined]
    assert ACCESS_LOGGER in handled


def test_a_handler_above_info_writes_nothing(api, access_logger):
    handler, stream = _stream_handler("json")
    handler.setLevel(logging.WARNING)
    access_logger.only(handler)
    api.requests.get("/items/4")
    assert stream.getvalue() == ""


def test_a_stream_that_fails_is_reported_as_logging_reports_errors(api, access_logger, capsys):
    handler, stream = _stream_handler("json")
    access_logger.only(handler)
    stream.close()
    response = api.requests.get("/items/5")
    assert response.status_code == 200
    assert "--- Logging error ---" in capsys.readouterr().err


@pytest.mark.parametrize("path", ["/items/7", "/caf%C3%A9/%22%0A%5C%E2%80%A8%01"])
def test_a_json_access_line_is_what_json_dumps_writes(api, access_logger, path):
    handler, stream = _stream_handler("json")
    access_logger.only(handler)
    api.requests.get(path)
    (line,) = stream.getvalue().splitlines()
    data = json.loads(line)
    assert line == json.dumps(data, default=str, ensure_ascii=True)
    assert isinstance(data["duration_ms"], float) and data["status"] in (200, 404)


def test_a_renamed_info_level_is_written_as_the_record_would_carry_it():
    """``logging.addLevelName(INFO, ...)`` before Responder loads: both paths use the name."""
    script = """
import io, logging
logging.addLevelName(logging.INFO, "NOTE")
import responder
from responder.log import ACCESS_LOGGER, JSONFormatter, TextFormatter
api = responder.API(enable_logging=True)
logger = logging.getLogger(ACCESS_LOGGER)
logger.propagate = False
for formatter in (JSONFormatter(), TextFormatter()):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger.handlers[:] = [handler]
    api.requests.get("/nowhere")
    print(stream.getvalue().strip())
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    json_line, text_line = done.stdout.splitlines()
    assert json.loads(json_line)["level"] == "NOTE"
    assert " NOTE responder.access " in text_line
