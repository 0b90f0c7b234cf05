"""Background tasks: started from any kind of view, awaitable, drained at shutdown."""

import asyncio
import concurrent.futures
import logging
import threading
import time

import pytest

import responder
from responder.background import BackgroundQueueFull


def test_background_sync_task_runs_in_a_thread_after_the_response():
    api = responder.API()
    done = threading.Event()
    seen = {}

    @api.background.task
    def work(value):
        seen["thread"] = threading.current_thread().name
        seen["value"] = value
        done.set()

    @api.route("/incoming")
    async def incoming(req, resp):
        work(42)
        resp.media = {"status": "accepted"}

    assert api.requests.get("/incoming").json() == {"status": "accepted"}
    assert done.wait(5)
    assert seen == {"thread": seen["thread"], "value": 42}
    assert seen["thread"].startswith("responder")


def test_background_coroutines_run_on_the_loop_and_finish_at_shutdown():
    api = responder.API()
    finished = []

    @api.background.task
    async def slow(n):
        await asyncio.sleep(0.2)
        finished.append(n)

    @api.route("/go")
    async def go(req, resp):
        slow(1)
        resp.text = "started"

    with api.requests as client:
        assert client.get("/go").text == "started"
        assert finished == []
    # Leaving the block runs shutdown, which waits for pending tasks.
    assert finished == [1]


def test_background_sync_tasks_also_finish_at_shutdown():
    api = responder.API()
    finished = []

    @api.background.task
    def slow():
        time.sleep(0.2)
        finished.append(True)

    api.add_route("/go", lambda req, resp: slow())
    with api.requests as client:
        client.get("/go")
    assert finished == [True]


def test_background_failures_are_logged(caplog):
    api = responder.API()
    done = threading.Event()

    @api.background.task
    def broken():
        done.set()
        raise RuntimeError("background boom")

    api.add_route("/go", lambda req, resp: broken())
    with caplog.at_level(logging.ERROR, logger="responder"), api.requests as client:
        client.get("/go")
        assert done.wait(5)
    assert any("Background task failed" in r.message for r in caplog.records)
    assert any("background boom" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_async_task_called_from_a_sync_view_runs_on_the_servers_loop():
    api = responder.API()
    loops = {}

    @api.on_event("startup")
    async def remember_loop():
        loops["server"] = asyncio.get_running_loop()

    @api.background.task
    async def notify(name):
        await asyncio.sleep(0)
        loops[name] = asyncio.get_running_loop()

    @api.route("/sync")
    def sync_view(req, resp):  # runs in a worker thread, where no loop is running
        notify("task")
        resp.text = "queued"

    with api.requests as client:
        r = client.get("/sync")
        assert (r.status_code, r.text) == (200, "queued")
    assert loops["task"] is loops["server"]


def test_async_task_called_from_a_sync_view_runs_without_a_lifespan_too():
    api = responder.API()
    done = threading.Event()

    @api.background.task
    async def notify():
        await asyncio.sleep(0)
        done.set()

    @api.route("/sync")
    def sync_view(req, resp):
        notify()
        resp.text = "queued"

    assert api.requests.get("/sync").text == "queued"
    assert done.wait(5)


def test_awaiting_the_queue_waits_for_the_result():
    api = responder.API()

    def add(a, b):
        return a + b

    async def multiply(a, b):
        await asyncio.sleep(0)
        return a * b

    @api.route("/math")
    async def math(req, resp):
        resp.media = {
            "sum": await api.background(add, 2, 3),
            "product": await api.background(multiply, 4, b=5),
        }

    assert api.requests.get("/math").json() == {"sum": 5, "product": 20}


def test_awaiting_a_decorated_task_gives_its_result_or_its_exception():
    api = responder.API()

    @api.background.task
    def double(n):
        if n < 0:
            raise ValueError("negative")
        return 2 * n

    @api.route("/double")
    async def view(req, resp):
        try:
            resp.media = {"double": await double(int(req.params["n"]))}
        except ValueError as exc:
            resp.status_code = 400
            resp.media = {"error": str(exc)}

    assert api.requests.get("/double?n=21").json() == {"double": 42}
    r = api.requests.get("/double?n=-1")
    assert (r.status_code, r.json()) == (400, {"error": "negative"})


def test_from_a_sync_view_the_queue_returns_a_future_to_wait_on():
    api = responder.API()

    async def shout(word):
        await asyncio.sleep(0)
        return word.upper()

    @api.route("/shout/{word}")
    def view(req, resp, *, word):
        job = api.background(shout, word)
        assert isinstance(job, concurrent.futures.Future)
        resp.text = job.result(timeout=10) + " " + api.background(str.lower, word).result(10)

    with api.requests as client:
        assert client.get("/shout/Hey").text == "HEY hey"


def _blocking_api(**options):
    """An API whose /start/{n} starts n sync jobs that wait for /release."""
    api = responder.API(**options)
    gate = threading.Event()
    running = []
    lock = threading.Lock()

    def wait_for_gate():
        with lock:
            running.append(1)
            api.state_peak = max(getattr(api, "state_peak", 0), len(running))
        gate.wait(30)
        with lock:
            running.pop()

    @api.route("/start/{n:int}")
    def start(req, resp, *, n):
        jobs = [api.background(wait_for_gate) for _ in range(n)]
        resp.media = {"started": len(jobs)}

    @api.route("/sync")
    def sync_view(req, resp):
        resp.text = threading.current_thread().name

    api.gate = gate
    return api


def _get_with_deadline(client, path, seconds=10):
    """GET in a thread, so a request stuck behind busy threads fails the test, not hangs it."""
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("r", client.get(path)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert "r" in box, f"GET {path} got no answer in {seconds}s"
    return box["r"]


def test_busy_background_threads_do_not_hold_up_sync_views():
    # 60 blocked jobs: more than every thread the sync views have (40).
    api = _blocking_api(background_threads=2, background_queue_size=100)
    client = api.requests
    try:
        assert client.get("/start/60").json() == {"started": 60}
        r = _get_with_deadline(client, "/sync")
        assert r.status_code == 200 and not r.text.startswith("responder-background")
    finally:
        api.gate.set()


def test_background_threads_bounds_how_many_sync_jobs_run_at_once():
    api = _blocking_api(background_threads=3, background_queue_size=50)
    with api.requests as client:
        client.get("/start/20")
        deadline = time.monotonic() + 10
        while getattr(api, "state_peak", 0) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        api.gate.set()
    # Drained at shutdown: all 20 ran, never more than 3 at a time.
    assert api.state_peak == 3


def test_a_full_queue_refuses_new_jobs_with_503_until_one_finishes():
    api = _blocking_api(background_threads=1, background_queue_size=3)
    client = api.requests
    try:
        assert client.get("/start/3").json() == {"started": 3}  # just at the limit: accepted
        r = client.get("/start/1")  # one past it
        assert r.status_code == 503
        assert r.headers["retry-after"] == "1"
        assert r.headers["content-type"] == "application/problem+json"
        assert "3 background jobs pending" in r.json()["detail"]
    finally:
        api.gate.set()
    deadline = time.monotonic() + 10
    while api.background.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert client.get("/start/3").json() == {"started": 3}  # room again
    api.gate.set()


def test_a_view_can_catch_a_full_queue_and_do_the_work_itself():
    api = responder.API(background_queue_size=1)
    gate = threading.Event()

    @api.route("/report")
    async def report(req, resp):
        try:
            api.background(gate.wait, 10)
            resp.text = "queued"
        except BackgroundQueueFull:
            resp.text = "done inline"

    try:
        assert api.requests.get("/report").text == "queued"
        assert api.requests.get("/report").text == "done inline"
    finally:
        gate.set()


def test_coroutine_jobs_count_against_the_queue_too():
    api = responder.API(background_queue_size=2)

    @api.route("/go")
    async def go(req, resp):
        never = asyncio.Event()
        jobs = [api.background(never.wait) for _ in range(2)]
        try:
            api.background(never.wait)
        except BackgroundQueueFull:
            resp.text = "full"
        for job in jobs:
            job.cancel()

    assert api.requests.get("/go").text == "full"


def test_a_job_that_fails_to_start_gives_its_place_back():
    api = responder.API(background_queue_size=1)

    async def needs_an_argument(x):
        return x

    @api.route("/go")
    async def go(req, resp):
        with pytest.raises(TypeError):
            api.background(needs_an_argument)  # the call itself fails
        resp.media = {"value": await api.background(needs_an_argument, 7)}

    assert api.requests.get("/go").json() == {"value": 7}


def test_the_queue_runs_again_after_a_shutdown_drained_it():
    api = responder.API()
    api.add_route(
        "/add",
        lambda req, resp: setattr(resp, "text", str(api.background(sum, [1, 2]).result(10))),
    )
    with api.requests as client:
        assert client.get("/add").text == "3"
    with api.requests as client:
        assert client.get("/add").text == "3"


@pytest.mark.parametrize(
    "options",
    [
        {"background_threads": 0},
        {"background_threads": "8"},
        {"background_queue_size": 0},
        {"background_queue_size": True},
    ],
)
def test_bad_background_sizes_fail_when_the_api_is_made(options):
    with pytest.raises(ValueError, match="must be a positive integer"):
        responder.API(**options)
