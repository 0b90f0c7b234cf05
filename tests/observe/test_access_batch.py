"""``log_batch=True``: access lines written together at the end of the event loop's turn."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
import types
from concurrent.futures import ThreadPoolExecutor

import pytest

import responder
from responder import _access_batch
from responder._access_batch import AccessBatch
from responder.log import ACCESS_LOGGER, AccessLog, JSONFormatter, RequestContext
from tests.cli.harness import PYTHON_M, free_port, get, serving
from tests.e2e.server import until


@pytest.fixture
def stream():
    """The access logger's one handler, JSON to a string; everything restored afterwards."""
    logger = logging.getLogger(ACCESS_LOGGER)
    saved = (logger.handlers[:], logger.filters[:], logger.propagate, logger.level)
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(JSONFormatter())
    logger.handlers[:], logger.filters[:], logger.propagate = [handler], [], False
    logger.setLevel(logging.INFO)
    yield text
    logger.handlers[:], logger.filters[:], logger.propagate, _ = saved
    logger.setLevel(saved[3])


def _finish(batch: AccessBatch, n: int) -> None:
    """Request ``n`` ended: its line goes to the batch."""
    context = RequestContext(f"id-{n}", "GET", f"/items/{n}")
    batch.write(context, "/items/{id}", 200, 2, 0.001, ("10.0.0.1", 5000 + n))


def _lines(text: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.getvalue().splitlines()]


def test_lines_wait_for_the_end_of_the_loop_turn_in_order_with_their_own_times(
    stream, monkeypatch
):
    ended = iter([1000.25, 1001.5, 1002.75])  # when each request ended, in seconds
    monkeypatch.setattr(_access_batch, "time", types.SimpleNamespace(time=lambda: next(ended)))
    batch = AccessBatch(AccessLog())

    async def serve() -> str:
        for n in range(3):
            _finish(batch, n)
        written = stream.getvalue()
        await asyncio.sleep(0)  # the loop's turn ends
        return written

    assert asyncio.run(serve()) == ""  # nothing before the turn ended
    lines = _lines(stream)
    assert [line["request_id"] for line in lines] == ["id-0", "id-1", "id-2"]
    assert [line["time"] for line in lines] == [
        "1970-01-01T00:16:40.250Z",
        "1970-01-01T00:16:41.500Z",
        "1970-01-01T00:16:42.750Z",
    ]
    assert lines[2]["client"] == "10.0.0.1:5002" and lines[2]["route"] == "/items/{id}"


def test_a_full_batch_is_written_at_once(stream):
    batch = AccessBatch(AccessLog(), limit=3)

    async def serve() -> tuple[int, int]:
        for n in range(2):
            _finish(batch, n)
        before = len(_lines(stream))
        _finish(batch, 2)
        return before, len(_lines(stream))

    assert asyncio.run(serve()) == (0, 3)


def test_without_a_running_loop_the_line_is_written_at_once(stream):
    _finish(AccessBatch(AccessLog()), 7)
    assert [line["request_id"] for line in _lines(stream)] == ["id-7"]


def test_a_handler_changed_before_the_turn_ends_gets_records_with_the_times_they_ended(
    stream, monkeypatch
):
    monkeypatch.setattr(_access_batch, "time", types.SimpleNamespace(time=lambda: 1000.25))
    records: list[logging.LogRecord] = []
    batch = AccessBatch(AccessLog())

    async def serve() -> None:
        _finish(batch, 1)
        logging.getLogger(ACCESS_LOGGER).addFilter(lambda record: records.append(record) or True)
        await asyncio.sleep(0)

    asyncio.run(serve())
    (record,) = records  # the filter saw the record: the full path, as Logger.info gives it
    assert record.request_id == "id-1" and record.status == 200  # type: ignore[attr-defined]
    assert record.created == 1000.25
    assert _lines(stream)[0]["time"] == "1970-01-01T00:16:40.250Z"


def test_a_disabled_access_logger_gathers_nothing(stream):
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.WARNING)
    batch = AccessBatch(AccessLog())

    async def serve() -> int:
        _finish(batch, 1)
        return len(batch._lines._pending)

    assert asyncio.run(serve()) == 0
    assert stream.getvalue() == ""


def test_lines_still_waiting_at_exit_are_written():
    script = """
import asyncio, logging, sys
from responder._access_batch import AccessBatch
from responder.log import ACCESS_LOGGER, AccessLog, JSONFormatter, RequestContext
handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(JSONFormatter())
logger = logging.getLogger(ACCESS_LOGGER)
logger.handlers[:] = [handler]
logger.propagate = False
logger.setLevel(logging.INFO)
batch = AccessBatch(AccessLog())

def serve():
    batch.write(RequestContext("last", "GET", "/"), "/", 200, 0, 0.001, None)
    loop.stop()  # this turn is the last: the flush it scheduled never runs

loop = asyncio.new_event_loop()
loop.call_soon(serve)
loop.run_forever()
assert batch._lines._pending, "the line still waits"
print("exiting", flush=True)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    exiting, line = done.stdout.splitlines()
    assert exiting == "exiting"
    assert json.loads(line)["request_id"] == "last"


def test_the_setting_is_checked_and_only_batches_when_asked():
    with pytest.raises(ValueError, match="log_batch"):
        responder.API(enable_logging=True, log_batch="yes")  # type: ignore[arg-type]
    batched = responder.API(enable_logging=True, log_batch=True).middleware_stack
    assert type(batched.access_log) is AccessBatch
    plain = responder.API(enable_logging=True).middleware_stack
    assert type(plain.access_log) is AccessLog


def test_a_loaded_server_logs_every_request_once(tmp_path):
    """Fifty clients at once against ``responder run``: one line per request, none lost."""
    port = free_port()
    argv = [*PYTHON_M, "run", "tests.observe.apps.observed_app", "--port", str(port)]
    with serving(argv, port, env={"LOG_BATCH": "1"}) as server:
        paths = [f"/items/{n}" for n in range(400)]
        with ThreadPoolExecutor(50) as clients:
            statuses = list(clients.map(lambda path: get(server.url + path)[0], paths))
        assert statuses == [200] * len(paths)

        def logged() -> list[str] | None:
            lines = [json.loads(x) for x in server.output().splitlines() if x.startswith("{")]
            found = [x["path"] for x in lines if x["logger"] == ACCESS_LOGGER]
            return found if len(found) >= len(paths) else None

        found = until(logged, 20, what="an access line per request")
    assert sorted(found) == sorted(paths)


def test_the_apps_shutdown_writes_the_lines_still_waiting(stream):
    api = responder.API(enable_logging=True, log_batch=True)
    batch = api.middleware_stack.access_log

    async def serve() -> list[dict[str, object]]:
        _finish(batch, 5)
        api.observability.stop()  # the app's shutdown, before the turn ends
        return _lines(stream)

    assert [line["request_id"] for line in asyncio.run(serve())] == ["id-5"]
