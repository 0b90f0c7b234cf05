"""taskiq and taskiq-redis, adapted: the broker, the retry middleware and the result store.

Three gaps of the libraries (taskiq-redis 1.2) are closed here, each by a
small subclass rather than a queue of our own:

- ``RedisStreamBroker.listen`` reclaims other workers' unacknowledged jobs
  only after a read that returned new ones, so a killed worker's job waits for
  the next enqueue. :class:`StreamBroker` also reclaims after an empty read.
- A job that runs longer than the idle timeout would be reclaimed while still
  running. :class:`StreamBroker` refreshes the idle time of its running jobs
  (``XCLAIM ... JUSTID``) three times per timeout, so only a dead worker's
  jobs go idle.
- ``SmartRetryMiddleware`` hands its delay to the broker as a label that Redis
  streams ignore. :class:`Backoff` waits itself, on the worker's loop, before
  it enqueues the retry, and acknowledges the failed delivery only after that:
  a worker killed while waiting leaves the job to be reclaimed, not lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AckableMessage
from taskiq.middlewares import SmartRetryMiddleware
from taskiq.result import TaskiqResult
from taskiq.serializers import JSONSerializer
from taskiq_redis import RedisAsyncResultBackend, RedisStreamBroker

from ..task_options import TaskOptions

__all__ = ["KEEP_RESULT", "Backoff", "KeptResults", "StreamBroker", "keeps_result"]

#: The label that asks the worker to store a task's result (``result=True``).
KEEP_RESULT = "keep_result"


def keeps_result(labels: Mapping[str, Any]) -> bool:
    """Whether a message's labels ask for its result to be kept (labels may come back as text)."""
    value = labels.get(KEEP_RESULT)
    return value is True or str(value).lower() in ("true", "1")


class StreamBroker(RedisStreamBroker):
    """A Redis Streams broker whose pending jobs are reclaimed when idle, and kept while running.

    Args:
        url: the Redis URL.
        **options: as ``taskiq_redis.RedisStreamBroker`` takes them.
    """

    def __init__(self, url: str, **options: Any) -> None:
        super().__init__(url, **options)
        #: Deliveries this worker is running: (stream, entry id), until acknowledged.
        self.running: set[tuple[Any, Any]] = set()
        #: Set when the worker gives up its unfinished jobs: they are not acknowledged.
        self.abandoned = False
        self._heartbeat: asyncio.Task[None] | None = None
        self._last_reclaim = 0.0

    async def startup(self) -> None:
        """Declare the consumer group; a worker also starts refreshing its running jobs."""
        await super().startup()
        self.abandoned = False
        if self.is_worker_process and self._heartbeat is None:
            self._heartbeat = asyncio.create_task(self._keep_running_jobs())

    async def shutdown(self) -> None:
        """Stop the refreshing, then close the connections."""
        await self.abandon()
        await super().shutdown()

    async def abandon(self) -> None:
        """Leave the unfinished jobs to other workers: no refresh, no acknowledgement."""
        self.abandoned = True
        heartbeat, self._heartbeat = self._heartbeat, None
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    def _ack_generator(self, id: Any, queue_name: Any) -> Callable[[], Awaitable[None]]:  # noqa: A002
        key = (queue_name, id)
        self.running.add(key)
        acknowledge = super()._ack_generator(id=id, queue_name=queue_name)

        async def ack() -> None:
            if self.abandoned:  # given up at shutdown: another worker runs it again
                return
            await acknowledge()
            self.running.discard(key)

        return ack

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        """New jobs, and jobs idle past ``idle_timeout`` in other consumers (dead workers)."""
        async with Redis(connection_pool=self.connection_pool) as redis:
            while True:
                fetched: Any = await redis.xreadgroup(
                    self.consumer_group_name,
                    self.consumer_name,
                    {self.queue_name: ">"},
                    block=self.block,
                    count=self.count,
                )
                # Every entry read is this worker's from now on (kept alive while it
                # waits its turn), not only the one being yielded.
                batch = [
                    self._message(stream, entry_id, fields)
                    for stream, entries in fetched or ()
                    for entry_id, fields in entries
                ]
                batch += [
                    self._message(self.queue_name, entry_id, fields)
                    for entry_id, fields in await self._reclaim(redis)
                ]
                for message in batch:
                    yield message

    def _message(self, stream: Any, entry_id: Any, fields: Any) -> AckableMessage:
        return AckableMessage(
            data=fields[b"data"], ack=self._ack_generator(id=entry_id, queue_name=stream)
        )

    async def _reclaim(self, redis: Redis) -> list[tuple[Any, Any]]:
        """Claim entries idle past the timeout, at most once per read block."""
        now = time.monotonic()
        if now - self._last_reclaim < self.block / 1000:
            return []
        self._last_reclaim = now
        # XAUTOCLAIM is atomic and resets the idle time of what it claims,
        # so two workers never claim the same entry at once (no lock needed).
        claimed = await redis.xautoclaim(
            self.queue_name,
            self.consumer_group_name,
            self.consumer_name,
            min_idle_time=self.idle_timeout,
            count=self.unacknowledged_batch_size,
        )
        return [(entry_id, fields) for entry_id, fields in claimed[1] if fields]

    async def _keep_running_jobs(self) -> None:
        """Reset the idle time of the running jobs, so that no other worker reclaims them."""
        interval = self.idle_timeout / 3000
        async with Redis(connection_pool=self.connection_pool) as redis:
            while True:
                await asyncio.sleep(interval)
                ids = [entry_id for _, entry_id in self.running]
                if not ids:
                    continue
                with contextlib.suppress(RedisError, OSError):  # next beat tries again
                    await redis.xclaim(
                        self.queue_name,
                        self.consumer_group_name,
                        self.consumer_name,
                        min_idle_time=0,
                        message_ids=ids,
                        justid=True,
                    )


class Backoff(SmartRetryMiddleware):
    """taskiq's retry middleware, waiting each task's own backoff before the retry is enqueued.

    Args:
        options: each task's options by task name (read when a job fails).
    """

    def __init__(self, options: Mapping[str, TaskOptions]) -> None:
        super().__init__(default_retry_count=1, default_retry_label=False)
        self.options = options

    def make_delay(self, message: Any, retries: int) -> float:
        """The task's own backoff before retry ``retries``."""
        options = self.options.get(message.task_name)
        return options.delay(retries) if options is not None else 0.0

    async def on_send(self, kicker: Any, message: Any, delay: float) -> None:
        """Wait ``delay`` seconds here, then enqueue the retry (same job id)."""
        await asyncio.sleep(delay)
        await kicker.kiq(*message.args, **message.kwargs)

    async def on_error(
        self, message: Any, result: TaskiqResult[Any], exception: BaseException
    ) -> None:
        """Retry a failed attempt; a job cancelled at shutdown is redelivered instead."""
        if isinstance(exception, asyncio.CancelledError):
            return
        await super().on_error(message, result, exception)


class KeptResults(RedisAsyncResultBackend[Any]):
    """Results in Redis, as JSON (never pickle), kept only for tasks decorated ``result=True``.

    Args:
        url: the Redis URL.
        ttl: seconds a result is kept.
        prefix: the keys' prefix.
    """

    def __init__(self, url: str, ttl: int, prefix: str, **connection: Any) -> None:
        super().__init__(
            url, result_ex_time=ttl, serializer=JSONSerializer(), prefix_str=prefix, **connection
        )

    async def set_result(self, task_id: str, result: TaskiqResult[Any]) -> None:
        """Store ``result`` if its task asked for it and it is not a shutdown's cancellation."""
        if not keeps_result(result.labels) or isinstance(result.error, asyncio.CancelledError):
            return
        await super().set_result(task_id, result)
