"""Logging that knows the request: ``api.log``, ``get_logger`` and the access line.

While a request is served (``API(enable_logging=True)``), a context variable
holds its ID, method and path. Loggers from :func:`get_logger` (and
``api.log``) put them on every record they make, as the attributes
``request_id``, ``method`` and ``path``, so a log line written three calls
deep, in a sync view (the thread pool copies the context) or in background
work started by the request (it copies the context too) says which request it
belongs to. Outside a request the attributes are ``"-"``.

:func:`configure` gives the process one handler on the root logger writing to
stderr, as text or as one JSON object per line, unless logging was already
configured (the way ``logging.basicConfig`` decides). :class:`AccessLog`
writes one line per request to the ``responder.access`` logger.

Nothing here imports a third-party library; nothing here runs per request
unless logging is enabled.
"""

from __future__ import annotations

import functools
import json
import json.encoder
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ACCESS_LOGGER",
    "LOG_FORMATS",
    "AccessLog",
    "JSONFormatter",
    "RequestContext",
    "RequestLogger",
    "TextFormatter",
    "configure",
    "current_request",
    "get_logger",
]

#: The logger the access lines go to.
ACCESS_LOGGER = "responder.access"
#: What ``API(log_format=...)`` accepts.
LOG_FORMATS = ("text", "json")
_NONE = "-"


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What the records made during one request carry."""

    request_id: str
    method: str
    path: str


#: The request being served in this context (None outside a request).
_current: ContextVar[RequestContext | None] = ContextVar("responder_request", default=None)


def current_request() -> RequestContext | None:
    """The request this code runs for, or None outside a request."""
    return _current.get()


def enter(context: RequestContext) -> Any:
    """Make ``context`` the current request; returns the token :func:`leave` takes."""
    return _current.set(context)


def leave(token: Any) -> None:
    """Restore the context from before :func:`enter`."""
    _current.reset(token)


def _context_fields() -> dict[str, str]:
    context = _current.get()
    if context is None:
        return {"request_id": _NONE, "method": _NONE, "path": _NONE}
    return {"request_id": context.request_id, "method": context.method, "path": context.path}


class RequestLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger whose records carry the current request's ID, method and path.

    The values are read when the record is made, so one logger made at
    import time serves every request. ``extra=`` given to a call is kept, and
    wins over the request's fields.
    """

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        """Add the request's fields to the record's ``extra``."""
        extra = _context_fields()
        given = kwargs.get("extra")
        if given:
            extra.update(given)
        kwargs["extra"] = extra
        return msg, kwargs


def get_logger(name: str = "responder.app") -> RequestLogger:
    """A logger named ``name`` whose records carry the request's ID, method and path."""
    return RequestLogger(logging.getLogger(name), {})


class _ContextFilter(logging.Filter):
    """Fill in the request fields on records from loggers that did not set them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            for key, value in _context_fields().items():
                setattr(record, key, value)
        return True


_CONTROL = {code: f"\\x{code:02x}" for code in (*range(32), 127)}
_QUOTED = {**_CONTROL, ord("\\"): "\\\\", ord('"'): '\\"'}


def _escaped(text: str) -> str:
    """``text`` with its control characters escaped: one line, always."""
    return text.translate(_CONTROL)


def _quoted(text: str) -> str:
    """``text`` safe between double quotes on one line (what a client sent, say)."""
    return text.translate(_QUOTED)


@functools.lru_cache(maxsize=8)
def _seconds(second: int, converter: Callable[[float | None], time.struct_time]) -> str:
    """``second`` as ``YYYY-mm-ddTHH:MM:SS`` (one ``strftime`` per second, not per line)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", converter(second))


def _millis(created: float) -> int:
    """The milliseconds of a timestamp, as ``LogRecord.msecs`` holds them."""
    return int((created - int(created)) * 1000)


def _text_line(
    formatter: logging.Formatter, created: float, level: str, name: str, request_id: str
) -> str:
    """The start of a text line, up to its message: ``time level logger [request_id] ``."""
    stamp = _seconds(int(created), formatter.converter)
    return f"{stamp}.{_millis(created):03d} {level} {name} [{request_id}] "


class TextFormatter(logging.Formatter):
    """``time level logger [request_id] message``, one line per record, escaped.

    Control characters in the message (a hostile path echoed into it, say)
    are written as escapes (a line feed as backslash, x, 0a), so no record
    can forge a second line.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line."""
        request_id = getattr(record, "request_id", _NONE)
        line = _text_line(self, record.created, record.levelname, record.name, request_id)
        line += _escaped(record.getMessage())
        if record.exc_info:
            line += " " + _escaped(self.formatException(record.exc_info))
        return line


#: Attributes every ``LogRecord`` has: the rest came from ``extra=``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request fields and extras.

    Always valid JSON: values that JSON has no word for are written with
    ``str``, and anything a client sent (a path, a header) is escaped by the
    encoder, never pasted in.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line."""
        fields = vars(record)
        if type(record) is _AccessRecord and len(fields) == _ACCESS_SIZE:
            # Nothing was added on the way: its extras are known, and there is no exception.
            return _json_access_line(record.created, record.getMessage(), record._extra)
        data: dict[str, Any] = {
            "time": f"{_seconds(int(record.created), time.gmtime)}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in fields.items() if k not in _STANDARD and k[:1] != "_"})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return "".join(_ENCODE(data, 0))


#: One C encoder for every line, as ``json.dumps(data, default=str)`` would
#: write it: ``dumps`` builds one per call, which was half of a line's cost.
#: Without a markers dict a circular extra fails as a RecursionError rather
#: than a ValueError; either way the handler reports the error, not the line.
_ENCODE: Callable[[Any, Any], Any] = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    else json.JSONEncoder(default=str, ensure_ascii=True).iterencode  # no C speedups
)


def configure(log_format: str = "text") -> None:
    """Send the process's logs to stderr in ``log_format``, unless logging is configured.

    Like ``logging.basicConfig``: when the root logger has no handler yet, it
    gets one (and level INFO if it was at the default WARNING); otherwise
    the existing handlers are left alone. Idempotent.
    """
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(_ContextFilter())
    root.addHandler(handler)
    if root.level == logging.WARNING:
        root.setLevel(logging.INFO)


class _AccessRecord(logging.LogRecord):
    """An access line's record, made without ``Logger.info``'s per-call work.

    ``Logger.info`` looks up the caller's frame, and ``LogRecord`` splits a
    source path: neither tells anything about a request, and together they
    were about a third of the access log's cost. The fields that do not
    change (source location, level, no exception) are copied in from one
    dict; the rest are set as ``LogRecord`` sets them. They all live in the
    instance's ``__dict__``, as formatters read them there (``%(filename)s``),
    so handlers, filters and formatters see an ordinary record.
    """

    def __init__(
        self, name: str, msg: str, args: tuple[Any, ...], extra: dict[str, Any], now: float
    ) -> None:
        self.__dict__.update(_ACCESS_CONSTANTS)
        self.name = name
        self.msg = msg
        self.args = args
        self.created = now
        self.msecs = _millis(now) + 0.0
        self.relativeCreated = (now - _START) * 1000
        self.thread = threading.get_ident()
        self.threadName = threading.current_thread().name
        self.process = os.getpid()
        self.processName = _process_name()
        self.__dict__.update(extra)
        self._extra = extra


def _process_name() -> str:
    """The process's name as ``LogRecord`` finds it (``multiprocessing``'s, if loaded)."""
    found = sys.modules.get("multiprocessing")
    if found is None:
        return "MainProcess"
    try:
        return str(found.current_process().name)
    except Exception:  # noqa: BLE001 - as LogRecord: a half-loaded module
        return "MainProcess"


_START = logging._startTime  # type: ignore[attr-defined]
#: The fields of every access record that do not depend on the request: those of
#: a record made once, so that each Python version's set of attributes is kept
#: (the variable ones are overwritten per record; ``taskName``, on 3.12+, stays None).
_ACCESS_CONSTANTS: dict[str, Any] = vars(
    logging.LogRecord(ACCESS_LOGGER, logging.INFO, __file__, 0, "", (), None, "write")
)
#: The level's name on access lines, as on their records (``logging.addLevelName``).
_LEVEL: str = _ACCESS_CONSTANTS["levelname"]
#: How many attributes an access record has when no filter added one: its
#: constants, ``_extra`` and the eight fields :meth:`AccessLog.write` sets.
_ACCESS_SIZE = len(_ACCESS_CONSTANTS) + 1 + 8


class AccessLog:
    """Writes the access line of each request to the ``responder.access`` logger.

    Text: ``GET /items/42 200 17B 0.84ms route=/items/{id:int} client=1.2.3.4:5``;
    JSON: the same as fields (``method``, ``path``, ``route``, ``status``,
    ``bytes``, ``duration_ms``, ``client``, ``request_id``).

    The record goes to the logger's ``handle``, as ``Logger.info`` would send
    it (level, filters, handlers and propagation all apply), but is made
    directly: a record factory set with ``logging.setLogRecordFactory`` is not
    used for access lines. When the line can only reach one place, the
    handler :func:`configure` adds (or another plain ``StreamHandler`` with
    one of this module's formatters), the line is written to its stream
    without a record (see :func:`_sole_stream_handler`): the same text, for
    about half the cost.
    """

    def __init__(self) -> None:
        self.logger = logging.getLogger(ACCESS_LOGGER)

    def write(
        self,
        context: RequestContext,
        route: str,
        status: int,
        size: int,
        seconds: float,
        client: tuple[str, int] | None,
    ) -> None:
        """Log one finished request (at INFO)."""
        if self.logger.isEnabledFor(logging.INFO):
            args, extra = _fields(context, route, status, size, seconds, client)
            self._emit([(time.time(), args, extra)])

    def write_many(self, finished: Sequence[Finished]) -> None:
        """Log finished requests, in order, each at the time it is given (at INFO).

        To a lone plain stream handler, the lines go in one write (see
        :class:`~responder._access_batch.AccessBatch`, which gathers them).
        """
        if self.logger.isEnabledFor(logging.INFO):
            self._emit([(each[0], *_fields(*each[1:])) for each in finished])

    def _emit(self, entries: list[tuple[float, tuple[Any, ...], dict[str, Any]]]) -> None:
        """Write ``(time, message args, fields)`` entries: in one write, or as records.

        One write when the lone handler is a plain stream handler with one of
        this module's formatters; else a record each, as ``Logger.info`` gives.
        """
        logger = self.logger
        handler = _sole_stream_handler(logger)
        if handler is not None:
            formatter = handler.formatter
            lines = [_line_of(formatter, args, extra, now) for now, args, extra in entries]
            if _write_lines(handler, lines):
                return
        for now, args, extra in entries:
            logger.handle(_AccessRecord(logger.name, _ACCESS_FORMAT, args, extra, now))


#: A finished request, as the access log takes it: when it ended (``time.time()``), its
#: context, route, status, bytes sent, duration in seconds and client.
Finished = tuple[float, RequestContext, str, int, int, float, "tuple[str, int] | None"]


def _fields(
    context: RequestContext,
    route: str,
    status: int,
    size: int,
    seconds: float,
    client: tuple[str, int] | None,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """An access line's message arguments and its fields (the record's extras)."""
    peer = f"{client[0]}:{client[1]}" if client else _NONE
    millis = round(seconds * 1000, 3)
    method, path = context.method, context.path
    extra = {
        "request_id": context.request_id,
        "method": method,
        "path": path,
        "route": route,
        "status": status,
        "bytes": size,
        "duration_ms": millis,
        "client": peer,
    }
    return (method, _quoted(path), status, size, millis, route, peer), extra


_ACCESS_FORMAT = '%s "%s" %d %dB %.3fms route=%s client=%s'
#: The handlers whose ``emit`` is exactly "format, write, terminator, flush".
_PLAIN_HANDLERS = (logging.StreamHandler, logging.FileHandler)


def _sole_stream_handler(logger: logging.Logger) -> logging.StreamHandler | None:  # type: ignore[type-arg]
    """The one handler an access record would reach, if writing to it directly changes nothing.

    That is when the access logger has no filter, the loggers the record
    propagates through hold exactly one handler, and that handler is a plain
    ``StreamHandler`` (or ``FileHandler``, once open) at INFO or below, with
    :class:`JSONFormatter` or :class:`TextFormatter` and no filter but the one
    :func:`configure` adds. Anything else (a second handler, a filter, a
    handler or formatter of your own) gets the record, as ``Logger.info``
    would give it. Checked for every line written (for every batch of lines with
    ``log_batch=True``), so handlers added later are seen.
    """
    if logger.filters or logger.disabled:
        return None
    found: logging.Handler | None = None
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if found is not None:
                return None
            found = handler
        current = current.parent if current.propagate else None
    if not isinstance(found, logging.StreamHandler) or type(found) not in _PLAIN_HANDLERS:
        return None
    if (
        type(found.formatter) not in _FORMATTERS
        or found.level > logging.INFO
        or any(type(each) is not _ContextFilter for each in found.filters)
    ):
        return None
    return found


def _line_of(
    formatter: logging.Formatter | None, args: tuple[Any, ...], extra: dict[str, Any], now: float
) -> str:
    """An access line as ``formatter`` (one of this module's) would write its record."""
    message = _ACCESS_FORMAT % args
    if type(formatter) is JSONFormatter:
        return _json_access_line(now, message, extra)
    assert formatter is not None
    line = _text_line(formatter, now, _LEVEL, ACCESS_LOGGER, extra["request_id"])
    return line + _escaped(message)


def _write_lines(handler: logging.StreamHandler, lines: list[str]) -> bool:  # type: ignore[type-arg]
    """Write access lines as ``handler`` would emit their records; False if it failed.

    One write and one flush for them all. A failure (a closed stream, say)
    is left to the full path, which reports it as logging reports any
    handler's error.
    """
    stream = handler.stream
    if stream is None:  # a FileHandler that has not opened its file yet
        return False
    terminator = handler.terminator
    handler.acquire()  # as Handler.handle holds it around emit
    try:
        stream.write(terminator.join(lines) + terminator)
        stream.flush()
    except Exception:  # noqa: BLE001 - the full path reports it
        return False
    finally:
        handler.release()
    return True


def _json_access_line(created: float, message: str, extra: dict[str, Any]) -> str:
    """An access record's JSON line, from its creation time, message and fields.

    The fields are known (five strings, two ints, a float), so the line is
    filled in from a template, each string escaped by the encoder's own C
    function: what ``json.dumps`` writes, byte for byte, in under half the
    time of encoding the dict. Values of other types (a status that is not an
    int, say) go through the encoder.
    """
    stamp = f"{_seconds(int(created), time.gmtime)}.{_millis(created):03d}Z"
    try:
        return (
            f'{{"time": "{stamp}", "level": {_LEVEL_JSON}, "logger": "{ACCESS_LOGGER}", '
            f'"message": {_STRING(message)}, "request_id": {_STRING(extra["request_id"])}, '
            f'"method": {_STRING(extra["method"])}, "path": {_STRING(extra["path"])}, '
            f'"route": {_STRING(extra["route"])}, "status": {_INT(extra["status"])}, '
            f'"bytes": {_INT(extra["bytes"])}, "duration_ms": {_FLOAT(extra["duration_ms"])}, '
            f'"client": {_STRING(extra["client"])}}}'
        )
    except TypeError:  # a value of another type: the encoder knows what to do
        data: dict[str, Any] = {
            "time": stamp,
            "level": _LEVEL,
            "logger": ACCESS_LOGGER,
            "message": message,
        }
        data.update(extra)
        return "".join(_ENCODE(data, 0))


#: How the encoder writes a string (ASCII only, escaped), an int and a float.
_STRING: Callable[[str], str] = (
    json.encoder.c_encode_basestring_ascii  # type: ignore[attr-defined]
    or json.encoder.py_encode_basestring_ascii  # type: ignore[attr-defined]
)
_INT = int.__repr__
_FLOAT = float.__repr__
_LEVEL_JSON = _STRING(_LEVEL)


_FORMATTERS = (JSONFormatter, TextFormatter)
