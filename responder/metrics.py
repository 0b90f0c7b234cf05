"""Prometheus metrics: ``API(metrics_route="/metrics")``, on prometheus-client.

Three metrics, labelled by method, route *pattern* and status, so that their
number of series stays bounded whatever clients send:

- ``responder_requests_total`` (counter): requests answered;
- ``responder_request_duration_seconds`` (histogram): from the request's
  arrival to its last body byte;
- ``responder_requests_in_progress`` (gauge, by method): requests not yet answered.

The route label is the template the request matched (``/items/{id:int}``), a
mount's prefix for a mounted app, or ``unmatched``. A method outside the
standard ones is counted as ``other``.

Each API has its own registry, so several APIs in one process (tests) never
collide. In one process the request metrics are plain numbers the observing
layer keeps (:mod:`responder._metrics_tally`), shown at scrape time. Under
several worker processes (``responder run --workers N``) they are
prometheus-client's own, whose values live in files in
``PROMETHEUS_MULTIPROC_DIR``, which the CLI creates and removes, and a
scrape of any worker adds up all of them; a worker writes its counts at the
end of each turn of its event loop (and before its own scrapes), not per
request. Live gauges of workers that died are dropped at the next scrape.

Imported only by APIs that ask for metrics: ``import responder`` never loads
prometheus-client.
"""

from __future__ import annotations

import contextlib
import os
import re
import struct
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

from ._metrics_tally import DURATION, IN_PROGRESS, LABELS, REQUESTS, Tally, method_label
from ._turn_batch import TurnBatch
from .errors import HTTPServiceUnavailable

if TYPE_CHECKING:
    from .request import Request
    from .response import Response

__all__ = ["MULTIPROC_ENV", "Metrics", "reap_dead_workers"]

#: Where prometheus-client keeps the values of several processes.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LIVE_FILE = re.compile(r"gauge_live\w*?_(\d+)\.db")
#: Scrapes of the files of several workers, one of which may be removing a dead one's.
_READ_ATTEMPTS = 3
#: The first bytes of a metrics file: how much of it is used.
_HEADER_SIZE = 8


def _multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class Metrics:
    """The API's metrics and its ``/metrics`` view.

    In one process the request metrics are a :class:`~responder._metrics_tally.Tally`
    (plain numbers, one lock per request, shown at scrape time). Under
    several workers (``PROMETHEUS_MULTIPROC_DIR`` set when the API is made)
    they are prometheus-client's own metrics, whose values live in that
    directory's files: :class:`_SharedRecorder`. Either way the scrape shows
    the same families, and :attr:`registry` takes metrics of your own.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.recorder: Tally | _SharedRecorder
        if _multiprocess_dir() is None:
            self.recorder = Tally()
            self.registry.register(self.recorder)
        else:
            self.recorder = _SharedRecorder(self.registry)

    def exposition(self) -> bytes:
        """The text a scrape gets: this process's metrics, or every worker's."""
        directory = _multiprocess_dir()
        if directory is None:
            return bytes(generate_latest(self.registry))
        if isinstance(self.recorder, _SharedRecorder):  # this worker's latest, in the files
            self.recorder.flush()
        reap_dead_workers(directory)
        for _ in range(_READ_ATTEMPTS):
            registry = CollectorRegistry()
            registry.register(_WrittenFiles(directory))
            try:
                return bytes(generate_latest(registry))
            except (FileNotFoundError, struct.error):  # a file reaped, or cut short, as we read
                continue
        raise HTTPServiceUnavailable(
            detail="The workers' metrics files kept changing while read: try again.",
            headers={"Retry-After": "1"},
        )

    def stop(self) -> None:
        """At shutdown: drop this worker's live gauges, as it serves no more requests."""
        if isinstance(self.recorder, _SharedRecorder):  # what it counted, before it goes
            self.recorder.flush()
        directory = _multiprocess_dir()
        if directory is not None:
            _multiprocess.mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]

    def view(self, req: Request, resp: Response) -> None:
        """``GET /metrics``: the Prometheus text format (sync: a scrape reads files)."""
        resp.content = self.exposition()
        resp.headers["Content-Type"] = CONTENT_TYPE_LATEST
        resp.headers["Cache-Control"] = "no-store"


class _SharedRecorder:
    """The request metrics as prometheus-client's own, for several worker processes.

    Each value lives in a file shared with the other workers, and every
    change is a write to it (under a lock): per request, two for the
    in-flight gauge, one for the counter and two for the histogram. Under
    load most of them are gathered per turn of the event loop (see
    :mod:`responder._turn_batch`):

    - the counter and the histogram are brought up to date at the end of the
      turn, one increment per label set and the durations observed in a row;
    - a request that ends leaves its gauge decrement owed until then, and a
      request that starts in the same turn takes over its place instead of
      incrementing: the gauge is written about once per turn, not twice per
      request, and a request in flight is in the files from its start.

    This worker's scrape brings everything up to date before it reads the
    files; another worker's may be one loop turn behind (in flight counts a
    request that has just ended). Over HTTP, under ``wrk -c50``, that took
    a worker's metrics from about +30 to +12-19 µs of server CPU per request
    (``bench/README.md``, "Metrics under several workers").
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(*REQUESTS, LABELS, registry=registry)
        self.duration = Histogram(*DURATION, LABELS, registry=registry)
        self.in_progress = Gauge(
            *IN_PROGRESS, ("method",), registry=registry, multiprocess_mode="livesum"
        )
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._gauges: dict[str, Any] = {}
        #: Per gauge, the decrements of requests that ended in this turn.
        self._owed: dict[Any, int] = {}
        self._owing = threading.Lock()  # a scrape flushes from the thread pool
        self._answered: TurnBatch[tuple[str, str, int, float]] = TurnBatch(self._record)

    def started(self, method: str) -> Any:
        """Count a request in progress; returns what :meth:`finished` takes."""
        gauge = self._gauges.get(method)
        if gauge is None:
            gauge = self._gauges[method] = self.in_progress.labels(method_label(method))
        with self._owing:
            owed = self._owed.get(gauge, 0)
            if owed:  # one that ended this turn is still counted: this one takes its place
                self._owed[gauge] = owed - 1
                return gauge
        gauge.inc()
        return gauge

    def finished(self, gauge: Any, method: str, route: str, status: int, seconds: float) -> None:
        """Record one answered request (written at the end of the loop's turn)."""
        with self._owing:
            self._owed[gauge] = self._owed.get(gauge, 0) + 1
        self._answered.add((method, route, status, seconds))

    def flush(self) -> None:
        """Write what this turn's requests left owed (before a scrape, at shutdown)."""
        self._answered.flush()

    def _record(self, answered: list[tuple[str, str, int, float]]) -> None:
        """Write what answered requests left: owed decrements, counts, durations."""
        with self._owing:
            owed, self._owed = self._owed, {}
        for gauge, count in owed.items():
            if count:
                gauge.dec(count)
        counts: dict[Any, int] = {}
        for method, route, status, seconds in answered:
            key = (method, route, status)
            children = self._children.get(key)
            if children is None:
                values = (method_label(method), route, str(status))
                children = (self.requests.labels(*values), self.duration.labels(*values))
                self._children[key] = children
            counts[children[0]] = counts.get(children[0], 0) + 1
            children[1].observe(seconds)
        for counter, count in counts.items():
            counter.inc(count)


class _WrittenFiles:
    """A collector of every worker's metrics files that a worker has begun to write.

    A new worker creates each file empty and sizes it a moment later;
    prometheus-client's own collector fails on a file read in between (its
    header is missing), which made a scrape during a worker's start a 500.
    An empty file holds no values yet, so it is skipped.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def collect(self) -> Any:
        """The merged metrics of the files that have their header."""
        files = [str(path) for path in Path(self.directory).glob("*.db") if _has_header(path)]
        return _multiprocess.MultiProcessCollector.merge(files, accumulate=True)  # type: ignore[no-untyped-call]


def _has_header(path: Path) -> bool:
    try:
        return path.stat().st_size >= _HEADER_SIZE
    except FileNotFoundError:  # reaped since the glob
        return False


def reap_dead_workers(directory: str) -> list[int]:
    """Drop the live gauges of processes that are gone; returns their ids.

    A worker killed with a request in flight never decrements its gauge; its
    file would keep it counted forever. Counters and histograms of dead
    workers stay: what they counted did happen.
    """
    dead: list[int] = []
    for path in Path(directory).glob("gauge_live*.db"):
        found = _LIVE_FILE.fullmatch(path.name)
        if found is None:
            continue
        pid = int(found.group(1))
        if pid not in dead and not _alive(pid):
            dead.append(pid)
    for pid in dead:
        # Two workers scraping at once may both reap the same dead one: its file
        # can go between prometheus-client's glob and its remove.
        with contextlib.suppress(FileNotFoundError):
            _multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
    return dead


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs; a zombie (killed, not yet reaped by its parent) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (not Linux): trust the signal
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]
