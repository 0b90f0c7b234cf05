"""Background tasks: started from any kind of view, awaitable, drained at shutdown."""

import asyncio
import concurrent.futures
import logging
import threading
import time

import responder


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
