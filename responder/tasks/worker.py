"""``responder worker``: run an API's queued jobs in this process until SIGTERM.

The worker enters the API's lifespan (its ``lifespan=`` context and startup
handlers), so jobs use what the app opens for its views; then taskiq's
``Receiver`` runs up to ``concurrency`` jobs at once (async ones on the loop,
sync ones in a pool of as many threads).

Shutdown (SIGTERM or Ctrl-C): stop taking jobs, give the running ones
``grace`` seconds to finish, then leave the rest unacknowledged, so that
another worker runs them after the queue's ``redeliver_after``. A second
signal stops at once, leaving them the same way.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from taskiq.acks import AcknowledgeType
from taskiq.receiver import Receiver

from .queue import Queue

__all__ = ["DEFAULT_GRACE", "run"]

logger = logging.getLogger("responder.worker")

#: Seconds running jobs have to finish after SIGTERM.
DEFAULT_GRACE = 30.0


def run(api: Any, queue: Queue, *, concurrency: int, grace: float = DEFAULT_GRACE) -> None:
    """Run ``queue``'s jobs with ``api``'s lifespan until a stop signal (blocks)."""
    asyncio.run(_work(api, queue, concurrency, grace))


async def _work(api: Any, queue: Queue, concurrency: int, grace: float) -> None:
    loop = asyncio.get_running_loop()
    finish = asyncio.Event()
    queue.broker.is_worker_process = True  # before startup: the broker then keeps its jobs alive
    queue.broker.count = concurrency  # read no more than it runs, so others take the rest
    async with api.lifespan.running({}):
        with ThreadPoolExecutor(concurrency, thread_name_prefix="responder-worker") as pool:
            receiver = _Receiver(
                queue.broker,
                executor=pool,
                max_async_tasks=concurrency,
                run_startup=False,  # the lifespan started the broker
                # Acknowledged once the result is stored: a crash before then means a re-run.
                ack_type=AcknowledgeType.WHEN_SAVED,
                wait_tasks_timeout=grace,
            )
            listening = asyncio.ensure_future(receiver.listen(finish))

            def stop(signum: int) -> None:
                if finish.is_set():
                    logger.warning("Second stop signal: leaving the running jobs to other workers")
                    listening.cancel()
                    return
                logger.info("Stopping: no new jobs; %.0f s for the running ones", grace)
                finish.set()

            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop, signum)
            logger.info("Worker ready: %s, up to %d jobs at once", queue.name, concurrency)
            try:
                await listening
            except asyncio.CancelledError:
                pass
            finally:
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(signum)
                # What is still running is left unacknowledged, for another worker.
                await queue.broker.abandon()
                await receiver.cancel_running()
    logger.info("Worker stopped")


class _Receiver(Receiver):
    """taskiq's receiver, keeping its running jobs so that shutdown can cancel those left."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.running: set[asyncio.Task[Any]] = set()

    async def callback(self, message: Any, raise_err: bool = False) -> None:
        """Run one delivery, known as running meanwhile."""
        task = asyncio.current_task()
        assert task is not None  # always called in a task
        self.running.add(task)
        try:
            await super().callback(message, raise_err)
        finally:
            self.running.discard(task)

    async def cancel_running(self) -> None:
        """Cancel the jobs that outlived the grace period (abandoned: never acknowledged)."""
        jobs = list(self.running)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
