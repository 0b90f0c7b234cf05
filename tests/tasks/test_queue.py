"""The queue where no Redis is needed: bad arguments, Redis down, settings, the CLI's refusals."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

import responder
from responder.cli import main
from responder.task_options import TaskOptions
from responder.tasks import Job, Queue

from ..e2e.server import ROOT, free_port


def unreachable() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


def test_arguments_that_cannot_be_sent_fail_at_the_call_with_a_clear_error():
    api = responder.API(tasks=Queue(unreachable()))

    @api.background.task
    async def resize(image):
        pass

    with pytest.raises(
        TypeError, match=r"arguments of task '.*resize' cannot be sent to a worker"
    ):
        resize(object())
    with pytest.raises(TypeError, match="Pass JSON values"):
        resize(image=lambda: None)


def test_a_view_gets_503_with_retry_after_when_redis_does_not_take_the_job():
    api = responder.API(tasks=Queue(unreachable()))

    @api.background.task
    async def note(text):
        pass

    @api.route("/")
    async def view(req, resp):
        await note("hello")
        resp.media = {"queued": True}

    with api.requests as client:  # the app starts while Redis is down
        response = client.get("/")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "was not queued" in response.json()["detail"]


def test_a_sync_view_gets_503_too_when_redis_is_down():
    api = responder.API(tasks=Queue(unreachable()))

    @api.background.task
    async def note(text):
        pass

    @api.route("/")
    def view(req, resp):
        note("hello")

    with api.requests as client:
        assert client.get("/").status_code == 503


def test_waiting_for_the_result_of_a_task_that_keeps_none_is_refused():
    job = Job("1", "chore", TaskOptions(), connect=None)  # refused before any connection

    with pytest.raises(ValueError, match="keeps no result; decorate it with result=True"):
        asyncio.run(job.result())


def test_two_tasks_with_one_name_are_refused():
    api = responder.API(tasks=Queue(unreachable()))

    @api.background.task(name="mail")
    def first():
        pass

    with pytest.raises(ValueError, match="Two tasks are named 'mail'"):

        @api.background.task(name="mail")
        def second():
            pass


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("http://localhost",), {}, "redis://, rediss:// or unix:// URL"),
        (("redis://x",), {"redeliver_after": 0}, "redeliver_after must be a positive"),
        (("redis://x",), {"poll": -1}, "poll must be a positive"),
        (("redis://x",), {"result_ttl": 0}, "result_ttl must be a positive whole number"),
    ],
)
def test_bad_queue_settings_are_refused(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Queue(*args, **kwargs)


def test_importing_responder_imports_no_task_library():
    code = (
        "import sys, responder; print([m for m in ('taskiq', 'taskiq_redis') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_worker_refuses_an_app_without_a_queue(capsys):
    app = Path(ROOT, "tests", "cli", "apps", "hello_app.py")
    assert main(["worker", str(app)]) == 1
    assert "has no job queue; create it with API(tasks=responder.tasks.Queue(url))" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("option", [["--concurrency", "0"], ["--grace", "-1"]])
def test_worker_refuses_bad_numbers(option, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["worker", "app:api", *option])
    assert exited.value.code == 2
    assert "not a" in capsys.readouterr().err


def test_a_queued_task_keeps_its_name_and_leaves_its_module_alone():
    api = responder.API(tasks=Queue(unreachable()))

    def report(day):
        """Builds the day's report."""

    module = sys.modules[__name__]
    task = api.background.task(report)
    assert (task.__name__, task.__doc__) == ("report", "Builds the day's report.")
    assert report.__qualname__.endswith("<locals>.report")
    assert not [name for name in vars(module) if name.endswith("__taskiq_original")]
