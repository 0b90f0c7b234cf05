"""The worker threads that run sync views and steps: the executor's contract, at less cost."""

from __future__ import annotations

import asyncio
import contextvars
import multiprocessing
import threading

import pytest

from responder._concurrency import Workers, run_sync

WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


@pytest.fixture
def workers():
    pool = Workers(max_threads=2)
    yield pool
    pool.stop()


def test_the_result_and_the_exception_reach_the_caller(workers):
    async def main():
        assert await workers.run(sum, [1, 2, 3]) == 6
        with pytest.raises(KeyError, match="missing"):
            await workers.run({}.__getitem__, "missing")

    asyncio.run(main())


def test_the_call_sees_the_callers_context_and_cannot_change_it(workers):
    def read_and_write():
        seen = WHO.get()
        WHO.set("the thread")
        return seen, threading.current_thread() is not threading.main_thread()

    async def main():
        WHO.set("the request")
        assert await workers.run(read_and_write) == ("the request", True)
        assert WHO.get() == "the request"

    asyncio.run(main())


def test_calls_one_after_another_reuse_one_thread(workers):
    def name():
        return threading.current_thread().name

    async def main():
        return {await workers.run(name) for _ in range(10)}

    assert len(asyncio.run(main())) == 1


def test_no_more_calls_run_at_once_than_threads_and_every_call_finishes(workers):
    lock, release = threading.Lock(), threading.Event()
    running = [0, 0]  # now, most

    def blocking(n):
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        assert release.wait(10)
        with lock:
            running[0] -= 1
        return n

    async def main():
        calls = [asyncio.ensure_future(workers.run(blocking, n)) for n in range(5)]
        while running[1] < 2:  # both threads busy (a deadline: the test's timeout)
            await asyncio.sleep(0.001)
        release.set()
        return await asyncio.gather(*calls)

    assert asyncio.run(main()) == [0, 1, 2, 3, 4]
    assert running[1] == 2


def test_a_cancelled_caller_leaves_the_call_to_finish_and_the_pool_working(workers):
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []
    threading_hook = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)  # type: ignore[assignment]

    def slow():
        started.set()
        assert release.wait(10)
        finished.set()
        return "late"

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _, context: errors.append(context["exception"]))
        call = asyncio.ensure_future(workers.run(slow))
        while not started.is_set():
            await asyncio.sleep(0.001)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        release.set()
        assert await workers.run(str.upper, "still works") == "STILL WORKS"

    try:
        asyncio.run(main())
        assert finished.wait(10)
    finally:
        threading.excepthook = threading_hook
    assert errors == []


def test_a_call_that_outlives_its_loop_is_dropped_quietly(workers):
    release, finished = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    threading_hook = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)  # type: ignore[assignment]

    def outlive():
        assert release.wait(10)
        finished.set()

    async def main():
        pending = asyncio.ensure_future(workers.run(outlive))
        await asyncio.sleep(0)  # the call is queued; the loop then ends, cancelling it
        return pending

    try:
        asyncio.run(main())
        release.set()
        assert finished.wait(10)
        assert asyncio.run(workers.run(len, "ok")) == 2  # the thread took the next call
    finally:
        threading.excepthook = threading_hook
    assert errors == []


def _in_child(queue):
    queue.put(asyncio.run(run_sync(str.upper, "forked")))


def test_a_forked_child_runs_sync_calls_on_threads_of_its_own():
    asyncio.run(run_sync(len, "start the parent's threads"))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_child, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=20) == "FORKED"
    finally:
        child.join(20)
    assert child.exitcode == 0


def test_a_stopped_pool_starts_threads_again_for_the_next_call(workers):
    assert asyncio.run(workers.run(len, "before")) == 6
    workers.stop()
    assert asyncio.run(asyncio.wait_for(workers.run(len, "after"), 10)) == 5


def test_many_calls_at_once_each_get_their_own_result(workers):
    # Outcomes finishing together are settled by one wake-up of the loop: none is lost or swapped.
    def slow_identity(value):
        threading.Event().wait(0.001)
        return value

    async def main():
        return await asyncio.gather(*(workers.run(slow_identity, i) for i in range(300)))

    assert asyncio.run(main()) == list(range(300))


def test_two_loops_in_two_threads_share_the_pool(workers):
    results = {}

    def drive(name):
        async def main():
            return await asyncio.gather(*(workers.run(lambda i=i: (name, i)) for i in range(100)))

        results[name] = asyncio.run(main())

    threads = [threading.Thread(target=drive, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {name: [(name, i) for i in range(100)] for name in ("a", "b")}
