"""``Queue``: ``@api.background.task`` functions sent to Redis, run by ``responder worker``.

A thin typed wrapper over taskiq: a Redis Streams broker (acknowledged
delivery, so at least once), a retry middleware and a Redis result store
(``responder/tasks/_taskiq.py``). Enqueueing is split in two: the arguments
are serialized at the call, so a value that cannot travel fails there, in
the view; the send (one ``XADD``) then runs on the server's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError
from taskiq.message import BrokerMessage

from ..errors import HTTPServiceUnavailable
from ..task_options import TaskOptions
from ._taskiq import KEEP_RESULT, Backoff, KeptResults, StreamBroker
from .job import Job

__all__ = ["DEFAULT_RESULT_TTL", "Queue", "QueueUnavailable"]

logger = logging.getLogger("responder")

#: Seconds a result (``result=True``) is kept in Redis.
DEFAULT_RESULT_TTL = 3600
#: Seconds a job may go unacknowledged before another worker runs it again.
DEFAULT_REDELIVER_AFTER = 600.0
_SCHEMES = ("redis://", "rediss://", "unix://")


class QueueUnavailable(HTTPServiceUnavailable):
    """Redis did not take the job, so it is not queued: a 503 with ``Retry-After``."""

    def __init__(self, task: str, error: BaseException) -> None:
        super().__init__(
            detail=f"The job queue is unavailable; {task} was not queued. Try again shortly.",
            headers={"Retry-After": "5"},
        )
        self.error = error


def task_name(func: Callable[..., Any]) -> str:
    """``module:qualname``, the same in the server and the worker (``__main__`` by file name)."""
    module = func.__module__
    if module == "__main__":  # `python app.py`: the worker imports the file as `app`
        module = Path(getattr(sys.modules["__main__"], "__file__", "__main__")).stem
    return f"{module}:{func.__qualname__}"


def _register(broker: StreamBroker, func: Callable[..., Any], name: str, labels: Any) -> Any:
    """``broker.register_task``, undoing what it does to ``func`` for process pools we never use.

    taskiq renames the function (``f__taskiq_original``) and sets it on its
    module under that name; the user's function keeps its own name here.
    """
    names = func.__name__, func.__qualname__
    task = broker.register_task(func, task_name=name, **labels)
    renamed = func.__name__
    func.__name__, func.__qualname__ = names
    module = sys.modules.get(func.__module__)
    if module is not None and getattr(module, renamed, None) is func and renamed != names[0]:
        delattr(module, renamed)
    return task


class Queue:
    """A job queue on Redis Streams: ``API(tasks=responder.tasks.Queue("redis://..."))``.

    Args:
        url: the Redis (or Valkey) server: ``redis://``, ``rediss://`` or ``unix://``.
        name: the stream's key; the consumer group and result keys derive from it.
            Apps sharing one Redis use different names.
        result_ttl: seconds a kept result (``result=True``) stays in Redis.
        redeliver_after: seconds after which a job whose worker stopped
            acknowledging it (killed, lost) is run again by another worker.
        poll: seconds a worker waits on an empty stream between checks for
            jobs to reclaim (at most ``redeliver_after / 2``).
        max_connections: the connection pool's size.

    Raises:
        ValueError: a bad URL or setting.
    """

    def __init__(
        self,
        url: str,
        *,
        name: str = "responder:jobs",
        result_ttl: int = DEFAULT_RESULT_TTL,
        redeliver_after: float = DEFAULT_REDELIVER_AFTER,
        poll: float = 2.0,
        max_connections: int = 50,
    ) -> None:
        if not isinstance(url, str) or not url.startswith(_SCHEMES):
            raise ValueError(f"Queue needs a redis://, rediss:// or unix:// URL, not {url!r}.")
        for option, value in (("redeliver_after", redeliver_after), ("poll", poll)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{option} must be a positive number of seconds, not {value!r}.")
        if isinstance(result_ttl, bool) or not isinstance(result_ttl, int) or result_ttl < 1:
            raise ValueError(f"result_ttl must be a positive whole number, not {result_ttl!r}.")
        self.url, self.name = url, name
        self.result_ttl, self.redeliver_after = result_ttl, float(redeliver_after)
        self.poll = min(float(poll), self.redeliver_after / 2)
        self.max_connections = max_connections
        #: Each registered task's options, by task name (read by the worker's retries).
        self.options: dict[str, TaskOptions] = {}
        self.broker = self._broker()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sending: set[asyncio.Future[None]] = set()

    def _broker(self) -> StreamBroker:
        connection = {"socket_connect_timeout": 5, "socket_timeout": self.poll + 10}
        broker = StreamBroker(
            self.url,
            queue_name=self.name,
            consumer_group_name=f"{self.name}:workers",
            consumer_id="0",  # a group made after jobs were sent still sees them
            xread_block=int(self.poll * 1000),
            idle_timeout=int(self.redeliver_after * 1000),
            max_connection_pool_size=self.max_connections,
            **connection,
        )
        results = KeptResults(self.url, self.result_ttl, f"{self.name}:result", **connection)
        broker.with_result_backend(results).add_middlewares(Backoff(self.options))
        return broker

    def register(self, func: Callable[..., Any], options: TaskOptions) -> Callable[..., Job]:
        """Take ``func`` as a task (``@api.background.task``); calling the result enqueues a job.

        Raises:
            ValueError: another task of this queue has the same name (give one ``name=``).
        """
        name = options.name or task_name(func)
        if name in self.options:
            raise ValueError(f"Two tasks are named {name!r}; give one of them name=.")
        labels: dict[str, Any] = {}
        if options.retries:
            labels.update(retry_on_error=True, max_retries=options.retries + 1)
        if options.timeout is not None:
            labels["timeout"] = options.timeout
        if options.result:
            labels[KEEP_RESULT] = True
        task = _register(self.broker, func, name, labels)
        self.options[name] = options

        def enqueue(*args: Any, **kwargs: Any) -> Job:
            job = Job(uuid.uuid4().hex, name, options, self.connected)
            kicker = task.kicker().with_task_id(job.id)
            try:
                # taskiq's own message and serializer, run now so a bad argument fails here.
                message = self.broker.formatter.dumps(kicker._prepare_message(*args, **kwargs))
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"The arguments of task {name!r} cannot be sent to a worker: {exc}. "
                    "Pass JSON values (ids, strings, numbers, lists, dicts), not objects."
                ) from exc
            job._sent = self._send(message)
            return job

        return enqueue

    def _send(self, message: BrokerMessage) -> asyncio.Future[None] | None:
        """Send on the running loop (a future to await) or, from a thread, now (None)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            server = self._loop
            if server is not None and server.is_running():
                asyncio.run_coroutine_threadsafe(self._kick(message), server).result()
            else:  # no server loop (a script, a test client outside `with`)
                asyncio.run(self._kick(message))
            return None
        sending = loop.create_task(self._kick(message))
        self._sending.add(sending)
        sending.add_done_callback(self._sent)
        return sending

    def _sent(self, sending: asyncio.Future[None]) -> None:
        self._sending.discard(sending)
        if not sending.cancelled() and sending.exception() is not None:
            logger.error("A job was not queued", exc_info=sending.exception())

    async def _kick(self, message: BrokerMessage) -> None:
        try:
            async with self.connected() as broker:
                await broker.kick(message)
        except (RedisError, OSError) as exc:
            raise QueueUnavailable(message.task_name, exc) from exc

    @contextlib.asynccontextmanager
    async def connected(self) -> AsyncIterator[StreamBroker]:
        """The broker on the server's loop; on another (no lifespan) a fresh one, closed after.

        Redis connections belong to the event loop that opened them, so a loop
        the queue was not opened on gets connections of its own.
        """
        if self._loop is asyncio.get_running_loop():
            yield self.broker
            return
        broker = self._broker()
        try:
            yield broker
        finally:
            await broker.shutdown()

    async def open(self) -> None:
        """At startup, on the server's loop: bind to it; a worker also declares its group.

        A web process connects on its first send, so an app starts (and
        answers, with 503 for jobs) while Redis is down. The group reads the
        stream from its start, so jobs sent before any worker ran are kept.
        """
        self._loop = asyncio.get_running_loop()
        if self.broker.is_worker_process:
            await self.broker.startup()

    async def close(self) -> None:
        """At shutdown: wait for the sends still running, then disconnect."""
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        await self.broker.shutdown()
        self._loop = None
