"""``Job``: the handle a queued task's call returns; awaiting it waits until Redis has the job."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Generator
from typing import Any

from taskiq.exceptions import TaskiqResultTimeoutError
from taskiq.task import AsyncTaskiqTask

from ..task_options import TaskOptions

#: Opens a broker on the running loop (``Queue.connected``); a value, not an import of the queue.
Connect = Callable[[], contextlib.AbstractAsyncContextManager[Any]]
__all__ = ["Job", "JobFailed"]

#: Seconds between two looks for a result.
_RESULT_POLL = 0.1


class JobFailed(Exception):
    """The job failed on its last attempt; ``error`` is the worker's exception, rebuilt."""

    def __init__(self, job: Job, error: BaseException | None) -> None:
        super().__init__(f"Job {job.id} ({job.task}) failed: {error!r}")
        self.job, self.error = job, error


class Job:
    """One call of a queued task: its ``id``, its task's name, and its result when kept.

    In async code, ``await task(...)`` (or ``await job``) returns once Redis has
    the job, and raises :class:`~responder.tasks.QueueUnavailable` if it could
    not be sent; without ``await`` the send finishes on its own (a failure is
    logged). In a sync view the call has already sent it.
    """

    def __init__(self, job_id: str, task: str, options: TaskOptions, connect: Connect) -> None:
        self.id, self.task, self.options = job_id, task, options
        self._connect = connect
        self._sent: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.task}>"

    def __await__(self) -> Generator[Any, None, Job]:
        if self._sent is not None:
            yield from self._sent.__await__()
        return self

    async def result(self, timeout: float | None = None) -> Any:
        """Wait for the job's return value (``result=True`` tasks only).

        Args:
            timeout: seconds to wait; None waits as long as it takes.

        Raises:
            ValueError: the task keeps no result.
            TimeoutError: no result within ``timeout`` seconds.
            JobFailed: the job failed (after its retries).
        """
        if not self.options.result:
            raise ValueError(
                f"Task {self.task!r} keeps no result; decorate it with result=True to wait."
            )
        if timeout is not None and timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}.")
        await self
        async with self._connect() as broker:
            handle: AsyncTaskiqTask[Any] = AsyncTaskiqTask(self.id, broker.result_backend)
            try:
                outcome = await handle.wait_result(
                    _RESULT_POLL, -1 if timeout is None else timeout
                )
            except TaskiqResultTimeoutError:
                raise TimeoutError(
                    f"Job {self.id} ({self.task}): no result after {timeout} s."
                ) from None
        if outcome.is_err:
            raise JobFailed(self, outcome.error)
        return outcome.return_value
