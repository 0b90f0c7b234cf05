"""The load client of the stream curves, run as its own process next to the server.

``python -m bench.curves.client ws PORT CONNECTIONS SECONDS`` keeps that many
WebSockets to ``/ws`` busy, each sending a 32-byte text message and waiting for
its echo in turn, and prints ``{"messages": n, "seconds": t}``.

``python -m bench.curves.client sse PORT CLIENTS SINGLES BURST`` opens that
many ``/events`` streams, waits until each has its ``ready`` event, then
publishes ``SINGLES`` events one at a time (the time until every client has
one is its fan-out latency) and a burst of ``BURST`` back to back (deliveries
per second); it prints ``{"latency_ms": [...], "deliveries_per_s": x}``.
Every echo and every event is checked; a wrong one exits with status 1.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter

HOST = "127.0.0.1"
MESSAGE = "m" * 32


async def _echo_loop(port: int, deadline: float) -> int:
    from websockets.asyncio.client import connect

    count = 0
    async with connect(f"ws://{HOST}:{port}/ws", compression=None) as ws:
        while time.perf_counter() < deadline:
            await ws.send(MESSAGE)
            if await ws.recv() != MESSAGE:
                raise RuntimeError("the echo differs from the message sent")
            count += 1
    return count


async def websocket_load(port: int, connections: int, seconds: float) -> dict[str, float]:
    """Echo round trips over ``connections`` sockets for about ``seconds``."""
    start = time.perf_counter()
    counts = await asyncio.gather(*(_echo_loop(port, start + seconds) for _ in range(connections)))
    return {"messages": sum(counts), "seconds": time.perf_counter() - start}


class _Fanout:
    """Counts every ``data:`` line the streams receive, per event text."""

    def __init__(self, clients: int) -> None:
        self.clients = clients
        self.ready = 0
        self.seen: Counter[str] = Counter()
        self.total = 0
        self.changed = asyncio.Event()

    async def listen(self, port: int) -> None:
        try:
            await self._read(port)
        finally:
            self.changed.set()  # a stream that ends wakes the waiter, which then reports it

    async def _read(self, port: int) -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        request = f"GET /events HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n\r\n"
        writer.write(request.encode())
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"/events answered {status!r}")
        while line := await reader.readline():
            text = line.decode().strip()
            if text == "event: ready":
                self.ready += 1
            elif text.startswith("data:") and text != "data: ready":
                self.seen[text[5:].strip()] += 1
                self.total += 1
            else:
                continue
            self.changed.set()
        raise RuntimeError("an /events stream ended")

    async def until(self, done: object, timeout: float = 60.0) -> None:
        """Wait until ``done()`` is true, waking on every counted line."""
        deadline = time.perf_counter() + timeout
        while not done():  # type: ignore[operator]
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), max(0.001, deadline - time.perf_counter()))


async def _publish(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, text: str) -> None:
    body = text.encode()
    head = f"POST /publish HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: text/plain\r\n"
    writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    status = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    if b" 200 " not in status:
        raise RuntimeError(f"/publish answered {status!r}")


async def sse_load(port: int, clients: int, singles: int, burst: int) -> dict[str, object]:
    """Fan-out latency of single events, then deliveries per second of a burst."""
    fan = _Fanout(clients)
    listeners = [asyncio.create_task(fan.listen(port)) for _ in range(clients)]
    try:
        await fan.until(lambda: fan.ready >= clients or any(t.done() for t in listeners))
        for task in listeners:
            if task.done():
                task.result()  # raises why the stream ended
        reader, writer = await asyncio.open_connection(HOST, port)
        latencies = []
        for i in range(singles):
            start = time.perf_counter()
            await _publish(reader, writer, f"single-{i}")
            await fan.until(lambda i=i: fan.seen[f"single-{i}"] >= clients)
            latencies.append((time.perf_counter() - start) * 1000)
        expected = fan.total + clients * burst
        start = time.perf_counter()
        for i in range(burst):
            await _publish(reader, writer, f"burst-{i}")
        await fan.until(lambda: fan.total >= expected)
        elapsed = time.perf_counter() - start
        writer.close()
        return {"latency_ms": latencies, "deliveries_per_s": clients * burst / elapsed}
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)


def main(argv: list[str]) -> int:
    kind, *numbers = argv
    if kind == "ws":
        port, connections, seconds = int(numbers[0]), int(numbers[1]), float(numbers[2])
        result: dict[str, object] = asyncio.run(websocket_load(port, connections, seconds))
    else:
        port, clients, singles, burst = (int(n) for n in numbers)
        result = asyncio.run(sse_load(port, clients, singles, burst))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
