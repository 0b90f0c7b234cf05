"""The request metrics of one process, kept as plain numbers and shown at scrape time.

prometheus-client's ``Counter.inc`` and ``Histogram.observe`` are made for any
number of threads and processes: per request, the three request metrics took
five locks and a few dozen lines of Python (about 6 µs in-process, twice that
between real requests). In one process, the observing layer can keep the
same numbers itself: one lock, a bucket found by bisection and three
additions. :class:`Tally` is the collector that turns them into the very
families prometheus-client would show (``_total``, ``_bucket``, ``_count``,
``_sum`` and ``_created`` samples, the same names, labels and bucket bounds),
registered in the API's own registry.

Several worker processes cannot share these numbers:
:class:`responder.metrics.Metrics` keeps prometheus-client's own metrics
there, whose values live in the multiprocess directory's files.
"""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from prometheus_client import Histogram, metrics
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString

__all__ = ["LABELS", "METHODS", "Tally"]

#: The labels of the request counter and the duration histogram.
LABELS = ("method", "route", "status")
#: Methods counted under their own name; any other is ``other``.
METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}
)
REQUESTS = ("responder_requests", "HTTP requests answered.")
DURATION = (
    "responder_request_duration_seconds",
    "Seconds from a request's arrival to its last body byte.",
)
IN_PROGRESS = ("responder_requests_in_progress", "HTTP requests being answered.")
#: prometheus-client's default bounds, ``+Inf`` last; ``le`` labels as it writes them.
_BOUNDS: tuple[float, ...] = tuple(Histogram.DEFAULT_BUCKETS)
_LE = tuple(floatToGoString(bound) for bound in _BOUNDS)  # type: ignore[no-untyped-call]


def method_label(method: str) -> str:
    """The ``method`` label: the method itself if standard, else ``other``."""
    return method if method in METHODS else "other"


class _Series:
    """One (method, route, status): a count per bucket, their sum, and when it began."""

    __slots__ = ("buckets", "created", "labels", "total")

    def __init__(self, labels: tuple[str, str, str]) -> None:
        self.labels = labels
        self.buckets = [0] * len(_BOUNDS)
        self.total = 0.0
        self.created = time.time()


class Tally:
    """The request counter, duration histogram and in-progress gauge of one process.

    :meth:`started` and :meth:`finished` are what the observing layer calls
    per request; :meth:`collect` is what a scrape reads. One lock keeps the
    numbers exact when several event loops (test clients in threads) serve
    the same API.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[tuple[str, str, int], _Series] = {}
        self._live: dict[str, int] = {}

    def started(self, method: str) -> str:
        """Count a request in progress; returns its ``method`` label, for :meth:`finished`."""
        label = method_label(method)
        with self._lock:
            self._live[label] = self._live.get(label, 0) + 1
        return label

    def finished(self, gauge: str, method: str, route: str, status: int, seconds: float) -> None:
        """Record one answered request (``gauge`` is what :meth:`started` returned).

        Series are kept by method *label*: two methods outside the standard
        ones are one ``other`` series.
        """
        key = (gauge, route, status)
        index = bisect_left(_BOUNDS, seconds)
        with self._lock:
            self._live[gauge] -= 1
            series = self._series.get(key)
            if series is None:
                series = self._series[key] = _Series((gauge, route, str(status)))
            series.buckets[index] += 1
            series.total += seconds

    def collect(self) -> Iterator[Metric]:
        """The three families, as prometheus-client's own metrics would show them."""
        with self._lock:
            rows = [(s.labels, list(s.buckets), s.total, s.created) for s in self._series.values()]
            live = sorted(self._live.items())
        created = _created_samples_on()
        requests, duration, gauge = _families()
        for labels, buckets, total, began in rows:
            requests.add_metric(labels, float(sum(buckets)), created=began if created else None)
            duration.add_metric(labels, _cumulative(buckets), total)
            if created:
                named = dict(zip(LABELS, labels, strict=True))
                duration.samples.append(Sample(DURATION[0] + "_created", named, began, None))
        for label, count in live:
            gauge.add_metric((label,), count)
        yield from (requests, duration, gauge)

    def describe(self) -> Iterator[Metric]:
        """The families' names, for the registry's check against duplicates."""
        yield from _families()


def _families() -> tuple[CounterMetricFamily, HistogramMetricFamily, GaugeMetricFamily]:
    """The three families, empty: the request counter, the duration histogram, the gauge."""
    return (
        CounterMetricFamily(*REQUESTS, labels=LABELS),
        HistogramMetricFamily(*DURATION, labels=LABELS),
        GaugeMetricFamily(*IN_PROGRESS, labels=("method",)),
    )


def _cumulative(buckets: list[int]) -> list[tuple[str, float]]:
    """Per-bucket counts as the cumulative ``(le, count)`` pairs of the text format."""
    pairs: list[tuple[str, float]] = []
    running = 0
    for le, count in zip(_LE, buckets, strict=True):
        running += count
        pairs.append((le, float(running)))
    return pairs


def _created_samples_on() -> bool:
    """Whether ``_created`` samples are shown, as prometheus-client decides for its own metrics.

    Off with ``PROMETHEUS_DISABLE_CREATED_SERIES=true`` or after
    ``prometheus_client.disable_created_metrics()``.
    """
    flag: Any = getattr(metrics, "_use_created", None)
    if isinstance(flag, bool):
        return flag
    setting = os.environ.get("PROMETHEUS_DISABLE_CREATED_SERIES", "False").lower()
    return setting not in ("true", "1", "t")
