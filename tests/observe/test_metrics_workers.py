"""Metrics under several workers: what each worker writes to the shared files, and when.

Each test runs in a fresh interpreter with ``PROMETHEUS_MULTIPROC_DIR`` set
before prometheus-client loads (it chooses file-backed values at import), and
reads the files as another worker's scrape would: without this worker's flush.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("prometheus_client")

_PRELUDE = """
import asyncio, json, os
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from responder.metrics import Metrics

def _sum(text, name):
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    )

def files():
    '''(in flight, requests, durations) as another worker's scrape reads the files.'''
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=os.environ["PROMETHEUS_MULTIPROC_DIR"])
    text = generate_latest(registry).decode()
    return [
        _sum(text, name)
        for name in (
            "responder_requests_in_progress",
            "responder_requests_total",
            "responder_request_duration_seconds_count",
        )
    ]

metrics = Metrics()
recorder = metrics.recorder
"""


def _run(tmp_path, body: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + body],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
        check=True,
    )
    return json.loads(done.stdout)


def test_requests_in_flight_are_in_the_files_at_once_and_counts_at_the_turns_end(tmp_path):
    seen = _run(
        tmp_path,
        """
async def serve():
    seen = []
    first = recorder.started("GET")
    seen.append(files())  # in flight from its start
    recorder.finished(first, "GET", "/a", 200, 0.01)
    seen.append(files())  # ended: still counted in flight until the turn ends
    second = recorder.started("GET")
    seen.append(files())  # takes the place of the one that ended
    await asyncio.sleep(0)  # the turn ends
    seen.append(files())
    recorder.finished(second, "GET", "/a", 200, 0.02)
    await asyncio.sleep(0)
    seen.append(files())
    return seen

print(json.dumps(asyncio.run(serve())))
""",
    )
    assert seen == [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 1, 1], [0, 2, 2]]


def test_this_workers_scrape_writes_what_its_turn_left_first(tmp_path):
    found = _run(
        tmp_path,
        """
async def serve():
    for n in range(3):
        recorder.finished(recorder.started("GET"), "GET", "/a", 200, 0.01)
    scrape = recorder.started("GET")
    return metrics.exposition().decode(), files()

text, read = asyncio.run(serve())
print(json.dumps([_sum(text, "responder_requests_total"),
                  _sum(text, "responder_requests_in_progress"), read]))
""",
    )
    # the scrape: three answered and itself in flight; the files: the same, now written
    assert found == [3, 1, [1, 3, 3]]


def test_what_a_worker_counted_is_written_when_it_stops(tmp_path):
    read = _run(
        tmp_path,
        """
async def serve():
    recorder.finished(recorder.started("GET"), "GET", "/a", 200, 0.01)
    before = files()
    metrics.stop()  # at shutdown, before the turn ends
    return before, files()

print(json.dumps(asyncio.run(serve())))
""",
    )
    assert read == [[1, 0, 0], [0, 1, 1]]
