"""Jobs on a real Redis, run by real ``responder worker`` processes: once, retried, re-run."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from responder.tasks import JobFailed


def test_jobs_enqueued_from_async_and_sync_views_run_once_on_the_worker(api, jobs, start_worker):
    worker = start_worker()
    with api.requests as client:
        first = client.get("/note/from-async")
        second = client.get("/sync-note/from-sync")
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] != second.json()["id"]
    assert jobs.wait_for("note", "from-async") == [worker.pid]
    assert jobs.wait_for("note", "from-sync") == [worker.pid]
    assert os.getpid() != worker.pid


def test_a_sync_tasks_result_reaches_the_view_that_waits_for_it(api, jobs, start_worker):
    worker = start_worker()
    with api.requests as client:
        assert client.get("/multiply/6/7").json() == {"product": 42}
    assert jobs.runs("multiply", "6x7") == [worker.pid]


def test_a_failing_job_is_retried_with_backoff_until_it_succeeds(api, jobs, start_worker):
    worker = start_worker()

    async def main():
        job = await api.jobs["flaky"]("k")
        return await job.result(timeout=30)

    assert asyncio.run(main()) == "third time lucky"
    assert jobs.runs("flaky", "k") == [worker.pid] * 3
    # backoff=0.3: doubled before the second retry (taskiq's retry middleware logs the wait)
    assert "Retrying 1/3 in 0.30 seconds" in worker.log()
    assert "Retrying 2/3 in 0.60 seconds" in worker.log()


def test_a_job_failing_past_its_retries_reports_the_workers_error(api, jobs, start_worker):
    worker = start_worker()

    async def main():
        return await (await api.jobs["doomed"]("d")).result(timeout=30)

    with pytest.raises(JobFailed, match="never works") as failed:
        asyncio.run(main())
    assert isinstance(failed.value.error, ValueError)
    assert jobs.runs("doomed", "d") == [worker.pid, worker.pid]  # the first try and one retry


def test_a_job_running_past_its_timeout_fails_with_timeout_error(api, jobs, start_worker):
    start_worker()

    async def main():
        return await (await api.jobs["sleepy"]("s", 30)).result(timeout=30)

    with pytest.raises(JobFailed) as failed:
        asyncio.run(main())
    assert isinstance(failed.value.error, TimeoutError)
    assert len(jobs.runs("sleepy", "s")) == 1


def test_waiting_longer_than_timeout_for_a_result_raises_timeout_error(api, jobs):
    async def main():  # no worker: the job stays queued
        return await (await api.jobs["slow"]("nobody", 0)).result(timeout=0.3)

    with pytest.raises(TimeoutError, match=r"no result after 0\.3 s"):
        asyncio.run(main())


def test_a_job_whose_worker_is_killed_mid_run_runs_again_on_another(api, jobs, start_worker):
    workers = {w.pid: w for w in (start_worker(), start_worker())}
    job = api.jobs["slow"]("k", 2)  # sent from this (sync) thread before the call returns
    [first] = jobs.wait_for("start", "k")
    workers[first].signal(signal.SIGKILL)
    workers[first].wait()
    [other] = set(workers) - {first}
    assert jobs.wait_for("start", "k", count=2) == [first, other]
    assert jobs.wait_for("end", "k") == [other]
    assert asyncio.run(job.result(timeout=30)) == other


def test_sigterm_lets_the_running_job_finish_then_the_worker_exits(api, jobs, start_worker):
    worker = start_worker("--grace", "30")
    job = api.jobs["slow"]("t", 1)
    jobs.wait_for("start", "t")
    worker.signal(signal.SIGTERM)
    assert worker.wait() == 0
    assert jobs.runs("end", "t") == [worker.pid]
    assert asyncio.run(job.result(timeout=5)) == worker.pid
    assert "Worker stopped" in worker.log()


def test_sigterm_past_the_grace_period_leaves_the_job_to_another_worker(api, jobs, start_worker):
    leaving = start_worker("--grace", "0.2")
    job = api.jobs["slow"]("g", 3)
    jobs.wait_for("start", "g")
    leaving.signal(signal.SIGTERM)
    assert leaving.wait() == 0
    staying = start_worker()
    assert jobs.wait_for("end", "g") == [staying.pid]
    assert jobs.runs("start", "g") == [leaving.pid, staying.pid]
    assert asyncio.run(job.result(timeout=30)) == staying.pid


def test_a_job_running_longer_than_redeliver_after_is_not_run_twice(api, jobs, start_worker):
    start_worker()
    start_worker()
    job = api.jobs["slow"]("long", 4)  # the queue's redeliver_after is 1.5 s
    [runner] = jobs.wait_for("end", "long", timeout=30)
    assert jobs.runs("start", "long") == [runner]
    assert asyncio.run(job.result(timeout=5)) == runner
